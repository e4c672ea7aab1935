import {
  AdminAddUserToGroupCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { fetchAuthSession } from 'aws-amplify/auth';
import { currentBackend, type Backend } from '../../amplify-config';

export interface AdminUser {
  username: string;
  email?: string;
  preferredUsername?: string;
  status?: string;
  enabled: boolean;
  createdAt?: Date;
  groups: string[];
}

export interface AdminApi {
  listUsers(): Promise<AdminUser[]>;
  addToGroup(username: string, group: string): Promise<void>;
  removeFromGroup(username: string, group: string): Promise<void>;
  setEnabled(username: string, enabled: boolean): Promise<void>;
}

/**
 * The user-pool admin calls, signed (SigV4) with the caller's identity-pool
 * credentials: only the ADMINS group role is allowed them (amplify/overrides.ts).
 */
export function createAdminApi(backend: Backend = currentBackend()): AdminApi {
  const client = new CognitoIdentityProviderClient({
    region: backend.region,
    ...(backend.mode === 'local' ? { endpoint: backend.localCloud.userPoolEndpoint } : {}),
    credentials: async () => {
      const { credentials } = await fetchAuthSession();
      if (!credentials) throw new Error('No AWS credentials for this session: sign out and in again.');
      return credentials;
    },
  });
  const UserPoolId = backend.userPoolId;

  const groupsFor = async (Username: string) => {
    const groups: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send(new AdminListGroupsForUserCommand({ UserPoolId, Username, NextToken }));
      groups.push(...(page.Groups ?? []).map((g) => g.GroupName ?? '').filter(Boolean));
      NextToken = page.NextToken;
    } while (NextToken);
    return groups.sort();
  };

  return {
    async listUsers() {
      const users: AdminUser[] = [];
      let PaginationToken: string | undefined;
      do {
        const page = await client.send(new ListUsersCommand({ UserPoolId, PaginationToken, Limit: 60 }));
        for (const u of page.Users ?? []) {
          const attr = (name: string) => u.Attributes?.find((a) => a.Name === name)?.Value;
          users.push({
            username: u.Username ?? '',
            email: attr('email'),
            preferredUsername: attr('preferred_username'),
            status: u.UserStatus,
            enabled: u.Enabled ?? true,
            createdAt: u.UserCreateDate,
            groups: [],
          });
        }
        PaginationToken = page.PaginationToken;
      } while (PaginationToken);
      await Promise.all(
        users.map(async (user) => {
          user.groups = await groupsFor(user.username);
        }),
      );
      return users.sort((a, b) => (a.email ?? a.username).localeCompare(b.email ?? b.username));
    },
    async addToGroup(Username, GroupName) {
      await client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName }));
    },
    async removeFromGroup(Username, GroupName) {
      await client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId, Username, GroupName }));
    },
    async setEnabled(Username, enabled) {
      await client.send(
        enabled ? new AdminEnableUserCommand({ UserPoolId, Username }) : new AdminDisableUserCommand({ UserPoolId, Username }),
      );
    },
  };
}
