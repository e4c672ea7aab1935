import { attributesOnTheWire } from '../attributes';
import type { Target } from '../services';
import { poolOf, userOf } from './common';

export const AdminGetUser: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const user = userOf(services, pool, req);
  const mfa = [
    ...(user.smsMfaEnabled ? ['SMS_MFA'] : []),
    ...(user.totpEnabled ? ['SOFTWARE_TOKEN_MFA'] : []),
  ];
  return {
    Username: user.username,
    UserAttributes: attributesOnTheWire(user),
    UserCreateDate: user.createdAt / 1000,
    UserLastModifiedDate: user.updatedAt / 1000,
    Enabled: user.enabled,
    UserStatus: user.status,
    ...(user.preferredMfa ? { PreferredMfaSetting: user.preferredMfa } : {}),
    ...(mfa.length ? { UserMFASettingList: mfa } : {}),
  };
};
