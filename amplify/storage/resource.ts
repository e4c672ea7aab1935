import { defineStorage } from '@aws-amplify/backend';
import { adminApi } from '../functions/admin-api/resource';

/**
 * One bucket; every rule is enforced by the identity pool's IAM roles.
 * `{entity_id}` is the caller's identity-pool id
 * (`${cognito-identity.amazonaws.com:sub}`).
 */
export const storage = defineStorage({
  name: 'vaultFiles',
  isDefault: true,
  access: (allow) => ({
    // Everyone (guests too) reads public files; each person writes and deletes
    // only their own folder; EDITORS and ADMINS may delete (not replace) any.
    'public/{entity_id}/*': [
      allow.guest.to(['read']),
      allow.authenticated.to(['read']),
      allow.entity('identity').to(['read', 'write', 'delete']),
      allow.groups(['EDITORS', 'ADMINS']).to(['read', 'delete']),
    ],
    'protected/{entity_id}/*': [
      allow.authenticated.to(['read']),
      allow.entity('identity').to(['read', 'write', 'delete']),
    ],
    'private/{entity_id}/*': [allow.entity('identity').to(['read', 'write', 'delete'])],
    'shared/*': [
      allow.authenticated.to(['read']),
      allow.groups(['EDITORS', 'ADMINS']).to(['read', 'write', 'delete']),
    ],
    'admin/*': [allow.groups(['ADMINS']).to(['read', 'write', 'delete'])],
    // The admin API's audit log: only its function reaches it, and it cannot
    // delete (records are append-only). ADMINS read it through the API.
    'audit/*': [allow.resource(adminApi).to(['read', 'write'])],
    // Owner names (amplify/api/contract.ts, OwnerName): `owners/{identity id}.json`, written only
    // by the API's function for the caller's own identity id (PUT /me/owner-name). Signed-in
    // people may get an entry whose key they know — the owner of a folder they can see — but not
    // list them all (no harvesting of addresses). Guests see no names.
    'owners/*': [allow.resource(adminApi).to(['write']), allow.authenticated.to(['get'])],
  }),
});
