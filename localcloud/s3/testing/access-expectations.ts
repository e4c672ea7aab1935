/**
 * The access matrix's expected outcomes, written out by hand from
 * amplify/storage/resource.ts's rules (and the synthesized policies, where the
 * group roles also carry the authenticated policy): Y = allowed, - = AccessDenied.
 * Used by access-matrix.test.ts (AWS SDK) and access-matrix-amplify.test.ts (aws-amplify).
 *
 * Prefix order: public/A, protected/A, private/A, private/B, shared, admin, owners
 * (A and B are user A's and user B's identity ids; owners/ holds the owner names,
 * which only the admin API's function writes: signed-in people get an entry by key).
 */
export const EXPECTED: Record<string, Record<'get' | 'list' | 'put' | 'delete', string>> = {
  guest: { get: 'Y - - - - - -', list: 'Y - - - - - -', put: '- - - - - - -', delete: '- - - - - - -' },
  userA: { get: 'Y Y Y - Y - Y', list: 'Y Y Y - Y - -', put: 'Y Y Y - - - -', delete: 'Y Y Y - - - -' },
  userB: { get: 'Y Y - Y Y - Y', list: 'Y Y - Y Y - -', put: '- - - Y - - -', delete: '- - - Y - - -' },
  editor: { get: 'Y Y - - Y - Y', list: 'Y Y - - Y - -', put: '- - - - Y - -', delete: 'Y - - - Y - -' },
  admin: { get: 'Y Y - - Y Y Y', list: 'Y Y - - Y Y -', put: '- - - - Y Y -', delete: 'Y - - - Y Y -' },
};

/** The signed-in principals (the guest has no token): a name, and the user-pool groups they are added to. */
export const USERS: Record<'userA' | 'userB' | 'editor' | 'admin', { name: string; groups: string[] }> = {
  userA: { name: 'alice', groups: [] },
  userB: { name: 'bob', groups: [] },
  editor: { name: 'erin', groups: ['EDITORS'] },
  admin: { name: 'mallory', groups: ['ADMINS'] },
};
