import { codeRequest } from './code-request';
import { InvalidParameter } from './errors';
import { confirmationChannel } from './lookups';
import type { Target } from './services';

export const ResendConfirmationCode: Target = codeRequest('SIGN_UP', (pool, user) => {
  if (user.status !== 'UNCONFIRMED') throw InvalidParameter('User is already confirmed.');
  const channel = confirmationChannel(pool, user);
  if (!channel) throw InvalidParameter('Auto verification not turned on.');
  return channel;
});
