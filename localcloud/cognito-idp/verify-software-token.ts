import { openSession, sealSession, sessionClientId, spendSession, userOf } from './auth-flow';
import { EnableSoftwareTokenMFA, InvalidParameter } from './errors';
import { withAdminScope } from './lookups';
import type { Target } from './services';
import { totpMatches } from './totp';
import type { User } from './users';
import { optionalString, string } from './validate';

/** Checks a code from the authenticator app against the associated secret, which then becomes the user's TOTP factor. */
export const VerifySoftwareToken: Target = (services) => async (_ctx, req) => {
  const accessToken = optionalString(req, 'AccessToken');
  const session = optionalString(req, 'Session');
  const code = string(req, 'UserCode');
  if (!/^[0-9]{6}$/.test(code)) {
    throw InvalidParameter("1 validation error detected: Value at 'userCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+");
  }
  if (!accessToken && !session) throw InvalidParameter('Either AccessToken or Session must be provided.');

  const enable = (user: User) => {
    if (!user.pendingTotpSecret) throw InvalidParameter('Software token has not been associated with the user. Call AssociateSoftwareToken first.');
    if (!totpMatches(user.pendingTotpSecret, code, services.clock)) throw EnableSoftwareTokenMFA('Code mismatch');
    user.totpSecret = user.pendingTotpSecret;
    user.pendingTotpSecret = undefined;
    user.totpEnabled = true;
    user.updatedAt = services.clock.now().getTime();
  };

  if (accessToken) {
    const { pool, user } = withAdminScope(await services.tokens.verify(accessToken, 'access'));
    enable(user);
    services.users.update(pool, user);
    return { Status: 'SUCCESS' };
  }
  const pending = openSession(services, session, sessionClientId(services, session), ['MFA_SETUP']);
  const user = userOf(services, pending);
  enable(user);
  spendSession(services, session);
  services.users.update(services.pools.byId(pending.poolId)!, user);
  return { Status: 'SUCCESS', Session: sealSession(services, { ...pending, challenge: 'MFA_SETUP_VERIFIED' }) };
};
