import { attributesOnTheWire, isReadable } from './attributes';
import { signedIn } from './lookups';
import type { Target } from './services';
import type { User } from './users';

export const GetUser: Target = (services) => async (_ctx, req) => {
  const { user, claims } = await signedIn(services, req);
  const { client } = services.pools.client(String(claims.client_id));
  return {
    Username: user.username,
    UserAttributes: attributesOnTheWire(user).filter((a) => isReadable(client, a.Name)),
    ...mfaSettings(user),
  };
};

/** UserMFASettingList and PreferredMfaSetting as GetUser reports them. */
export function mfaSettings(user: User): { UserMFASettingList?: string[]; PreferredMfaSetting?: string } {
  const list = [...(user.smsMfaEnabled ? ['SMS_MFA'] : []), ...(user.totpEnabled ? ['SOFTWARE_TOKEN_MFA'] : [])];
  return {
    ...(list.length ? { UserMFASettingList: list } : {}),
    ...(user.preferredMfa ? { PreferredMfaSetting: user.preferredMfa } : {}),
  };
}
