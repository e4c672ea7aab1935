import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { currentBackend } from '../../amplify-config';
import { apiErrorMessage, apiErrorStatus } from '../../api/vault-api';
import { useActionStatus } from '../../components/action-status';
import { useFocusAfterRender } from '../../components/focus';
import { focusTargetInRow, RowActions, type RowAction } from '../../components/RowActions';
import { ErrorMessage, Loading, Notice } from '../../components/Status';
import { useNarrowScreen } from '../../components/useNarrowScreen';
import { useUser } from '../../hooks/useUser';
import { providerOfFederatedUsername } from '../auth/auth-errors';
import { createAdminApi, type AdminApi, type AdminUser } from './admin-api';
import { AuditLogPanel } from './AuditLogPanel';

const ADMINS = 'ADMINS';

/** Cognito's user statuses, in words an administrator reads without the Cognito manual. */
export const STATUS_NAMES: Record<string, string> = {
  CONFIRMED: 'Active',
  UNCONFIRMED: 'Has not confirmed their email yet',
  FORCE_CHANGE_PASSWORD: 'Must choose a new password',
  RESET_REQUIRED: 'Password reset requested',
  EXTERNAL_PROVIDER: 'Signs in with Google, Apple, Amazon or Facebook',
  ARCHIVED: 'Archived',
  COMPROMISED: 'Password known to be unsafe',
  UNKNOWN: 'Unknown',
};

/** The status in words; a federated user's names their provider (from their username, `<provider>_<id>`). */
export function plainStatus(status: string | undefined, username?: string): string {
  const provider = status === 'EXTERNAL_PROVIDER' && username ? providerOfFederatedUsername(username) : undefined;
  if (provider) return `Signs in with ${provider}`;
  return (status && STATUS_NAMES[status]) ?? status ?? 'Unknown';
}
/** An email that, when it must wrap, wraps before its `@` first (`grace.hopper` / `@example.com`). */
function atBreakable(text: string) {
  const at = text.lastIndexOf('@');
  return at <= 0 ? (
    text
  ) : (
    <>
      {text.slice(0, at)}
      <wbr />
      {text.slice(at)}
    </>
  );
}

