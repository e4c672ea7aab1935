import { beforeEach, describe, expect, it, vi } from 'vitest';

const api = vi.hoisted(() => ({ calls: [] as Array<[string, string, unknown]> }));

vi.mock('../../api/vault-api', () => ({
  callApi: vi.fn(async (method: string, path: string, options?: unknown) => {
    api.calls.push([method, path, options]);
    return method === 'GET' ? { users: [], records: [] } : { user: { username: 'u' }, changed: true };
  }),
  segment: (value: string) => encodeURIComponent(value),
}));

import { ROUTES } from '../../../amplify/api/contract';
import { createAdminApi } from './admin-api';

describe('createAdminApi', () => {
  beforeEach(() => {
    api.calls.length = 0;
  });

  it('calls each admin route of the contract, with usernames encoded as path segments', async () => {
    const admin = createAdminApi();
    await admin.listUsers({ search: 'ann', next: 'token' });
    await admin.addToGroup('Google_1/2', 'EDITORS');
    await admin.removeFromGroup('u1', 'EDITORS');
    await admin.setEnabled('u1', false);
    await admin.setEnabled('u1', true);
    await admin.resetPassword('u1');
    await expect(admin.signOutEverywhere('u1')).resolves.toEqual({ username: 'u' });
    await admin.auditLog('older');
    expect(api.calls).toEqual([
      ['GET', '/users', { query: { search: 'ann', next: 'token' } }],
      ['PUT', '/users/Google_1%2F2/groups/EDITORS', undefined],
      ['DELETE', '/users/u1/groups/EDITORS', undefined],
      ['POST', '/users/u1/disable', undefined],
      ['POST', '/users/u1/enable', undefined],
      ['POST', '/users/u1/reset-password', undefined],
      ['POST', '/users/u1/sign-out', undefined],
      ['GET', '/audit', { query: { next: 'older' } }],
    ]);
    // Every call matches a route of the API (the template's resources come from the same list).
    const templates = ROUTES.map((r) => ({ method: r.method, pattern: new RegExp(`^${r.resource.replace(/\{\w+\}/g, '[^/]+')}$`) }));
    for (const [method, path] of api.calls) expect(templates.some((t) => t.method === method && t.pattern.test(path))).toBe(true);
  });
});
