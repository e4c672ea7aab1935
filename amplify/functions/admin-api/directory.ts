import {
  AdminAddUserToGroupCommand,
  AdminDeleteUserAttributesCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminResetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  ListGroupsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AdminUser, UserPage } from '../../api/contract';

/** A user as a change sees them: the page's view, plus the attribute a person may change about themselves. */
export interface UserState extends AdminUser {
  birthdate?: string;
  /** Whether Cognito verified `email` (owner names show only a verified email). */
  emailVerified?: boolean;
}

export interface Member {
  username: string;
  enabled: boolean;
}

/**
 * The user pool, through exactly the actions the function's role is granted
 * (ADMIN_API_ACTIONS in amplify/api/admin-rest-api.ts).
 */
export interface Directory {
  listUsers(options: { filter?: string; limit: number; next?: string }): Promise<UserPage>;
  groupNames(): Promise<string[]>;
  /** Every member of `group`, and whether they can sign in (a disabled user cannot). */
  members(group: string): Promise<Member[]>;
  user(username: string): Promise<UserState>;
  addToGroup(username: string, group: string): Promise<void>;
  removeFromGroup(username: string, group: string): Promise<void>;
  setEnabled(username: string, enabled: boolean): Promise<void>;
  resetPassword(username: string): Promise<void>;
  signOutEverywhere(username: string): Promise<void>;
  /** null removes it. */
  setBirthdate(username: string, birthdate: string | null): Promise<void>;
}

const attribute = (attributes: AttributeType[] | undefined, name: string) => attributes?.find((a) => a.Name === name)?.Value;

function view(user: { Username?: string; UserStatus?: string; Enabled?: boolean; UserCreateDate?: Date }, attributes: AttributeType[] | undefined, groups: string[]): AdminUser {
  return {
    username: user.Username ?? '',
    ...(attribute(attributes, 'email') ? { email: attribute(attributes, 'email') } : {}),
    ...(attribute(attributes, 'preferred_username') ? { preferredUsername: attribute(attributes, 'preferred_username') } : {}),
    ...(user.UserStatus ? { status: user.UserStatus } : {}),
    enabled: user.Enabled ?? true,
    ...(user.UserCreateDate ? { createdAt: user.UserCreateDate.toISOString() } : {}),
    groups: [...groups].sort(),
  };
}

async function allPages<T>(page: (token?: string) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const result = await page(token);
    items.push(...result.items);
    token = result.next;
  } while (token);
  return items;
}

export function cognitoDirectory(client: CognitoIdentityProviderClient, UserPoolId: string): Directory {
  const directory: Directory = {
    async listUsers({ filter, limit, next }) {
      const page = await client.send(new ListUsersCommand({ UserPoolId, Limit: limit, PaginationToken: next, ...(filter ? { Filter: filter } : {}) }));
      // Groups of the page's users from each group's member list: a few calls
      // per page whatever its size (groups here are few; their members fewer).
      const memberships = new Map<string, string[]>();
      for (const group of await directory.groupNames()) {
        for (const { username } of await directory.members(group)) memberships.set(username, [...(memberships.get(username) ?? []), group]);
      }
      return {
        users: (page.Users ?? []).map((u: UserType) => view(u, u.Attributes, memberships.get(u.Username ?? '') ?? [])),
        ...(page.PaginationToken ? { next: page.PaginationToken } : {}),
      };
    },
    groupNames: () =>
      allPages(async (NextToken) => {
        const page = await client.send(new ListGroupsCommand({ UserPoolId, NextToken }));
        return { items: (page.Groups ?? []).map((g) => g.GroupName ?? '').filter(Boolean), next: page.NextToken };
      }),
    members: (GroupName) =>
      allPages(async (NextToken) => {
        const page = await client.send(new ListUsersInGroupCommand({ UserPoolId, GroupName, NextToken }));
        return { items: (page.Users ?? []).map((u) => ({ username: u.Username ?? '', enabled: u.Enabled ?? true })), next: page.NextToken };
      }),
    async user(Username) {
      const [user, groups] = await Promise.all([
        client.send(new AdminGetUserCommand({ UserPoolId, Username })),
        allPages(async (NextToken) => {
          const page = await client.send(new AdminListGroupsForUserCommand({ UserPoolId, Username, NextToken }));
          return { items: (page.Groups ?? []).map((g) => g.GroupName ?? ''), next: page.NextToken };
        }),
      ]);
      const birthdate = attribute(user.UserAttributes, 'birthdate');
      return {
        ...view(user, user.UserAttributes, groups),
        ...(birthdate ? { birthdate } : {}),
        emailVerified: attribute(user.UserAttributes, 'email_verified') === 'true',
      };
    },
    async addToGroup(Username, GroupName) {
      await client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName }));
    },
    async removeFromGroup(Username, GroupName) {
      await client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId, Username, GroupName }));
    },
    async setEnabled(Username, enabled) {
      await client.send(enabled ? new AdminEnableUserCommand({ UserPoolId, Username }) : new AdminDisableUserCommand({ UserPoolId, Username }));
    },
    async resetPassword(Username) {
      await client.send(new AdminResetUserPasswordCommand({ UserPoolId, Username }));
    },
    async signOutEverywhere(Username) {
      await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username }));
    },
    async setBirthdate(Username, birthdate) {
      // Two sends, not one of a union: client.send() of `A | B` does not type-check (amplify/tsconfig.json, ampx's type check).
      if (birthdate === null) await client.send(new AdminDeleteUserAttributesCommand({ UserPoolId, Username, UserAttributeNames: ['birthdate'] }));
      else await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username, UserAttributes: [{ Name: 'birthdate', Value: birthdate }] }));
    },
  };
  return directory;
}
