import { list, remove } from 'aws-amplify/storage';

/** The folders that are one person's own: everything IAM lets only them write (amplify/storage/resource.ts). */
export function ownFolders(identityId: string): string[] {
  return [`private/${identityId}/`, `protected/${identityId}/`, `public/${identityId}/`];
}

/**
 * Deletes every file a person owns (private, protected and public), folder by folder,
 * and says how many went. Stops at the first failure so the account is not deleted
 * while files are left behind.
 */
export async function deleteMyFiles(identityId: string, onProgress?: (deleted: number) => void): Promise<number> {
  let deleted = 0;
  for (const path of ownFolders(identityId)) {
    const { items } = await list({ path, options: { listAll: true } });
    // Files first; then the empty objects that stand for folders (keys ending in "/"), which are
    // not files to count (and aws-amplify's remove() of such a key empties the whole folder).
    for (const item of items.filter((i) => !i.path.endsWith('/'))) {
      await remove({ path: item.path });
      deleted++;
      onProgress?.(deleted);
    }
    for (const item of items.filter((i) => i.path.endsWith('/')).reverse()) await remove({ path: item.path });
  }
  return deleted;
}
