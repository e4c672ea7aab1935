import { InvalidParameter } from './errors';
import { openSession, sealSession, sessionClientId, userOf } from './auth-flow';
import { withAdminScope } from './lookups';
import type { Target } from './services';
import { newTotpSecret } from './totp';
import { optionalString } from './validate';

/** Starts TOTP setup, signed in (AccessToken) or during sign-in's MFA_SETUP challenge (Session). */
export const AssociateSoftwareToken: Target = (services) => async (_ctx, req) => {
  const accessToken = optionalString(req, 'AccessToken');
  const session = optionalString(req, 'Session');
  if (!accessToken && !session) throw InvalidParameter('Either AccessToken or Session must be provided.');
  const secret = newTotpSecret();
  if (accessToken) {
    const { pool, user } = withAdminScope(await services.tokens.verify(accessToken, 'access'));
    user.pendingTotpSecret = secret;
    services.users.update(pool, user);
    return { SecretCode: secret };
  }
  const pending = openSession(services, session, sessionClientId(services, session), ['MFA_SETUP']);
  const user = userOf(services, pending);
  user.pendingTotpSecret = secret;
  services.users.update(services.pools.byId(pending.poolId)!, user);
  return { SecretCode: secret, Session: sealSession(services, pending) };
};
