import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Amplify's own naming, as the reference the local naming must equal.
import { BackendIdentifierConversions, ParameterPathConversions } from '@aws-amplify/platform-core';
import { describe, expect, it } from 'vitest';
import { fromStackName, resourceReferencePath, secretPath, secretPrefix, toStackName } from './parameter-paths';
import { SecretStore } from './secret-store';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe("Amplify's SSM parameter names", () => {
  const ids = [
    { namespace: 'amplifyvault', name: 'local', type: 'sandbox' as const },
    { namespace: 'amplify-vault', name: 'jane.doe', type: 'sandbox' as const },
    { namespace: 'd1abcdefgh', name: 'main', type: 'branch' as const },
    { namespace: 'x'.repeat(90), name: 'feature/login-page_2', type: 'branch' as const },
    { namespace: 'amplifyvault', name: 'local', type: 'sandbox' as const, hash: '0123456789' },
  ];
  it.each(ids)('equal @aws-amplify/platform-core for %o', (id) => {
    expect(toStackName(id)).toBe(BackendIdentifierConversions.toStackName(id));
    expect(secretPath(id, 'GOOGLE_CLIENT_ID')).toBe(ParameterPathConversions.toParameterFullPath(id, 'GOOGLE_CLIENT_ID'));
    expect(secretPrefix(id)).toBe(ParameterPathConversions.toParameterPrefix(id));
    expect(resourceReferencePath(id, 'AMPLIFY_AUTH_USERPOOL_ID')).toBe(
      ParameterPathConversions.toResourceReferenceFullPath(id, 'AMPLIFY_AUTH_USERPOOL_ID'),
    );
  });

  it('name shared secrets by app id, and parse stack names', () => {
    expect(secretPath('d1abcdefgh', 'X')).toBe(ParameterPathConversions.toParameterFullPath('d1abcdefgh', 'X'));
    expect(secretPath('d1abcdefgh', 'X')).toBe('/amplify/shared/d1abcdefgh/X');
    expect(fromStackName('amplify-amplifyvault-local-sandbox-b1bf32956d')).toEqual({
      namespace: 'amplifyvault',
      name: 'local',
      type: 'sandbox',
      hash: 'b1bf32956d',
    });
    expect(fromStackName('amplify-a-b-c-d-e')).toBeUndefined();
    expect(fromStackName('other-a-b-sandbox-h')).toBeUndefined();
    // The fixed local backend is the synthesized one.
    expect(secretPath({ namespace: 'amplifyvault', name: 'local', type: 'sandbox' }, 'S')).toBe(
      '/amplify/amplifyvault/local-sandbox-b1bf32956d/S',
    );
  });
});

describe('SecretStore', () => {
  it('keeps versions in an owner-only file, replaced atomically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const store = new SecretStore(dir);
    expect(store.set('/amplify/a/b/ONE', 'first')).toBe(1);
    expect(store.set('/amplify/a/b/ONE', 'second')).toBe(2);
    expect(store.set('/amplify/a/b/TWO', 'two')).toBe(1);
    expect(store.set('/amplify/a/c/OTHER', 'x')).toBe(1);
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(store.get('/amplify/a/b/ONE')).toMatchObject({ value: 'second', version: 2 });
    expect(store.get('/amplify/a/b/ONE', 1)).toMatchObject({ value: 'first', version: 1 });
    expect(store.get('/amplify/a/b/ONE', 3)).toBeUndefined();
    expect(store.list('/amplify/a/b').map((s) => s.name)).toEqual(['/amplify/a/b/ONE', '/amplify/a/b/TWO']);
    // A second instance (another process) sees the same data.
    expect(new SecretStore(dir).get('/amplify/a/b/TWO')?.value).toBe('two');
    expect(store.remove('/amplify/a/b/ONE')).toBe(true);
    expect(store.remove('/amplify/a/b/ONE')).toBe(false);
    expect(new SecretStore(dir).has('/amplify/a/b/ONE')).toBe(false);
  });
});

describe('npm run secret', () => {
  const run = (stateDir: string, args: string[], input?: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/secret.ts', ...args], {
      cwd: ROOT,
      input: input ?? '',
      env: { ...process.env, LOCALCLOUD_STATE: stateDir },
      encoding: 'utf8',
    });

  it('sets, lists and removes secrets under the names ampx uses, never printing values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secret-cli-'));
    const value = 'super-secret-value-4242';
    const set = run(dir, ['set', 'GOOGLE_CLIENT_ID'], `${value}\n`);
    expect(set.stderr).toBe('');
    expect(set.status).toBe(0);
    expect(set.stdout).toBe('Successfully created version 1 of secret GOOGLE_CLIENT_ID\n');
    expect(run(dir, ['set', 'GOOGLE_CLIENT_ID'], value).stdout).toContain('version 2 of secret GOOGLE_CLIENT_ID');
    const store = new SecretStore(dir);
    expect(store.get('/amplify/amplifyvault/local-sandbox-b1bf32956d/GOOGLE_CLIENT_ID')).toMatchObject({
      value,
      version: 2,
    });
    run(dir, ['set', 'SIWA_KEY_ID'], 'k');
    const list = run(dir, ['list']);
    // The set ones as ampx lists them, then the ones amplify/ needs that are still missing.
    expect(list.stdout).toBe(
      [
        ' - GOOGLE_CLIENT_ID',
        ' - SIWA_KEY_ID',
        '',
        'Needed by amplify/ but not set (the local cloud uses placeholders; for AWS see npm run sandbox-secrets):',
        ...['LOGINWITHAMAZON_CLIENT_ID', 'LOGINWITHAMAZON_CLIENT_SECRET', 'SIWA_CLIENT_ID', 'SIWA_TEAM_ID', 'SIWA_PRIVATE_KEY', 'FACEBOOK_CLIENT_ID', 'FACEBOOK_CLIENT_SECRET', 'GOOGLE_CLIENT_SECRET'].map((n) => ` - ${n}`),
        '',
      ].join('\n'),
    );
    for (const r of [set, list]) expect(r.stdout + r.stderr).not.toContain(value);
    expect(readFileSync(store.file, 'utf8')).toContain(value);

    const bad = run(dir, ['set', 'bad name!'], 'v');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('Invalid secret name provided');
    const empty = run(dir, ['set', 'EMPTY'], '');
    expect(empty.status).toBe(1);
    expect(store.has('/amplify/amplifyvault/local-sandbox-b1bf32956d/EMPTY')).toBe(false);

    expect(run(dir, ['remove', 'SIWA_KEY_ID']).stdout).toBe('Successfully removed secret SIWA_KEY_ID\n');
    const missing = run(dir, ['remove', 'SIWA_KEY_ID']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('Secret SIWA_KEY_ID does not exist.');
    expect(run(dir, ['remove', '--all']).stdout).toBe('Successfully removed all secrets\n');
    expect(run(dir, ['list']).stdout).toContain('No sandbox secrets found.');
    expect(run(dir, ['frobnicate']).status).toBe(1);
  });
});
