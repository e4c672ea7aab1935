import type { Target } from '../services';
import { groupsIn, limitOf, pageStart, paginate, poolOf, wireGroup } from './common';

/** The pool's groups (the templates', then those Cognito made for its providers), 60 at most per page. */
export const ListGroups: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const limit = limitOf(req, 60);
  const scope = `groups:${pool.id}`;
  const { page, next } = paginate(groupsIn(services, pool), (g) => g.name, limit, pageStart(req, 'NextToken', scope), scope);
  return { Groups: page.map((g) => wireGroup(pool, g)), ...(next ? { NextToken: next } : {}) };
};
