import { OpenIdTokenError } from '../cognito-identity';
import { trustsCognitoIdentity } from '../iam/web-identity';
import { StsError } from './errors';
import { checkRoleArnAndSessionName, DEFAULT_MAX_SESSION, missing, requestedDuration } from './role-session';
import type { StsServices } from './services';

/**
 * AssumeRoleWithWebIdentity (unsigned), the second half of the identity
 * pools' basic flow: a GetOpenIdToken token for a role whose trust policy
 * lets that Cognito identity (aud / sub / amr) assume it. The credentials are
 * bound to the identity, as GetCredentialsForIdentity's are. Tokens of other
 * OpenID providers cannot be verified offline and are refused.
 */

export const AssumeRoleWithWebIdentity = (services: StsServices) => async (params: URLSearchParams) => {
  const roleArn = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  const token = params.get('WebIdentityToken');
  if (roleArn === null) throw missing('roleArn');
  if (sessionName === null) throw missing('roleSessionName');
  if (token === null) throw missing('webIdentityToken');
  checkRoleArnAndSessionName(roleArn, sessionName);
  if (token.length < 4 || token.length > 20_000) {
    throw new StsError('ValidationError', "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length between 4 and 20000", 400);
  }
  const duration = requestedDuration(params, 'AssumeRoleWithWebIdentity');

  let identity;
  try {
    identity = await services.verifyWebIdentityToken(token);
  } catch (error) {
    if (error instanceof OpenIdTokenError) {
      throw error.reason === 'expired' ? new StsError('ExpiredTokenException', error.message, 400) : new StsError('InvalidIdentityToken', error.message, 400);
    }
    throw error;
  }
  const role = services.iam.account.roles.get(roleArn);
  const now = services.now();
  if (!role || !trustsCognitoIdentity(role, identity, now)) {
    throw new StsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
  }
  if (duration > (role.maxSessionDuration ?? DEFAULT_MAX_SESSION)) {
    throw new StsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400);
  }
  const credentials = services.iam.credentials.issue({
    roleArn: role.arn,
    roleId: role.roleId,
    sessionName,
    identityId: identity.sub,
    identityPoolId: identity.aud,
    amr: identity.amr,
    durationSeconds: duration,
  });
  return {
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: credentials.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    SubjectFromWebIdentityToken: identity.sub,
    AssumedRoleUser: { AssumedRoleId: `${role.roleId}:${sessionName}`, Arn: services.iam.authorizer.principalArn(credentials) },
    Provider: 'cognito-identity.amazonaws.com',
    Audience: identity.aud,
  };
};
