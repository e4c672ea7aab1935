import { copy, list, remove, uploadData } from 'aws-amplify/storage';
import { errorText } from '../../components/Status';

/** What a storage call's failure means, in plain words. */
export function friendlyStorageError(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'AccessDenied' || name === 'Forbidden' || /denied|forbidden/i.test(errorText(error))) {
    return 'You do not have permission to do that here.';
  }
  if (/Failed to fetch|NetworkError/i.test(errorText(error))) return 'We could not reach file storage. Check your connection.';
  return errorText(error);
}

export interface Failure {
  path: string;
  reason: string;
}

export interface StoredObject {
  path: string;
  size?: number;
}

/** Progress of a long operation: what is being done, how many of how many. */
export interface Progress {
  step: 'copy' | 'delete';
  done: number;
  total: number;
}

/** How many storage calls a folder operation keeps in flight. */
const IN_FLIGHT = 4;

async function eachLimited<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, items.length) }, worker));
}

/** Every object under a prefix, folder markers (keys ending in "/") included. */
export async function objectsUnder(prefix: string): Promise<StoredObject[]> {
  const { items } = await list({ path: prefix, options: { listAll: true } });
  return items.map((item) => ({ path: item.path, size: item.size }));
}

/** A folder people create: an empty object named like the folder, as the S3 console makes one. */
export async function createFolder(prefix: string): Promise<void> {
  await uploadData({ path: prefix, data: '', options: { contentType: 'application/x-directory' } }).result;
}

/**
 * The source key as x-amz-copy-source wants it: URL-encoded (S3 decodes it). aws-amplify's copy()
 * puts `bucket/path` into the header as given, so a name with "%" would reach S3 as another key,
 * and one with letters outside Latin-1 (日本, emoji) could not be sent at all (fetch refuses the header).
 */
export function copySourcePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export interface MoveOutcome {
  /** The copy that failed: nothing was moved (the copies made were removed again). */
  copyFailure?: Failure;
  /** Originals that could not be deleted after every copy was made: they are now in both places. */
  deleteFailures: Failure[];
  moved: number;
}

/**
 * Moves objects by copy and delete (S3 has no rename). Every copy is made first; if one fails, the
 * copies already made are removed and every original stays where it was. Only when all copies exist
 * are the originals deleted; any original that cannot be deleted is reported by name.
 */
export async function moveObjects(moves: { from: string; to: string }[], onProgress: (p: Progress) => void): Promise<MoveOutcome> {
  const copied: string[] = [];
  let copyFailure: Failure | undefined;
  let done = 0;
  onProgress({ step: 'copy', done, total: moves.length });
  await eachLimited(moves, async ({ from, to }) => {
    if (copyFailure) return;
    try {
      await copy({ source: { path: copySourcePath(from) }, destination: { path: to } });
      copied.push(to);
      onProgress({ step: 'copy', done: ++done, total: moves.length });
    } catch (e) {
      copyFailure ??= { path: from, reason: friendlyStorageError(e) };
    }
  });
  if (copyFailure) {
    // Put things back as they were: the originals were never touched.
    await eachLimited(copied, async (path) => {
      await remove({ path }).catch(() => undefined);
    });
    return { copyFailure, deleteFailures: [], moved: 0 };
  }
  const deleteFailures = await deleteObjects(
    moves.map((m) => m.from),
    (deleted) => onProgress({ step: 'delete', done: deleted, total: moves.length }),
  );
  return { deleteFailures, moved: moves.length - deleteFailures.length };
}

/**
 * Deletes objects one by one and reports each that could not be deleted. Folder markers go last,
 * deepest first: aws-amplify's remove() of a key ending in "/" empties that whole folder.
 */
export async function deleteObjects(paths: string[], onProgress?: (done: number) => void): Promise<Failure[]> {
  const failures: Failure[] = [];
  let done = 0;
  const one = async (path: string) => {
    try {
      await remove({ path });
    } catch (e) {
      failures.push({ path, reason: friendlyStorageError(e) });
    }
    onProgress?.(++done);
  };
  await eachLimited(paths.filter((p) => !p.endsWith('/')), one);
  const markers = paths.filter((p) => p.endsWith('/')).sort((a, b) => b.length - a.length);
  for (const marker of markers) await one(marker);
  return failures;
}

/** One line naming what failed, per file: "a.txt (reason); b.txt (reason)". */
export function describeFailures(failures: Failure[], nameOf: (path: string) => string): string {
  return failures.map((f) => `${nameOf(f.path)} (${f.reason})`).join('; ');
}
