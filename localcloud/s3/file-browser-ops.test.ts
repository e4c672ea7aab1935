import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadData, list, uploadData } from 'aws-amplify/storage';
import { useAmplifyAgainst } from './testing/amplify-node';
import { startRealCloud, type RealCloud } from '../testing/real-cloud';
import { createFolder, deleteObjects, moveObjects, objectsUnder } from '../../src/features/files/storage-ops';

/** The file browser's folder operations (src/features/files/storage-ops.ts), with unmodified aws-amplify, against the local cloud. */
let cloud: RealCloud;
let amplify: ReturnType<typeof useAmplifyAgainst>;

beforeAll(async () => {
  cloud = await startRealCloud();
  amplify = useAmplifyAgainst(cloud);
  await amplify.signIn(await cloud.signedInUser('file-browser-user'));
});
afterAll(async () => {
  amplify?.restore();
  await cloud?.close();
});

describe('file browser operations against the local cloud', () => {
  it('creates a folder, renames it with every file under it (names with spaces, %, +, accents and letters outside Latin-1), then deletes it', async () => {
    const up = await uploadData({ path: ({ identityId }) => `private/${identityId}/trips/plan.txt`, data: 'body of plan.txt' }).result;
    const home = up.path.replace(/trips\/plan\.txt$/, '');
    await createFolder(`${home}trips/`);
    const names = ['plan.txt', 'My résumé 50%+more.txt', 'deep/ünïcode & spaces.png', '日本 ✓ 🙂.txt'];
    for (const name of names.slice(1)) await uploadData({ path: `${home}trips/${name}`, data: `body of ${name}` }).result;

    const under = await objectsUnder(`${home}trips/`);
    expect(under.map((o) => o.path).sort()).toEqual([`${home}trips/`, ...names.map((n) => `${home}trips/${n}`)].sort());
    // The folder object lists as a folder of the parent, as the browser shows it.
    const top = await list({ path: home, options: { subpathStrategy: { strategy: 'exclude' } } });
    expect(top.excludedSubpaths).toEqual([`${home}trips/`]);

    const progress: string[] = [];
    const outcome = await moveObjects(
      under.map((o) => ({ from: o.path, to: o.path.replace(`${home}trips/`, `${home}holidays/`) })),
      (p) => progress.push(`${p.step} ${p.done}/${p.total}`),
    );
    expect(outcome).toEqual({ deleteFailures: [], moved: 5 });
    expect(progress.at(-1)).toBe('delete 5/5');
    expect(await objectsUnder(`${home}trips/`)).toEqual([]);
    const moved = await objectsUnder(`${home}holidays/`);
    expect(moved.map((o) => o.path).sort()).toEqual([`${home}holidays/`, ...names.map((n) => `${home}holidays/${n}`)].sort());
    for (const name of names) expect(await (await downloadData({ path: `${home}holidays/${name}` }).result).body.text()).toBe(`body of ${name}`);

    expect(await deleteObjects(moved.map((o) => o.path))).toEqual([]);
    expect(await objectsUnder(`${home}holidays/`)).toEqual([]);
  });

  it('keeps every original when a copy is refused, and removes the copies it made', async () => {
    const up = await uploadData({ path: ({ identityId }) => `private/${identityId}/keep/a.txt`, data: 'a' }).result;
    const home = up.path.replace(/keep\/a\.txt$/, '');
    await uploadData({ path: `${home}keep/b.txt`, data: 'b' }).result;
    // Copying into someone else's folder is refused by IAM after the first copy made it into one's own.
    const outcome = await moveObjects(
      [
        { from: `${home}keep/a.txt`, to: `${home}kept/a.txt` },
        { from: `${home}keep/b.txt`, to: 'private/us-east-1:00000000-0000-4000-8000-000000000000/b.txt' },
      ],
      () => undefined,
    );
    expect(outcome.moved).toBe(0);
    expect(outcome.copyFailure).toEqual({ path: `${home}keep/b.txt`, reason: 'You do not have permission to do that here.' });
    expect((await objectsUnder(`${home}keep/`)).map((o) => o.path).sort()).toEqual([`${home}keep/a.txt`, `${home}keep/b.txt`]);
    expect(await objectsUnder(`${home}kept/`)).toEqual([]);
  });
});
