import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAuthSession } from 'aws-amplify/auth';
import { downloadData, list, remove, uploadData } from 'aws-amplify/storage';
import { EXPECTED, USERS } from './testing/access-expectations';
import { useAmplifyAgainst } from './testing/amplify-node';
import { startRealCloud, type RealCloud, type Session } from '../testing/real-cloud';

/** The access matrix again, with aws-amplify/storage (and aws-amplify's identity-pool credentials) in Node. */
let cloud: RealCloud;
let amplify: ReturnType<typeof useAmplifyAgainst>;
let prefixes: string[];
const principals: Record<string, Session | undefined> = { guest: undefined };

beforeAll(async () => {
  cloud = await startRealCloud();
  amplify = useAmplifyAgainst(cloud);
  for (const [who, user] of Object.entries(USERS)) principals[who] = await cloud.signedInUser(user.name, user.groups);
  const ids: Record<string, string> = {};
  for (const name of ['userA', 'userB'] as const) {
    await amplify.signIn(principals[name]);
    ids[name] = (await fetchAuthSession()).identityId!;
  }
  prefixes = [`public/${ids.userA}`, `protected/${ids.userA}`, `private/${ids.userA}`, `private/${ids.userB}`, 'shared', 'admin', 'owners'];
  for (const prefix of prefixes) {
    cloud.seedObject(`${prefix}/seed.txt`, `seed of ${prefix}`);
    for (const who of Object.keys(EXPECTED)) cloud.seedObject(`${prefix}/del-${who}.txt`, 'delete me');
  }
});
afterAll(async () => {
  amplify?.restore();
  await cloud?.close();
});

async function outcome(p: PromiseLike<unknown>): Promise<'Y' | '-'> {
  try {
    await p;
    return 'Y';
  } catch (e) {
    expect((e as Error).name).toBe('AccessDenied');
    return '-';
  }
}

describe('access matrix through aws-amplify/storage', () => {
  for (const who of Object.keys(EXPECTED)) {
    it(`${who}`, async () => {
      await amplify.signIn(principals[who]);
      const actual: Record<string, string[]> = { get: [], list: [], put: [], delete: [] };
      for (const prefix of prefixes) {
        actual.get.push(
          await outcome(downloadData({ path: `${prefix}/seed.txt` }).result.then(async (r) => expect(await r.body.text()).toBe(`seed of ${prefix}`))),
        );
        actual.list.push(await outcome(list({ path: `${prefix}/` }).then((r) => expect(r.items.map((i) => i.path)).toContain(`${prefix}/seed.txt`))));
        const putKey = `${prefix}/put-${who}.txt`;
        const put = await outcome(uploadData({ path: putKey, data: `by ${who}` }).result);
        actual.put.push(put);
        expect(cloud.objects.get(cloud.bucket, putKey) !== undefined).toBe(put === 'Y');
        const delKey = `${prefix}/del-${who}.txt`;
        const del = await outcome(remove({ path: delKey }));
        actual.delete.push(del);
        expect(cloud.objects.get(cloud.bucket, delKey) === undefined).toBe(del === 'Y');
      }
      expect({ get: actual.get.join(' '), list: actual.list.join(' '), put: actual.put.join(' '), delete: actual.delete.join(' ') }).toEqual(EXPECTED[who]);
    });
  }
});
