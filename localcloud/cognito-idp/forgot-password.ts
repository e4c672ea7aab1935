import { isVerified } from './attributes';
import { codeRequest } from './code-request';
import { InvalidParameter, NotAuthorized } from './errors';
import type { Target } from './services';

export const ForgotPassword: Target = codeRequest('FORGOT_PASSWORD', (pool, user) => {
  if (!user.enabled) throw NotAuthorized('User is disabled.');
  // The pool's recovery mechanisms, in priority order; Cognito's default is email, then phone.
  const mechanisms = pool.accountRecovery.length
    ? [...pool.accountRecovery].sort((a, b) => a.priority - b.priority).map((m) => m.name)
    : ['verified_email', 'verified_phone_number'];
  if (mechanisms.includes('admin_only')) throw NotAuthorized('Cannot reset password for the user as there is no registered/verified email or phone_number');
  const channel = mechanisms
    .map((m) => (m === 'verified_email' ? 'email' : 'phone_number') as 'email' | 'phone_number')
    .find((c) => isVerified(user, c));
  if (!channel) throw InvalidParameter('Cannot reset password for the user as there is no registered/verified email or phone_number');
  return channel;
});
