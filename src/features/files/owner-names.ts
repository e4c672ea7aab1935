import { useContext, useEffect, useMemo, useState } from 'react';
import { downloadData } from 'aws-amplify/storage';
import { type OwnerName, ownerNameKey } from '../../../amplify/api/contract';
import { callApi } from '../../api/vault-api';
import { UserContext, type UseUser } from '../../hooks/useUser';

/**
 * Whose folder is whose. People's folders are named by identity ids, which
 * nobody should have to read; each person's verified email is published by the
 * API (PUT /me/owner-name: the function learns the caller's identity id from
 * their own id token and writes `owners/{identity id}.json`, which nobody else
 * can write), and signed-in people read it by key. Without a name (guests, an
 * unverified email, a name not published yet) a folder is "Person N" by its
 * position. Two folders never look the same: equal names get a short tag.
 */

/** A name per identity id: the published name, null when there is none, undefined when unknown (not read yet, or unreachable). */
type Names = ReadonlyMap<string, string | null>;

const reads = new Map<string, Promise<string | null>>();

/** The published name of `identityId`'s owner; null when there is none (S3 answers 403 for a key the reader cannot list). */
export function ownerName(identityId: string): Promise<string | null> {
  let read = reads.get(identityId);
  if (!read) {
    read = (async () => {
      try {
        const { body } = await downloadData({ path: ownerNameKey(identityId) }).result;
        const entry = JSON.parse(await body.text()) as Partial<OwnerName>;
        // Only the entry written for this very identity id counts (the key says whose it is).
        return entry.identityId === identityId && typeof entry.name === 'string' && entry.name ? entry.name : null;
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        if (name === 'AccessDenied' || name === 'NoSuchKey' || name === 'NotFound' || error instanceof SyntaxError) return null;
        reads.delete(identityId); // unreachable: ask again next time
        throw error;
      }
    })();
    reads.set(identityId, read);
  }
  return read;
}

/** Forgets names read so far (tests; a new session). */
export function forgetOwnerNames(): void {
  reads.clear();
  published.clear();
}

/** A short tag that tells apart two people with the same name: stable, and not the identity id itself. */
export function ownerTag(identityId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < identityId.length; i++) {
    hash ^= identityId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36).padStart(4, '0').slice(-4);
}

/** Labels for people's folders in `order` (as listed): the name, or "Person N" by position; equal names tagged. */
export function ownerLabels(order: readonly string[], names: Names): Map<string, string> {
  const count = new Map<string, number>();
  for (const id of order) {
    const name = names.get(id);
    if (name) count.set(name, (count.get(name) ?? 0) + 1);
  }
  return new Map(
    order.map((id, index) => {
      const name = names.get(id);
      if (!name) return [id, `Person ${index + 1}`];
      return [id, (count.get(name) ?? 0) > 1 ? `${name} (${ownerTag(id)})` : name];
    }),
  );
}

const published = new Set<string>();

/**
 * Publishes the signed-in person's own name once per identity id and email
 * state (so again after they change or verify their email). In the background:
 * nothing waits for it, and a failure is tried again at the next mount.
 */
function usePublishOwnName(user: UseUser | null): void {
  const ready = user?.status === 'signedIn' && user.identityId && user.attributesLoaded;
  const key = ready ? [user.identityId, user.attributes.email ?? '', user.attributes.email_verified ?? ''].join('\n') : undefined;
  useEffect(() => {
    if (!key || published.has(key)) return;
    published.add(key);
    callApi('PUT', '/me/owner-name').catch(() => published.delete(key));
  }, [key]);
}

/**
 * Labels people's folders: `order` is the identity ids of the folders shown
 * (in their order). Returns the label of one of them; "A person" for one not
 * in `order` and without a known name.
 */
export function useOwnerLabels(order: readonly string[]): (identityId: string) => string {
  const user = useContext(UserContext);
  usePublishOwnName(user);
  // Guests may not read names (amplify/storage/resource.ts): they see "Person N".
  const signedIn = user?.status === 'signedIn';
  const ids = order.join('\n');
  const [names, setNames] = useState<Names>(() => new Map());
  useEffect(() => {
    if (!signedIn || !ids) return;
    let live = true;
    void Promise.all(
      ids.split('\n').map(async (id) => {
        try {
          return [id, await ownerName(id)] as const;
        } catch {
          return undefined;
        }
      }),
    ).then((pairs) => {
      if (live) setNames(new Map(pairs.filter((pair) => pair !== undefined)));
    });
    return () => {
      live = false;
    };
  }, [ids, signedIn]);
  const labels = useMemo(() => ownerLabels(ids ? ids.split('\n') : [], names), [ids, names]);
  return (identityId) => labels.get(identityId) ?? names.get(identityId) ?? 'A person';
}
