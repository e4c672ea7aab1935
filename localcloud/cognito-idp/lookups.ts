import type { UserPoolClientConfig, UserPoolConfig } from '../provisioning/user-pools';
import { CognitoError, NotAuthorized, UserNotFound } from './errors';
import type { Services } from './services';
import { ACCESS_SCOPE, type VerifiedToken } from './tokens';
import type { User } from './users';
import { string, type Json } from './validate';

/** The signed-in user behind a request's AccessToken (GetUser, UpdateUserAttributes, ...). */
export async function signedIn(services: Pick<Services, 'tokens'>, req: Json): Promise<VerifiedToken> {
  return withAdminScope(await services.tokens.verify(string(req, 'AccessToken'), 'access'));
}

/**
 * Refuses an access token without `aws.cognito.signin.user.admin`, as
 * Cognito does: a hosted-UI sign-in gets it only when the client asked for
 * that OAuth scope.
 */
export function withAdminScope(verified: VerifiedToken): VerifiedToken {
  if (!String(verified.claims.scope ?? '').split(' ').includes(ACCESS_SCOPE)) throw NotAuthorized('Access Token does not have required scopes');
  return verified;
}

/**
 * The user a sign-in name designates, or the error Cognito gives for an
 * unknown one: with PreventUserExistenceErrors, the same error a wrong
 * password or code would get (`whenHidden`); otherwise UserNotFoundException.
 */
export function findUser(
  services: Pick<Services, 'users'>,
  pool: UserPoolConfig,
  client: UserPoolClientConfig,
  name: string,
  whenHidden: () => CognitoError,
  notFoundMessage = 'User does not exist.',
): User {
  const user = services.users.bySignInName(pool, name);
  if (user) return user;
  throw client.preventUserExistenceErrors ? whenHidden() : UserNotFound(notFoundMessage);
}

/** The attribute a confirmation code goes to: the first auto-verified attribute the user has (email before phone). */
export function confirmationChannel(pool: UserPoolConfig, user: User): 'email' | 'phone_number' | undefined {
  if (pool.autoVerifiedAttributes.includes('email') && user.attributes.email) return 'email';
  if (pool.autoVerifiedAttributes.includes('phone_number') && user.attributes.phone_number) return 'phone_number';
  return undefined;
}
