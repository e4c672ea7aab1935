import { isUserArn } from '../iam/authorizer';
import { evaluate } from '../iam/policy-evaluator';
import { unsupportedOperation } from '../http/query-protocol';
import { StsError } from './errors';
import type { StsCaller, StsServices } from './services';

/**
 * AssumeRole (signed): what the CDK toolkit calls for the bootstrap roles
 * (deploy, file-publishing, lookup). The role's trust policy must let the
 * caller in, and — unless the trust policy names the caller itself — the
 * caller's own policies must allow sts:AssumeRole on the role (AWS's rule
 * for a trust policy that trusts the account). DurationSeconds
 * 900–MaxSessionDuration; role chaining caps the session at one hour.
 */
const DEFAULT_DURATION = 3600;
const DEFAULT_MAX_SESSION = 3600;

const missing = (member: string) => new StsError('ValidationError', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`, 400);

export const AssumeRole = (services: StsServices) => (caller: StsCaller, params: URLSearchParams) => {
  const roleArn = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  if (roleArn === null) throw missing('roleArn');
  if (sessionName === null) throw missing('roleSessionName');
  if (roleArn.length < 20 || roleArn.length > 2048) {
    throw new StsError('ValidationError', "1 validation error detected: Value at 'roleArn' failed to satisfy constraint: Member must have length between 20 and 2048", 400);
  }
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw new StsError('ValidationError', `1 validation error detected: Value '${sessionName.slice(0, 64)}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`, 400);
  }
  const durationText = params.get('DurationSeconds');
  const duration = durationText === null ? DEFAULT_DURATION : Number(durationText);
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    throw new StsError('ValidationError', `1 validation error detected: Value '${String(durationText).slice(0, 20)}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`, 400);
  }
  if (params.has('Policy') || [...params.keys()].some((k) => k.startsWith('PolicyArns.'))) {
    throw unsupportedOperation('STS', 'AssumeRole with session policies (Policy, PolicyArns)');
  }
  if (params.has('SerialNumber') || params.has('TokenCode')) throw unsupportedOperation('STS', 'AssumeRole with MFA (SerialNumber, TokenCode)');

  const { iam } = services;
  const callerArn = iam.authorizer.principalArn(caller);
  const denied = () => new StsError('AccessDenied', `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
  const role = iam.account.roles.get(roleArn);
  if (!role || isUserArn(role.arn)) throw denied();
  const request = {
    principal: { arn: callerArn, roleArn: caller.roleArn, accountId: iam.account.accountId },
    action: 'sts:AssumeRole',
    resource: role.arn,
    context: iam.authorizer.contextFor(caller),
  };
  const trust = evaluate(request, [], [{ name: `${role.logicalId} trust policy`, document: role.trustPolicy }]);
  if (trust.decision !== 'Allow') throw denied();
  const namesCaller = JSON.stringify(role.trustPolicy).includes(`"${callerArn}"`) || JSON.stringify(role.trustPolicy).includes(`"${caller.roleArn}"`);
  if (!namesCaller && !iam.authorize({ credentials: caller, action: 'sts:AssumeRole', resource: role.arn }).allowed) throw denied();
  const chained = caller.sessionToken !== undefined; // a role session assuming another role
  if (duration > (chained ? DEFAULT_MAX_SESSION : (role.maxSessionDuration ?? DEFAULT_MAX_SESSION))) {
    throw new StsError(
      'ValidationError',
      chained
        ? 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'
        : 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      400,
    );
  }
  const credentials = iam.credentials.issue({ roleArn: role.arn, roleId: role.roleId, sessionName, durationSeconds: duration });
  return {
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: credentials.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    AssumedRoleUser: { AssumedRoleId: `${role.roleId}:${sessionName}`, Arn: iam.authorizer.principalArn(credentials) },
  };
};
