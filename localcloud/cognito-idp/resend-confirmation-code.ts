import { codeRequest } from './code-request';
import { InvalidParameter } from './errors';
import { confirmationChannel } from './lookups';
import type { Target } from './services';

export const ResendConfirmationCode: Target = codeRequest({
  purpose: 'SIGN_UP',
  hideRefusals: false,
  channels(pool) {
    const channels = (['email', 'phone_number'] as const).filter((c) => pool.autoVerifiedAttributes.includes(c));
    if (!channels.length) throw InvalidParameter('Auto verification not turned on.');
    return [...channels];
  },
  channelFor(pool, user) {
    if (user.status !== 'UNCONFIRMED') throw InvalidParameter('User is already confirmed.');
    const channel = confirmationChannel(pool, user);
    if (!channel) throw InvalidParameter('Auto verification not turned on.');
    return channel;
  },
});
