import { beforeEach, describe, expect, it, vi } from 'vitest';
import { describeBackend } from '../../amplify-config';
import { fakeOutputs } from '../../testing/fake-outputs';
import { fakeSession } from '../../testing/tokens';

const sdk = vi.hoisted(() => ({ configs: [] as unknown[], sent: [] as Array<{ name: string; input: Record<string, unknown> }> }));

vi.mock('@aws-sdk/client-cognito-identity-provider', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@aws-sdk/client-cognito-identity-provider')>();
  class FakeClient {
    constructor(config: unknown) {
      sdk.configs.push(config);
    }
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      sdk.sent.push({ name: command.constructor.name, input: command.input });
      switch (command.constructor.name) {
        case 'ListUsersCommand':
          return command.input.PaginationToken
            ? { Users: [{ Username: 'sub-b', Enabled: false, UserStatus: 'CONFIRMED', Attributes: [{ Name: 'email', Value: 'b@example.com' }] }] }
            : {
                Users: [{ Username: 'sub-a', Enabled: true, UserStatus: 'CONFIRMED', Attributes: [{ Name: 'email', Value: 'a@example.com' }] }],
                PaginationToken: 'next',
              };
        case 'AdminListGroupsForUserCommand':
          return { Groups: command.input.Username === 'sub-a' ? [{ GroupName: 'ADMINS' }] : [] };
        default:
          return {};
      }
    }
  }
  return { ...actual, CognitoIdentityProviderClient: FakeClient };
});
vi.mock('aws-amplify/auth', () => ({ fetchAuthSession: vi.fn() }));

import { fetchAuthSession } from 'aws-amplify/auth';
import { createAdminApi } from './admin-api';

describe('createAdminApi', () => {
  beforeEach(() => {
    sdk.configs.length = 0;
    sdk.sent.length = 0;
    vi.mocked(fetchAuthSession).mockResolvedValue(fakeSession({ groups: ['ADMINS'] }) as never);
  });

  it('talks to the local cloud with the identity-pool credentials in local mode', async () => {
    createAdminApi(describeBackend(fakeOutputs(true)));
    const config = sdk.configs[0] as { region: string; endpoint?: string; credentials: () => Promise<unknown> };
    expect(config.region).toBe('us-east-1');
    expect(config.endpoint).toBe('http://localhost:20005');
    await expect(config.credentials()).resolves.toMatchObject({ accessKeyId: 'AKIDLOCAL' });
  });

  it('uses the regional AWS endpoint otherwise', () => {
    createAdminApi(describeBackend(fakeOutputs(false)));
    expect((sdk.configs[0] as { endpoint?: string }).endpoint).toBeUndefined();
  });

  it('refuses to call without credentials', async () => {
    vi.mocked(fetchAuthSession).mockResolvedValue({ tokens: undefined } as never);
    createAdminApi(describeBackend(fakeOutputs(true)));
    await expect((sdk.configs[0] as { credentials: () => Promise<unknown> }).credentials()).rejects.toThrow(/sign out and in/);
  });

  it('pages through users, reads their groups, and sends the admin commands for the pool', async () => {
    const api = createAdminApi(describeBackend(fakeOutputs(true)));
    const users = await api.listUsers();
    expect(users).toEqual([
      expect.objectContaining({ username: 'sub-a', email: 'a@example.com', enabled: true, groups: ['ADMINS'] }),
      expect.objectContaining({ username: 'sub-b', email: 'b@example.com', enabled: false, groups: [] }),
    ]);
    await api.addToGroup('sub-b', 'EDITORS');
    await api.removeFromGroup('sub-b', 'EDITORS');
    await api.setEnabled('sub-b', false);
    await api.setEnabled('sub-b', true);
    const names = sdk.sent.map((s) => s.name);
    expect(names.filter((n) => n === 'ListUsersCommand')).toHaveLength(2);
    expect(names.slice(-4)).toEqual([
      'AdminAddUserToGroupCommand',
      'AdminRemoveUserFromGroupCommand',
      'AdminDisableUserCommand',
      'AdminEnableUserCommand',
    ]);
    for (const s of sdk.sent) expect(s.input.UserPoolId).toBe('us-east-1_TestPool1');
    expect(sdk.sent.at(-4)!.input).toMatchObject({ Username: 'sub-b', GroupName: 'EDITORS' });
  });
});
