import { useCallback, useEffect, useRef, useState } from 'react';
import type { UserSnapshot } from '../../../amplify/api/contract';
import { apiErrorMessage } from '../../api/vault-api';
import { ErrorMessage, Loading } from '../../components/Status';
import { useNarrowScreen } from '../../components/useNarrowScreen';
import type { AdminApi, AuditRecord } from './admin-api';

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** What a record's change was, in words. */
export function describeChange(record: AuditRecord): string {
  const added = (record.after.groups ?? []).filter((g) => !(record.before.groups ?? []).includes(g));
  const removed = (record.before.groups ?? []).filter((g) => !(record.after.groups ?? []).includes(g));
  switch (record.action) {
    case 'addToGroup':
      return `Added to ${added.join(', ') || 'a group'}`;
    case 'removeFromGroup':
      return `Removed from ${removed.join(', ') || 'a group'}`;
    case 'disableUser':
      return 'Disabled';
    case 'enableUser':
      return 'Enabled';
    case 'resetPassword':
      return 'Password reset by code';
    case 'signOutEverywhere':
      return 'Signed out everywhere';
    case 'changeOwnBirthdate':
      return 'Changed their own birthdate';
    default:
      return record.action;
  }
}

/** A before/after snapshot in words: "groups: none; enabled: yes". */
export function describeSnapshot(snapshot: UserSnapshot): string {
  const parts: string[] = [];
  if (snapshot.groups) parts.push(`groups: ${snapshot.groups.length ? snapshot.groups.join(', ') : 'none'}`);
  if (snapshot.enabled !== undefined) parts.push(snapshot.enabled ? 'enabled' : 'disabled');
  if (snapshot.status) parts.push(`status ${snapshot.status}`);
  if (snapshot.birthdate !== undefined) parts.push(`birthdate: ${snapshot.birthdate ?? 'not set'}`);
  return parts.join('; ') || '—';
}

/** Every change made through the admin API, newest first (ADMINS only, enforced by the server). */
export function AuditLogPanel({ api }: { api: AdminApi }) {
  const [records, setRecords] = useState<AuditRecord[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const mounted = useRef(true);
  const narrow = useNarrowScreen();

  const load = useCallback(
    async (from?: string) => {
      setError(undefined);
      setLoading(true);
      try {
        const page = await api.auditLog(from);
        if (!mounted.current) return;
        setRecords((shown) => (from ? [...(shown ?? []), ...page.records] : page.records));
        setNext(page.next);
      } catch (e) {
        if (mounted.current) setError(apiErrorMessage(e));
      } finally {
        if (mounted.current) setLoading(false);
      }
    },
    [api],
  );

  useEffect(() => {
    mounted.current = true;
    void load();
    return () => {
      mounted.current = false;
    };
  }, [load]);

  return (
    <>
      <p className="muted">Who changed what, and when: every change made on this page, and every birthdate people changed themselves.</p>
      {error && <ErrorMessage onRetry={() => void load(records ? next : undefined)}>{error}</ErrorMessage>}
      {!records && !error && <Loading label="Loading the audit log…" />}
      {records && records.length === 0 && <p>Nothing has been changed yet.</p>}
      {records && records.length > 0 && (
        <div className="table-wrap card">
          <table className={narrow ? 'narrow-audit' : undefined}>
            <caption className="muted">Changes, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                {narrow ? (
                  <th scope="col">Change</th>
                ) : (
                  <>
                    <th scope="col">Who</th>
                    <th scope="col">What</th>
                    <th scope="col">To whom</th>
                    <th scope="col">Before → after</th>
                  </>
                )}
              </tr>
            </thead>
            <tbody>
              {records.map((r) => {
                const actor = <span className="name">{r.actor.email ?? r.actor.username}</span>;
                const target = <span className="name">{r.target.email ?? r.target.username}</span>;
                const snapshots = (
                  <>
                    {describeSnapshot(r.before)} → {describeSnapshot(r.after)}
                    {r.after.event && <div className="muted">{r.after.event}</div>}
                  </>
                );
                return (
                  <tr key={r.id}>
                    <td>
                      <time dateTime={r.at}>{timeFormat.format(new Date(r.at))}</time>
                    </td>
                    {narrow ? (
                      <td>
                        <div>
                          {describeChange(r)}: {target}
                        </div>
                        <div className="muted">by {actor}</div>
                        <div className="muted">{snapshots}</div>
                      </td>
                    ) : (
                      <>
                        <td>{actor}</td>
                        <td>{describeChange(r)}</td>
                        <td>{target}</td>
                        <td>{snapshots}</td>
                      </>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {next && (
            <button type="button" className="secondary" disabled={loading} onClick={() => void load(next)}>
              Show older changes
            </button>
          )}
        </div>
      )}
    </>
  );
}
