import { NotAuthorized } from '../errors';
import type { Target } from '../services';
import { invokeTrigger } from '../trigger-events';
import { stringMap } from '../validate';
import { poolOf, userOf } from './common';

/** Confirms an UNCONFIRMED user without a code (no attribute is verified), then runs PostConfirmation. */
export const AdminConfirmSignUp: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const user = userOf(services, pool, req);
  const clientMetadata = stringMap(req, 'ClientMetadata');
  if (user.status !== 'UNCONFIRMED') throw NotAuthorized(`User cannot be confirmed. Current status is ${user.status}`);
  user.status = 'CONFIRMED';
  user.updatedAt = services.clock.now().getTime();
  services.users.update(pool, user);
  await invokeTrigger(services.triggers, pool, 'PostConfirmation', 'PostConfirmation_ConfirmSignUp', user, {
    request: { userAttributes: { ...user.attributes, sub: user.sub, 'cognito:user_status': 'CONFIRMED' }, clientMetadata },
    response: {},
  });
  return {};
};
