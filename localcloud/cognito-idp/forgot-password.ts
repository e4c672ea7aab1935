import { isVerified } from './attributes';
import { codeRequest } from './code-request';
import { InvalidParameter, NotAuthorized } from './errors';
import type { UserPoolConfig } from '../provisioning/user-pools';
import type { Target } from './services';
import type { User } from './users';

/**
 * A password-reset code to the first verified channel of the pool's recovery
 * mechanisms. Under PreventUserExistenceErrors a user who is disabled or has
 * no verified channel gets the pretended delivery an unknown name gets.
 */
/** The channels the pool's recovery mechanisms allow, in priority order (Cognito's default: email, then phone). */
export function recoveryChannels(pool: UserPoolConfig): ('email' | 'phone_number')[] {
  const mechanisms = pool.accountRecovery.length
    ? [...pool.accountRecovery].sort((a, b) => a.priority - b.priority).map((m) => m.name)
    : ['verified_email', 'verified_phone_number'];
  if (mechanisms.includes('admin_only')) throw NotAuthorized('Cannot reset password for the user as there is no registered/verified email or phone_number');
  return mechanisms.map((m) => (m === 'verified_email' ? 'email' : 'phone_number'));
}

/** The first of `channels` the user has verified, or Cognito's refusal (a disabled user, nothing verified). */
export function recoveryChannelFor(user: User, channels: ('email' | 'phone_number')[]): 'email' | 'phone_number' {
  if (!user.enabled) throw NotAuthorized('User is disabled.');
  const channel = channels.find((c) => isVerified(user, c));
  if (!channel) throw InvalidParameter('Cannot reset password for the user as there is no registered/verified email or phone_number');
  return channel;
}

export const ForgotPassword: Target = codeRequest({
  purpose: 'FORGOT_PASSWORD',
  hideRefusals: true,
  channels: recoveryChannels,
  channelFor: (_pool, user, channels) => recoveryChannelFor(user, channels),
});
