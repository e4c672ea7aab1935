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
  }),
});
