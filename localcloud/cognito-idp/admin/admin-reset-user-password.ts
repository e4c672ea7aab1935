import { NotAuthorized } from '../errors';
import { recoveryChannelFor, recoveryChannels } from '../forgot-password';
import type { Target } from '../services';
import { stringMap } from '../validate';
import { poolOf, userOf } from './common';

/**
 * The administrative ForgotPassword: the user's password stops signing in
 * (RESET_REQUIRED: sign-in answers PasswordResetRequiredException) and a
 * reset code goes to their first verified recovery channel, to be used with
 * ConfirmForgotPassword. Refused, changing nothing, when the pool or the user
 * allows no such code (as ForgotPassword is), and for users whose password is
 * not theirs to reset yet (unconfirmed, temporary, federated).
 */
export const AdminResetUserPassword: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const user = userOf(services, pool, req);
  const clientMetadata = stringMap(req, 'ClientMetadata');
  if (user.status === 'UNCONFIRMED' || user.status === 'FORCE_CHANGE_PASSWORD' || user.status === 'EXTERNAL_PROVIDER') {
    throw NotAuthorized('User password cannot be reset in the current state.');
  }
  const channel = recoveryChannelFor(user, recoveryChannels(pool));
  await services.codes.send(pool, user, 'FORGOT_PASSWORD', channel, { clientMetadata });
  services.store.transaction(() => {
    user.status = 'RESET_REQUIRED';
    user.updatedAt = services.clock.now().getTime();
    services.users.update(pool, user);
  });
  return {};
};
