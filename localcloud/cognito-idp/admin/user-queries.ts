import type { Store } from '../../store/store';
import type { User } from '../users';

/**
 * Listings the user store does not offer (every user of a pool, the members
 * of a group), read from the user-pool service's tables.
 */
export function allUsers(store: Store, poolId: string): User[] {
  return (store.db.prepare('SELECT data FROM cognito_users WHERE pool_id = ?').pluck().all(poolId) as string[]).map(
    (data) => JSON.parse(data) as User,
  );
}

export function groupMembers(store: Store, poolId: string, groupName: string): User[] {
  return (
    store.db
      .prepare(
        `SELECT u.data FROM cognito_group_members m JOIN cognito_users u ON u.pool_id = m.pool_id AND u.username = m.username
         WHERE m.pool_id = ? AND m.group_name = ?`,
      )
      .pluck()
      .all(poolId, groupName) as string[]
  ).map((data) => JSON.parse(data) as User);
}
