import { list } from 'aws-amplify/storage';

/** Keys per ListObjectsV2 page: S3's maximum. */
export const LIST_PAGE = 1000;

/** Keys of the first page: about a screenful of rows, so they show as soon as a small folder's would. */
export const FIRST_PAGE = 25;

export interface FolderSoFar {
  /** Objects directly in the folder, in S3's order, from every page so far. */
  items: { path: string; size?: number; lastModified?: Date }[];
  /** Its subfolders (`<path><name>/`), from every page so far. */
  subpaths: string[];
}

/**
 * Lists one level of a folder a ListObjectsV2 page at a time, handing what has
 * arrived so far to `onPage` after each page — so a folder of 10,000 files shows
 * its first rows after the first page, not after the tenth. The first page asks
 * only for `firstPage` keys (about a screenful): a folder of 10,000 then shows
 * its first rows about as soon as a folder of 10; the rest come 1,000 at a time. `onPage` returns false to stop (a newer listing has begun); `done` is
 * true with the last page.
 */
export async function listFolder(
  path: string,
  onPage: (soFar: FolderSoFar, done: boolean) => boolean | void,
  { firstPage = FIRST_PAGE }: { firstPage?: number } = {},
): Promise<void> {
  const soFar: FolderSoFar = { items: [], subpaths: [] };
  let nextToken: string | undefined;
  do {
    const page = await list({ path, options: { pageSize: nextToken ? LIST_PAGE : firstPage, nextToken, subpathStrategy: { strategy: 'exclude' } } });
    soFar.items.push(...page.items);
    soFar.subpaths.push(...(page.excludedSubpaths ?? []));
    nextToken = page.nextToken;
    if (onPage(soFar, !nextToken) === false) return;
    // Let the browser show this page before the next one is fetched and parsed: a long run of
    // pages would otherwise keep the main thread busy and the first rows unpainted.
    if (nextToken) await afterNextPaint();
  } while (nextToken);
}

function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(resolve, 0));
    else setTimeout(resolve, 0);
  });
}
