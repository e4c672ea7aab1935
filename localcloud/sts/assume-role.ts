import { isUserArn } from '../iam/authorizer';
import { evaluate } from '../iam/policy-evaluator';
import { unsupportedOperation } from '../http/query-protocol';
import { StsError } from './errors';
import { checkRoleArnAndSessionName, DEFAULT_MAX_SESSION, missing, requestedDuration } from './role-session';
import type { StsCaller, StsServices } from './services';

/**
 * AssumeRole (signed): what the CDK toolkit calls for the bootstrap roles
 * (deploy, file-publishing, lookup). The role's trust policy must let the
 * caller in, and — unless the trust policy names the caller itself — the
 * caller's own policies must allow sts:AssumeRole on the role (AWS's rule
 * for a trust policy that trusts the account). DurationSeconds
 * 900–MaxSessionDuration; role chaining caps the session at one hour.
 */

export const AssumeRole = (services: StsServices) => (caller: StsCaller, params: URLSearchParams) => {
  const roleArn = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  if (roleArn === null) throw missing('roleArn');
  if (sessionName === null) throw missing('roleSessionName');
  checkRoleArnAndSessionName(roleArn, sessionName);
  const duration = requestedDuration(params, 'AssumeRole');
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
