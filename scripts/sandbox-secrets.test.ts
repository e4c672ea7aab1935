import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizedAssembly } from '../localcloud/lambda/testing/synthesized';
import type { ProvisionedAssembly } from '../localcloud/provisioning/types';
import { secretPath } from '../localcloud/secrets/parameter-paths';
import { requiredSecretNames } from '../localcloud/secrets/required-secrets';
import { SecretStore } from '../localcloud/secrets/secret-store';
import { type LocalCloud, startLocalCloud } from '../localcloud/server';
import { parseSecretList, placeholderFor } from './sandbox-secrets';

/**
 * `npm run sandbox-secrets`, as a developer runs it before their first
 * `npx ampx sandbox`: the command in its own process, driving the real
 * `ampx sandbox secret list` / `set`, whose SSM calls go to a local cloud
 * (AWS_ENDPOINT_URL_SSM) signed with credentials the local cloud issued.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const IDENTIFIER = 'sbxsecrets';
// What ampx resolves: the package.json name as namespace, --identifier as name.
const SANDBOX = { namespace: 'amplify-vault', name: IDENTIFIER, type: 'sandbox' as const };

let assembly: ProvisionedAssembly;
let cloud: LocalCloud;
let root: string;
let store: SecretStore;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  assembly = synthesizedAssembly();
  root = mkdtempSync(join(tmpdir(), 'sandbox-secrets-'));
  const stateDir = join(root, 'state');
  cloud = await startLocalCloud({ stateDir, assemblyDir: assembly.directory, port: 0, oauthPort: false });
  store = new SecretStore(stateDir);
  const arn = 'arn:aws:iam::000000000000:role/sandbox-developer';
  cloud.context.iam.account.roles.set(arn, {
    name: 'sandbox-developer',
    arn,
    roleId: 'AROASANDBOXDEVELOPER',
    logicalId: 'SandboxDeveloper',
    trustPolicy: { Statement: [] },
    policies: [
      {
        name: 'secrets',
        document: {
          Statement: [
            { Effect: 'Allow', Action: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:GetParametersByPath'], Resource: 'arn:aws:ssm:*:*:parameter/amplify/*' },
          ],
        },
      },
    ],
    unknownManagedPolicies: [],
  });
  const c = cloud.context.iam.credentials.issue({ roleArn: arn, roleId: 'AROASANDBOXDEVELOPER', sessionName: 'developer', durationSeconds: 3600 });
  env = {
    PATH: process.env.PATH,
    HOME: root,
    AWS_ENDPOINT_URL_SSM: cloud.url.replace('localhost', '127.0.0.1'),
    AWS_REGION: assembly.region,
    AWS_ACCESS_KEY_ID: c.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
    AWS_SESSION_TOKEN: c.sessionToken,
    AWS_CONFIG_FILE: join(root, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(root, 'no-aws-credentials'),
    AMPLIFY_DISABLE_TELEMETRY: '1',
  };
}, 120_000);

afterAll(async () => {
  await cloud?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

function sandboxSecrets(...args: string[]): Promise<{ status: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/sandbox-secrets.ts', ...args],
      { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, out: stdout.trim(), err: stderr.trim() }),
    );
  });
}

const stored = (name: string) => store.get(secretPath(SANDBOX, name));

describe('npm run sandbox-secrets', () => {
  it('sets a placeholder for each of the ten secrets through ampx, keeps a real one, and changes nothing the second time', async () => {
    const names = requiredSecretNames(assembly);
    expect([...names].sort()).toEqual([
      'FACEBOOK_CLIENT_ID',
      'FACEBOOK_CLIENT_SECRET',
      'GOOGLE_CLIENT_ID',
      'GOOGLE_CLIENT_SECRET',
      'LOGINWITHAMAZON_CLIENT_ID',
      'LOGINWITHAMAZON_CLIENT_SECRET',
      'SIWA_CLIENT_ID',
      'SIWA_KEY_ID',
      'SIWA_PRIVATE_KEY',
      'SIWA_TEAM_ID',
    ]);
    store.set(secretPath(SANDBOX, 'GOOGLE_CLIENT_ID'), 'the-real-google-client-id');

    const first = await sandboxSecrets('--identifier', IDENTIFIER);
    expect(first.err).toBe('');
    expect(first.status).toBe(0);
    expect(first.out).toContain('kept GOOGLE_CLIENT_ID: it is already set');
    expect(first.out).toContain('9 placeholder(s) set, 1 secret(s) kept.');

    expect(stored('GOOGLE_CLIENT_ID')).toMatchObject({ value: 'the-real-google-client-id', version: 1 });
    for (const name of names.filter((n) => n !== 'GOOGLE_CLIENT_ID' && n !== 'SIWA_PRIVATE_KEY')) {
      expect(stored(name), name).toMatchObject({ value: `placeholder-${name.toLowerCase().replace(/_/g, '-')}`, version: 1 });
    }
    const key = createPrivateKey(stored('SIWA_PRIVATE_KEY')!.value);
    expect([key.asymmetricKeyType, key.asymmetricKeyDetails?.namedCurve]).toEqual(['ec', 'prime256v1']);
    expect(stored('SIWA_PRIVATE_KEY')!.value).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);

    const second = await sandboxSecrets('--identifier', IDENTIFIER);
    expect(second.status).toBe(0);
    expect(second.out).toContain('All 10 secrets were already set; nothing changed.');
    for (const name of names) expect(stored(name)?.version, name).toBe(1);
  }, 300_000);

  it('fails, naming ampx, when the SSM calls are refused', async () => {
    const saved = env.AWS_SECRET_ACCESS_KEY;
    env.AWS_SECRET_ACCESS_KEY = 'not-the-secret';
    try {
      const run = await sandboxSecrets('--identifier', 'sbxrefused');
      expect(run.status).toBe(1);
      expect(run.err).toMatch(/npx ampx sandbox secret list failed/);
      expect(run.err).toMatch(/signature/i);
    } finally {
      env.AWS_SECRET_ACCESS_KEY = saved;
    }
  }, 120_000);
});

describe('helpers', () => {
  it("reads the names out of ampx's list", () => {
    expect(parseSecretList(' - GOOGLE_CLIENT_ID\n - SIWA_KEY_ID\n\n')).toEqual(['GOOGLE_CLIENT_ID', 'SIWA_KEY_ID']);
    expect(parseSecretList('No sandbox secrets found. To create a secret use npx ampx sandbox secret set <secret-name>.\n')).toEqual([]);
  });

  it('makes a fresh EC P-256 key for a private key, a marked placeholder otherwise', () => {
    expect(placeholderFor('FACEBOOK_CLIENT_SECRET')).toBe('placeholder-facebook-client-secret');
    expect(placeholderFor('SIWA_PRIVATE_KEY')).not.toBe(placeholderFor('SIWA_PRIVATE_KEY'));
  });
});