const TABS = [
  { id: 'users', label: 'Users' },
  { id: 'audit', label: 'Audit log' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/**
 * Administration through the admin REST API (ADMINS only, checked by the
 * server on every call): users, their groups, access, password resets and
 * sessions; and the audit log of every change.
 */
export default function AdminPage({ api: injected, groups: injectedGroups }: { api?: AdminApi; groups?: string[] }) {
  const api = useMemo(() => injected ?? createAdminApi(), [injected]);
  const groups = injectedGroups ?? currentBackend().groups;
  const [tab, setTab] = useState<Tab>('users');
  const tabRefs = useRef<Record<Tab, HTMLButtonElement | null>>({ users: null, audit: null });

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const index = TABS.findIndex((t) => t.id === tab);
    const next = TABS[(index + (event.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length].id;
    setTab(next);
    tabRefs.current[next]?.focus();
  };

  return (
    <>
      <h1>Admin</h1>
      <div role="tablist" aria-label="Administration" className="tabs" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`admin-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`admin-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            className={tab === t.id ? undefined : 'secondary'}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`admin-panel-${tab}`} aria-labelledby={`admin-tab-${tab}`}>
        {tab === 'users' ? <UsersPanel api={api} groups={groups} /> : <AuditLogPanel api={api} />}
      </div>
    </>
  );
}

function UsersPanel({ api, groups }: { api: AdminApi; groups: string[] }) {
  const me = useUser();
  const narrow = useNarrowScreen();
  const [users, setUsers] = useState<AdminUser[]>();
  const [next, setNext] = useState<string>();
  const [search, setSearch] = useState('');
  const [searched, setSearched] = useState('');
  /** The list could not be loaded (with a retry); an action's outcome is `status`. */
  const [loadError, setLoadError] = useState<string>();
  const status = useActionStatus();
  const [busy, setBusy] = useState<string>();
  /** The person whose disabling waits for a confirmation. */
  const [confirming, setConfirming] = useState<string>();
  const mounted = useRef(true);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const table = useRef<HTMLTableElement>(null);
  const focusAfterRender = useFocusAfterRender();
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  const rowOf = (username: string) => table.current?.querySelector(`tr[data-username="${CSS.escape(username)}"]`);
  /** After a confirmation closes, focus goes back to the action that opened it (on a phone, the row's Actions button). */
  const focusDisableAction = (username: string) => focusAfterRender(() => focusTargetInRow(rowOf(username), 'enabled'));

  const load = useCallback(
    async (query: string, from?: string) => {
      setLoadError(undefined);
      try {
        const page = await api.listUsers({ search: query || undefined, next: from });
        if (!mounted.current) return;
        setUsers((shown) => (from ? [...(shown ?? []), ...page.users] : page.users));
        setNext(page.next);
      } catch (e) {
        if (mounted.current) setLoadError(apiErrorMessage(e));
      }
    },
    [api],
  );

  useEffect(() => {
    mounted.current = true;
    void load('');
    return () => {
      mounted.current = false;
    };
  }, [load]);

  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    status.start();
    setSearched(search.trim());
    setUsers(undefined);
    void load(search.trim());
  };

  const act = async (username: string, actionId: string, action: () => Promise<AdminUser>, message: string) => {
    // The control pressed is disabled while the change runs: focus comes back to it (or its row) after.
    const pressed = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    status.start();
    setBusy(`${username}:${actionId}`);
    try {
      const changed = await action();
      if (!mounted.current) return;
      setUsers((shown) => shown?.map((u) => (u.username === changed.username ? changed : u)));
      status.succeed(message);
      // Others may have changed too (another administrator, a trigger): show the list as it is now.
      if (next === undefined) void load(searched);
    } catch (e) {
      if (!mounted.current) return;
      status.fail(apiErrorMessage(e));
      // A conflict (409) means the list is out of date: another administrator's change at the same moment, say.
      if (apiErrorStatus(e) === 409 && next === undefined) void load(searched);
    } finally {
      if (mounted.current) {
        setBusy(undefined);
        focusAfterRender(() => (pressed?.isConnected ? pressed : focusTargetInRow(rowOf(username), actionId)), { onlyIfLost: true });
      }
    }
  };

  const myName = me.user?.username;

  return (
    <>
      <p className="muted">Changes to a person's groups apply the next time their session renews or they sign in.</p>
      <form role="search" onSubmit={onSearch} className="actions">
        <label htmlFor="user-search" className="visually-hidden">
          Search users by the start of their email address or phone number
        </label>
        <input
          id="user-search"
          type="text"
          placeholder="Email or +phone starts with…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <button type="submit" className="secondary">
          Search
        </button>
      </form>
      {loadError && <ErrorMessage onRetry={() => void load(searched)}>{loadError}</ErrorMessage>}
      {status.error && <ErrorMessage>{status.error}</ErrorMessage>}
      {status.notice && <Notice>{status.notice}</Notice>}
      {!users && !loadError && <Loading label="Loading users…" />}
      {users && users.length === 0 && <p>{searched ? `Nobody's email or phone starts with "${searched}".` : 'No users yet.'}</p>}
      {users && users.length > 0 && (
        <div className="table-wrap card">
          <table ref={table} className={narrow ? 'narrow' : undefined}>
            <caption className="muted">
              Users ({users.length}
              {next ? ' shown' : ''})
            </caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                {!narrow && <th scope="col">Status</th>}
                {!narrow && <th scope="col">Groups</th>}
                <th scope="col">{narrow ? 'Actions' : 'Access'}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => {
                const label = u.email ?? u.username;
                const isMe = u.username === myName;
                const isAdmin = u.groups.includes(ADMINS);
                const who = (
                  <>
                    <div className="name">{atBreakable(label)}</div>
                    {u.preferredUsername && <div className="muted name">{u.preferredUsername}</div>}
                    {isMe && <div className="muted">(you)</div>}
                  </>
                );
                const state = (
                  <>
                    {plainStatus(u.status, u.username)}
                    {!u.enabled && <div>Disabled</div>}
                  </>
                );
                const groupBoxes = (
                  <fieldset className="groups">
                    <legend className={narrow ? 'muted' : 'visually-hidden'}>{narrow ? 'Groups' : `Groups of ${label}`}</legend>
                    {groups.map((group) => {
                      const member = u.groups.includes(group);
                      const lockedSelf = isMe && group === ADMINS && member;
                      return (
                        <label key={group} className="inline">
                          <input
                            type="checkbox"
                            checked={member}
                            disabled={busy !== undefined || lockedSelf}
                            aria-describedby={lockedSelf ? 'self-admin-note' : undefined}
                            onChange={() =>
                              void act(
                                u.username,
                                `group:${group}`,
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
                );
                const actions: RowAction[] = [
                  {
                    id: 'enabled',
                    label: u.enabled ? 'Disable' : 'Enable',
                    name: `${u.enabled ? 'Disable' : 'Enable'} ${label}`,
                    variant: u.enabled ? 'secondary' : 'primary',
                    disabled: busy !== undefined || isMe || (u.enabled && isAdmin),
                    describedBy: isMe ? 'self-admin-note' : u.enabled && isAdmin ? 'admin-disable-note' : undefined,
                    expanded: u.enabled ? confirming === u.username : undefined,
                    onSelect: () => {
                      if (u.enabled) {
                        status.start();
                        setConfirming(u.username);
                      } else void act(u.username, 'enabled', () => api.setEnabled(u.username, true), `Enabled ${label}.`);
                    },
                  },
                  // A federated user has no password here (Cognito refuses to reset it): their provider keeps it.
                  ...(u.status === 'EXTERNAL_PROVIDER'
                    ? []
                    : [
                        {
                          id: 'reset',
                          label: 'Reset password',
                          name: `Reset password of ${label}`,
                          disabled: busy !== undefined,
                          onSelect: () => void act(u.username, 'reset', () => api.resetPassword(u.username), `Sent ${label} a code to choose a new password.`),
                        },
                      ]),
                  {
                    id: 'sign-out',
                    label: 'Sign out everywhere',
                    name: `Sign out everywhere: ${label}`,
                    disabled: busy !== undefined,
                    onSelect: () => void act(u.username, 'sign-out', () => api.signOutEverywhere(u.username), `Signed ${label} out on every device.`),
                  },
                ];
                const confirmation = confirming === u.username && (
                  <div role="group" aria-label={`Confirm disabling ${label}`} className="confirm">
                    <p>Disable {label}? They are signed out and cannot sign in until enabled again.</p>
                    <div className="actions">
                      <button
                        type="button"
                        ref={confirmButton}
                        className="danger"
                        disabled={busy !== undefined}
                        onClick={() => {
                          setConfirming(undefined);
                          focusDisableAction(u.username);
                          void act(u.username, 'enabled', () => api.setEnabled(u.username, false), `Disabled ${label}.`);
                        }}
                      >
                        Yes, disable
                      </button>
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => {
                          setConfirming(undefined);
                          focusDisableAction(u.username);
                        }}
                      >
                        Cancel
                      </button>
                    </div>
                  </div>
                );
                return (
                  <tr key={u.username} data-user={label} data-username={u.username}>
                    {narrow ? (
                      <>
                        <td>
                          {who}
                          <div>{state}</div>
                          {groupBoxes}
                          {confirmation}
                        </td>
                        <td>
                          <RowActions label={label} actions={actions} />
                        </td>
                      </>
                    ) : (
                      <>
                        <td className="user">{who}</td>
                        <td>{state}</td>
                        <td>{groupBoxes}</td>
                        <td>
                          <RowActions label={label} actions={actions} />
                          {confirmation}
                        </td>
                      </>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p id="self-admin-note" className="muted">
            You cannot remove yourself from ADMINS or disable yourself here.
          </p>
          <p id="admin-disable-note" className="muted">
            Administrators cannot be disabled: remove them from ADMINS first. The last member of ADMINS stays one.
          </p>
          {next && (
            <button
              type="button"
              className="secondary"
              disabled={busy !== undefined}
              onClick={() => {
                status.start();
                void load(searched, next);
              }}
            >
              Show more users
            </button>
          )}
        </div>
      )}
    </>
  );
}
