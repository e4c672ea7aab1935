import type { UserPoolConfig, UserPoolGroupConfig } from '../../provisioning/user-pools';
import { attributesOnTheWire } from '../attributes';
import { InvalidParameter, ResourceNotFound, UserNotFound } from '../errors';
import type { Services } from '../services';
import type { User } from '../users';
import { optionalString, string, type Json } from '../validate';

/**
 * Shared pieces of the administrative operations (Admin*, List*, GetGroup):
 * the pool, user and group a request names, with Cognito's errors, and the
 * wire shapes of users and groups.
 */
export function poolOf(services: Pick<Services, 'pools'>, req: Json): UserPoolConfig {
  const id = string(req, 'UserPoolId');
  const pool = services.pools.byId(id);
  if (!pool) throw ResourceNotFound(`User pool ${id} does not exist.`);
  return pool;
}

/** The user an admin request names: its username, or an alias/username attribute (email, phone), or its sub. */
export function userOf(services: Pick<Services, 'users'>, pool: UserPoolConfig, req: Json, member = 'Username'): User {
  const name = string(req, member);
  const user = services.users.bySignInName(pool, name);
  if (!user) throw UserNotFound('User does not exist.');
  return user;
}

/** A group of the pool: one from the templates, or one Cognito made (`createdAt`). */
export type PoolGroup = UserPoolGroupConfig & { createdAt?: number };

/** The pool's groups: the templates', then those Cognito made for its identity providers (`<userPoolId>_Google`). */
export function groupsIn(services: Pick<Services, 'users'>, pool: UserPoolConfig): PoolGroup[] {
  return [...pool.groups, ...services.users.madeGroups(pool.id)];
}

export function groupOf(services: Pick<Services, 'users'>, pool: UserPoolConfig, req: Json): PoolGroup {
  const name = string(req, 'GroupName');
  const group = groupsIn(services, pool).find((g) => g.name === name);
  if (!group) throw ResourceNotFound('Group not found.');
  return group;
}

const seconds = (ms: number) => ms / 1000;

/** Groups come from the templates: they exist since the local cloud provisioned them. */
export const PROVISIONED_AT = Date.now();

/** UserType (ListUsers, ListUsersInGroup, AdminCreateUser). */
export function wireUser(user: User, attributesToGet?: string[]) {
  const attributes = attributesOnTheWire(user).filter((a) => !attributesToGet || attributesToGet.includes(a.Name));
  return {
    Username: user.username,
    Attributes: attributes,
    UserCreateDate: seconds(user.createdAt),
    UserLastModifiedDate: seconds(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

/** GroupType, as ListGroups, GetGroup and AdminListGroupsForUser return it. */
export function wireGroup(pool: UserPoolConfig, group: PoolGroup) {
  const provisionedAt = group.createdAt ?? PROVISIONED_AT;
  return {
    GroupName: group.name,
    UserPoolId: pool.id,
    ...(group.description !== undefined ? { Description: group.description } : {}),
    ...(group.roleArn !== undefined ? { RoleArn: group.roleArn } : {}),
    ...(group.precedence !== undefined ? { Precedence: group.precedence } : {}),
    LastModifiedDate: seconds(provisionedAt),
    CreationDate: seconds(provisionedAt),
  };
}

/** Limit: 1..max, default max (Cognito's validation wording). */
export function limitOf(req: Json, max: number, member = 'Limit'): number {
  const value = req[member];
  if (value === undefined || value === null) return max;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw InvalidParameter(`1 validation error detected: Value '${String(value)}' at '${lower(member)}' failed to satisfy constraint: Member must be an integer`);
  }
  if (value < 0 || value > max) {
    throw InvalidParameter(
      `1 validation error detected: Value '${value}' at '${lower(member)}' failed to satisfy constraint: Member must have value ${
        value < 0 ? 'greater than or equal to 0' : `less than or equal to ${max}`
      }`,
    );
  }
  return value === 0 ? max : value;
}

/**
 * Opaque page tokens bound to the listing they came from: a token from
 * another pool, group or filter is refused.
 */
export function pageStart(req: Json, member: string, scope: string): string | undefined {
  const token = optionalString(req, member);
  if (token === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const d = decoded as { s?: unknown; a?: unknown } | undefined;
  if (!d || d.s !== scope || typeof d.a !== 'string') throw InvalidParameter('Invalid pagination token.');
  return d.a;
}

export function pageToken(scope: string, after: string): string {
  return Buffer.from(JSON.stringify({ s: scope, a: after })).toString('base64url');
}

/** One page of items sorted by `key`, after the token's key. */
export function paginate<T>(items: T[], key: (item: T) => string, limit: number, after: string | undefined, scope: string) {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const start = after === undefined ? 0 : sorted.findIndex((i) => key(i) > after);
  const rest = start < 0 ? [] : sorted.slice(start);
  const page = rest.slice(0, limit);
  const next = rest.length > limit ? pageToken(scope, key(page[page.length - 1])) : undefined;
  return { page, next };
}

const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
