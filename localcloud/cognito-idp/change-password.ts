import { NotAuthorized, messages } from './errors';
import { signedIn } from './lookups';
import { checkPasswordPolicy, isPassword, passwordVerifier } from './passwords';
import type { Target } from './services';
import { string } from './validate';

export const ChangePassword: Target = (services) => async (_ctx, req) => {
  const { pool, user } = await signedIn(services, req);
  const previous = string(req, 'PreviousPassword');
  const proposed = string(req, 'ProposedPassword');
  services.lockouts.assertOpen(pool, user);
  if (!isPassword(pool, user, previous)) throw services.lockouts.fail(pool, user, NotAuthorized(messages.incorrectCredentials));
  checkPasswordPolicy(pool.passwordPolicy, proposed, 'proposedPassword');
  Object.assign(user, passwordVerifier(pool, user.username, proposed), { failedSignIns: 0, lockedUntil: 0, updatedAt: services.clock.now().getTime() });
  services.users.update(pool, user);
  return {};
};
