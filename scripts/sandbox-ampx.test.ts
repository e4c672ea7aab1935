import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizedAssembly } from '../localcloud/lambda/testing/synthesized';
import { type LocalCloud, startLocalCloud } from '../localcloud/server';
import { runAmpx } from './testing/ampx';

/**
 * The real `ampx sandbox secret set / list / remove` (no mocks) against a
 * fresh local cloud, with the environment `npm run sandbox` gives it: the
 * operator profile, STS, SSM PutParameter / GetParametersByPath / DeleteParameter.
 */
let cloud: LocalCloud;
let state: string;

const ampx = (args: string[], input?: string) => runAmpx(['sandbox', ...args, '--identifier', 'toolchaintest'], { stateDir: state, port: cloud.port }, { input, timeoutMs: 120_000 });

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'localcloud-ampx-'));
  cloud = await startLocalCloud({ stateDir: state, assemblyDir: synthesizedAssembly().directory, port: 0, oauthPort: false });
}, 120_000);

afterAll(async () => {
  await cloud?.close();
  rmSync(state, { recursive: true, force: true });
});

describe('the real ampx sandbox secret commands against the local cloud', () => {
  it('set, list and remove a secret', async () => {
    const set = await ampx(['secret', 'set', 'TOOLCHAIN_PROBE'], 'probe-value');
    expect(set.out).toContain('Successfully created version 1 of secret TOOLCHAIN_PROBE');
    expect(set.code).toBe(0);
    const stored = new (await import('../localcloud/secrets/secret-store')).SecretStore(state).all();
    expect(stored.map((p) => [p.name.split('/').at(-1), p.value])).toEqual([['TOOLCHAIN_PROBE', 'probe-value']]);
    expect((await ampx(['secret', 'list'])).out).toMatch(/^ - TOOLCHAIN_PROBE\s*$/m);
    const removed = await ampx(['secret', 'remove', 'TOOLCHAIN_PROBE']);
    expect(removed.out).toContain('Successfully removed secret TOOLCHAIN_PROBE');
    expect((await ampx(['secret', 'list'])).out).toContain('No sandbox secrets found');
  }, 300_000);
});
