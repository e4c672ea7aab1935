import type { AdminUser, AuditPage, UserPage } from '../../../amplify/api/contract';
import { callApi, segment } from '../../api/vault-api';

export type { AdminUser, AuditPage, AuditRecord, UserPage } from '../../../amplify/api/contract';

/** The admin page's calls: the admin REST API's routes (amplify/api/contract.ts), for members of ADMINS. */
export interface AdminApi {
  listUsers(options?: { search?: string; next?: string }): Promise<UserPage>;
  addToGroup(username: string, group: string): Promise<AdminUser>;
  removeFromGroup(username: string, group: string): Promise<AdminUser>;
  setEnabled(username: string, enabled: boolean): Promise<AdminUser>;
  resetPassword(username: string): Promise<AdminUser>;
  signOutEverywhere(username: string): Promise<AdminUser>;
  auditLog(next?: string): Promise<AuditPage>;
}

type Changed = { user: AdminUser; changed: boolean };
const user = async (call: Promise<Changed>) => (await call).user;

export function createAdminApi(): AdminApi {
  const inGroup = (username: string, group: string) => `/users/${segment(username)}/groups/${segment(group)}`;
  return {
    listUsers: ({ search, next } = {}) => callApi<UserPage>('GET', '/users', { query: { search, next } }),
    addToGroup: (username, group) => user(callApi('PUT', inGroup(username, group))),
    removeFromGroup: (username, group) => user(callApi('DELETE', inGroup(username, group))),
    setEnabled: (username, enabled) => user(callApi('POST', `/users/${segment(username)}/${enabled ? 'enable' : 'disable'}`)),
    resetPassword: (username) => user(callApi('POST', `/users/${segment(username)}/reset-password`)),
    signOutEverywhere: (username) => user(callApi('POST', `/users/${segment(username)}/sign-out`)),
    auditLog: (next) => callApi<AuditPage>('GET', '/audit', { query: { next } }),
  };
}
