import { isVerified } from './attributes';
import { codeRequest } from './code-request';
import { InvalidParameter, NotAuthorized } from './errors';
import type { Target } from './services';

/**
 * A password-reset code to the first verified channel of the pool's recovery
 * mechanisms. Under PreventUserExistenceErrors a user who is disabled or has
 * no verified channel gets the pretended delivery an unknown name gets.
 */
export const ForgotPassword: Target = codeRequest({
  purpose: 'FORGOT_PASSWORD',
  hideRefusals: true,
  channels(pool) {
    // The pool's recovery mechanisms, in priority order; Cognito's default is email, then phone.
    const mechanisms = pool.accountRecovery.length
      ? [...pool.accountRecovery].sort((a, b) => a.priority - b.priority).map((m) => m.name)
      : ['verified_email', 'verified_phone_number'];
    if (mechanisms.includes('admin_only')) throw NotAuthorized('Cannot reset password for the user as there is no registered/verified email or phone_number');
    return mechanisms.map((m) => (m === 'verified_email' ? 'email' : 'phone_number'));
  },
  channelFor(_pool, user, channels) {
    if (!user.enabled) throw NotAuthorized('User is disabled.');
    const channel = channels.find((c) => isVerified(user, c));
    if (!channel) throw InvalidParameter('Cannot reset password for the user as there is no registered/verified email or phone_number');
    return channel;
  },
});
