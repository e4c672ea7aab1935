/**
 * The admin REST API's routes: one list for API Gateway's resources
 * (amplify/api/admin-rest-api.ts), the function's router
 * (amplify/functions/admin-api/) and the web app (src/features/admin/).
 * `admin: true` routes are for members of ADMINS only; the function checks
 * the verified `cognito:groups` claim on every call.
 */
export const ADMIN_API_NAME = 'adminApi';
export const ADMIN_API_STAGE = 'prod';
export const ADMIN_GROUP = 'ADMINS';

export const ROUTES = [
  { method: 'GET', resource: '/users', name: 'listUsers', admin: true },
  { method: 'PUT', resource: '/users/{username}/groups/{group}', name: 'addToGroup', admin: true },
  { method: 'DELETE', resource: '/users/{username}/groups/{group}', name: 'removeFromGroup', admin: true },
  { method: 'POST', resource: '/users/{username}/disable', name: 'disableUser', admin: true },
  { method: 'POST', resource: '/users/{username}/enable', name: 'enableUser', admin: true },
  { method: 'POST', resource: '/users/{username}/reset-password', name: 'resetPassword', admin: true },
  { method: 'POST', resource: '/users/{username}/sign-out', name: 'signOutEverywhere', admin: true },
  { method: 'GET', resource: '/audit', name: 'readAuditLog', admin: true },
  // {"birthdate": "YYYY-MM-DD" | null}: the only way people change their birthdate (the app client cannot write it).
  { method: 'PUT', resource: '/me/birthdate', name: 'changeOwnBirthdate', admin: false },
  { method: 'PUT', resource: '/me/owner-name', name: 'publishOwnerName', admin: false },
] as const;

export type Route = (typeof ROUTES)[number];
export type RouteName = Route['name'];

/** A user as the admin page shows them. */
export interface AdminUser {
  username: string;
  email?: string;
  preferredUsername?: string;
  status?: string;
  enabled: boolean;
  /** ISO 8601. */
  createdAt?: string;
  groups: string[];
}

/** GET /users?search=&limit=&next= */
export interface UserPage {
  users: AdminUser[];
  /** Pass as `next` for the following page; absent on the last one. */
  next?: string;
}

/** What an audit record says a user was like, before and after a change. */
export interface UserSnapshot {
  enabled?: boolean;
  status?: string;
  groups?: string[];
  birthdate?: string | null;
  /** Sessions ended (sign out everywhere) or a reset code sent. */
  event?: string;
}

/** One change made through the API: who, what, when, to whom, before and after. */
export interface AuditRecord {
  id: string;
  /** ISO 8601. */
  at: string;
  action: RouteName;
  actor: { sub: string; username: string; email?: string };
  target: { username: string; email?: string };
  before: UserSnapshot;
  after: UserSnapshot;
}

/** GET /audit?limit=&next= (newest first). */
export interface AuditPage {
  records: AuditRecord[];
  next?: string;
}

/**
 * Owner names: how people's folders (`public/{identity id}/`, `protected/{identity id}/`)
 * are labelled. `owners/{identity id}.json` holds an OwnerName; only the API's
 * function writes there (PUT /me/owner-name, for the caller's own identity id,
 * learnt from their id token through the identity pool), and signed-in people
 * may only get a key they already know (no listing): see amplify/storage/resource.ts.
 */
export const OWNER_NAMES_PREFIX = 'owners/';
export const ownerNameKey = (identityId: string) => `${OWNER_NAMES_PREFIX}${identityId}.json`;

/** What `owners/{identity id}.json` holds. */
export interface OwnerName {
  identityId: string;
  /** The owner's verified email address as others are shown it (admin-api owner-names.ts, displayedOwnerName); null while they have none, or one that could pass for another address (their folders stay unnamed). */
  name: string | null;
  /** ISO 8601. */
  updatedAt: string;
}

/** Every refusal and failure: a sentence for people, and a code for programs. */
export interface ApiErrorBody {
  message: string;
  code: string;
}

/** Paging limits of the list routes. */
export const USERS_PAGE = { default: 25, max: 60 } as const;
export const AUDIT_PAGE = { default: 25, max: 50 } as const;
