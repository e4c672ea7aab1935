import type { Target } from '../services';
import { groupOf, poolOf, wireGroup } from './common';

export const GetGroup: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  return { Group: wireGroup(pool, groupOf(services, pool, req)) };
};
