import type { Target } from '../services';
import { groupsIn, limitOf, pageStart, paginate, poolOf, userOf, wireGroup } from './common';

/** The user's groups, 60 at most per page (NextToken). */
export const AdminListGroupsForUser: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const user = userOf(services, pool, req);
  const limit = limitOf(req, 60);
  const scope = `groups-for:${pool.id}:${user.username}`;
  const names = services.users.groupsOf(pool, user.username);
  const groups = groupsIn(services, pool).filter((g) => names.includes(g.name));
  const { page, next } = paginate(groups, (g) => g.name, limit, pageStart(req, 'NextToken', scope), scope);
  return { Groups: page.map((g) => wireGroup(pool, g)), ...(next ? { NextToken: next } : {}) };
};
