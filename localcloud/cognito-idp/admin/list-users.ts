import { InvalidParameter } from '../errors';
import type { Target } from '../services';
import type { User } from '../users';
import { optionalString, stringList } from '../validate';
import { limitOf, pageStart, paginate, poolOf, wireUser } from './common';

/** Attributes ListUsers can filter on (Cognito's list). */
const SEARCHABLE = [
  'username',
  'email',
  'phone_number',
  'name',
  'given_name',
  'family_name',
  'preferred_username',
  'cognito:user_status',
  'status',
  'sub',
];

export interface UserFilter {
  attribute: string;
  operator: '=' | '^=';
  value: string;
}

/** Cognito's filter syntax: `attribute = "value"` (exact) or `attribute ^= "value"` (starts with). */
export function parseFilter(text: string): UserFilter | undefined {
  if (text.trim() === '') return undefined;
  const m = /^\s*([\w:]+)\s*(\^=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(text);
  if (!m) throw InvalidParameter('Error while parsing filter.');
  const [, attribute, operator, raw] = m;
  if (!SEARCHABLE.includes(attribute)) throw InvalidParameter('Invalid search attribute');
  return { attribute, operator: operator as UserFilter['operator'], value: raw.replace(/\\(.)/g, '$1') };
}

function valueOf(user: User, attribute: string): string | undefined {
  switch (attribute) {
    case 'username':
      return user.username;
    case 'cognito:user_status':
      return user.status;
    case 'status':
      return user.enabled ? 'Enabled' : 'Disabled';
    case 'sub':
      return user.sub;
    default:
      return user.attributes[attribute];
  }
}

export function matchesFilter(user: User, filter: UserFilter | undefined, caseSensitiveUsernames: boolean): boolean {
  if (!filter) return true;
  let actual = valueOf(user, filter.attribute);
  if (actual === undefined) return false;
  let wanted = filter.value;
  if (filter.attribute === 'username' && !caseSensitiveUsernames) {
    actual = actual.toLowerCase();
    wanted = wanted.toLowerCase();
  }
  return filter.operator === '=' ? actual === wanted : actual.startsWith(wanted);
}

/** Users of the pool, filtered, 60 at most per page (PaginationToken). */
export const ListUsers: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const limit = limitOf(req, 60);
  const filterText = optionalString(req, 'Filter') ?? '';
  const filter = parseFilter(filterText);
  const attributesToGet = req.AttributesToGet === undefined || req.AttributesToGet === null ? undefined : stringList(req, 'AttributesToGet');
  const scope = `users:${pool.id}:${filterText}`;
  const users = services.users.all(pool.id).filter((u) => matchesFilter(u, filter, pool.caseSensitiveUsernames));
  const { page, next } = paginate(users, (u) => u.username, limit, pageStart(req, 'PaginationToken', scope), scope);
  return { Users: page.map((u) => wireUser(u, attributesToGet)), ...(next ? { PaginationToken: next } : {}) };
};
