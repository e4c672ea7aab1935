import type { Target } from '../services';
import { groupOf, limitOf, pageStart, paginate, poolOf, wireUser } from './common';

export const ListUsersInGroup: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const group = groupOf(services, pool, req);
  const limit = limitOf(req, 60);
  const scope = `members:${pool.id}:${group.name}`;
  const members = services.users.membersOf(pool.id, group.name);
  const { page, next } = paginate(members, (u) => u.username, limit, pageStart(req, 'NextToken', scope), scope);
  return { Users: page.map((u) => wireUser(u)), ...(next ? { NextToken: next } : {}) };
};
