import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { currentBackend } from '../../amplify-config';
import { ErrorMessage, Loading, Notice, errorText } from '../../components/Status';
import { useUser } from '../../hooks/useUser';
import { createAdminApi, type AdminApi, type AdminUser } from './admin-api';

function friendlyAdminError(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'AccessDeniedException' || name === 'NotAuthorizedException') {
    return 'You are not allowed to manage users. Only members of ADMINS are; if you were just added, use "Refresh my access" on your profile.';
  }
  if (name === 'UserNotFoundException') return 'That user no longer exists.';
  return errorText(error);
}

/** Users, their groups, and the buttons to change them (ADMINS only). */
export default function AdminPage({ api: injected, groups: injectedGroups }: { api?: AdminApi; groups?: string[] }) {
  const me = useUser();
  const api = useMemo(() => injected ?? createAdminApi(), [injected]);
  const groups = injectedGroups ?? currentBackend().groups;
  const [users, setUsers] = useState<AdminUser[]>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const mounted = useRef(true);

  const load = useCallback(async () => {
    setError(undefined);
    try {
      const list = await api.listUsers();
      if (mounted.current) setUsers(list);
    } catch (e) {
      if (mounted.current) setError(friendlyAdminError(e));
    }
  }, [api]);

  useEffect(() => {
    mounted.current = true;
    void load();
    return () => {
      mounted.current = false;
    };
  }, [load]);

  const act = async (key: string, action: () => Promise<void>, message: string) => {
    setBusy(key);
    setError(undefined);
    setNotice(undefined);
    try {
      await action();
      setNotice(message);
      await load();
    } catch (e) {
      setError(friendlyAdminError(e));
    } finally {
      if (mounted.current) setBusy(undefined);
    }
  };

  const myName = me.user?.username;

  return (
    <>
      <h1>Admin</h1>
      <p className="muted">Changes to a person's groups apply the next time their session renews or they sign in.</p>
      {error && <ErrorMessage onRetry={() => void load()}>{error}</ErrorMessage>}
      {notice && <Notice>{notice}</Notice>}
      {!users && !error && <Loading label="Loading users…" />}
      {users && users.length === 0 && <p>No users yet.</p>}
      {users && users.length > 0 && (
        <div className="table-wrap card">
          <table>
            <caption className="muted" style={{ textAlign: 'left' }}>
              Users ({users.length})
            </caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col" className="optional">
                  Status
                </th>
                <th scope="col">Groups</th>
                <th scope="col">Access</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => {
                const label = u.email ?? u.username;
                const isMe = u.username === myName;
                return (
                  <tr key={u.username} data-user={label}>
                    <td className="name">
                      {label}
                      {u.preferredUsername && <div className="muted">{u.preferredUsername}</div>}
                      {isMe && <div className="muted">(you)</div>}
                    </td>
                    <td className="optional">
                      {u.status}
                      {!u.enabled && <div>Disabled</div>}
                    </td>
                    <td>
                      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
                        <legend className="visually-hidden">Groups of {label}</legend>
                        {groups.map((group) => {
                          const member = u.groups.includes(group);
                          const key = `${u.username}:${group}`;
                          const lockedSelf = isMe && group === 'ADMINS' && member;
                          return (
                            <label key={group} className="inline">
                              <input
                                type="checkbox"
                                checked={member}
                                disabled={busy !== undefined || lockedSelf}
                                aria-describedby={lockedSelf ? 'self-admin-note' : undefined}
                                onChange={() =>
                                  void act(
                                    key,
                                    () => (member ? api.removeFromGroup(u.username, group) : api.addToGroup(u.username, group)),
                                    member ? `Removed ${label} from ${group}.` : `Added ${label} to ${group}.`,
                                  )
                                }
                              />
                              {group}
                            </label>
                          );
                        })}
                      </fieldset>
                    </td>
                    <td>
                      <button
                        type="button"
                        className={u.enabled ? 'secondary' : undefined}
                        disabled={busy !== undefined || isMe}
                        aria-label={`${u.enabled ? 'Disable' : 'Enable'} ${label}`}
                        onClick={() =>
                          void act(
                            `${u.username}:enabled`,
                            () => api.setEnabled(u.username, !u.enabled),
                            u.enabled ? `Disabled ${label}.` : `Enabled ${label}.`,
                          )
                        }
                      >
                        {u.enabled ? 'Disable' : 'Enable'}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p id="self-admin-note" className="muted">
            You cannot remove yourself from ADMINS or disable yourself here.
          </p>
        </div>
      )}
    </>
  );
}
