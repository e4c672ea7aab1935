import { InvalidParameter } from './errors';
import { signedIn } from './lookups';
import type { Target } from './services';
import type { MfaType } from './users';
import { optionalBoolean, optionalObject } from './validate';

export const SetUserMFAPreference: Target = (services) => async (_ctx, req) => {
  const { pool, user } = await signedIn(services, req);
  const settings: [MfaType, ReturnType<typeof optionalObject>][] = [
    ['SMS_MFA', optionalObject(req, 'SMSMfaSettings')],
    ['SOFTWARE_TOKEN_MFA', optionalObject(req, 'SoftwareTokenMfaSettings')],
  ];
  for (const [type, setting] of settings) {
    if (!setting) continue;
    const enabled = optionalBoolean(setting, 'Enabled');
    const preferred = optionalBoolean(setting, 'PreferredMfa');
    if (enabled === undefined && preferred === undefined) continue;
    if (enabled && !pool.enabledMfas.includes(type)) throw InvalidParameter(`${type} is not enabled for the user pool.`);
    if (type === 'SOFTWARE_TOKEN_MFA') {
      if (enabled && !user.totpSecret) throw InvalidParameter('User has not verified software token mfa');
      if (enabled !== undefined) user.totpEnabled = enabled;
    } else {
      if (enabled && !user.attributes.phone_number) throw InvalidParameter('User does not have delivery config set to turn on SMS_MFA');
      if (enabled !== undefined) user.smsMfaEnabled = enabled;
    }
    const on = type === 'SMS_MFA' ? user.smsMfaEnabled : user.totpEnabled;
    if (preferred && on) user.preferredMfa = type;
    else if ((preferred === false || !on) && user.preferredMfa === type) user.preferredMfa = undefined;
  }
  user.updatedAt = services.clock.now().getTime();
  services.users.update(pool, user);
  return {};
};
