import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, ConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ProvisionedAssembly } from '../provisioning/types';
import { type LocalCloud, startLocalCloud } from '../server';
import { DEFAULT_MAX_ENVIRONMENTS, type LogSink } from './runtime';
import { synthesizedAssembly } from './testing/synthesized';

/**
 * The product's triggers under a burst, and after a reset, through the real
 * server: bursts queue for execution environments instead of being refused,
 * each trigger runs once per operation, and a reset restarts the warm
 * environments whose credentials it destroyed.
 */
const PASSWORD = 'Correct-horse-battery-9!';
const BOSS = 'boss@example.com';

let assembly: ProvisionedAssembly;
let cloud: LocalCloud;
let root: string;
let clientId: string;
let poolId: string;
let sdk: CognitoIdentityProviderClient;
const logs: { fn: string; line: string }[] = [];
const functionLog: LogSink = (fn, line) => logs.push({ fn: fn.friendlyName, line });

beforeAll(async () => {
  assembly = synthesizedAssembly(BOSS);
  root = mkdtempSync(join(tmpdir(), 'lambda-load-'));
  cloud = await startLocalCloud({ stateDir: join(root, 'state'), assemblyDir: assembly.directory, port: 0, functionLog });
  poolId = assembly.ofType('AWS::Cognito::UserPool')[0].ref;
  clientId = assembly.ofType('AWS::Cognito::UserPoolClient')[0].ref;
  sdk = new CognitoIdentityProviderClient({ region: assembly.region, endpoint: cloud.url, maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
}, 180_000);

afterAll(async () => {
  sdk?.destroy();
  await cloud?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const tag = () => Math.random().toString(36).slice(2, 10);
// Phone numbers are unique per pool (a username attribute): one counter for the file, whatever order the tests run in.
let phones = 0;
const phone = () => `+1555${String(phones++).padStart(7, '0')}`;

function signUp(email: string, phoneNumber: string) {
  return sdk.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: email,
      Password: PASSWORD,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'phone_number', Value: phoneNumber },
      ],
    }),
  );
}

const lastCode = (to: string) => cloud.outbox.list().filter((m) => m.to === to).at(-1)!.code;
const starts = (fn: string) => logs.filter((l) => l.fn === fn && l.line.startsWith('START RequestId:')).length;

it('100 distinct sign-ups at once: 100 users, none throttled; the burst queues for a bounded pool of environments', async () => {
  const run = tag();
  const emails = Array.from({ length: 100 }, (_, i) => `burst-${run}-${i}@example.com`);
  const before = starts('pre-sign-up');
  const results = await Promise.allSettled(emails.map((email) => signUp(email, phone())));
  const refused = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []));
  expect(refused).toEqual([]);
  expect(results.every((r) => r.status === 'fulfilled' && r.value.UserConfirmed === false)).toBe(true);
  for (const email of emails) expect(cloud.outbox.list().some((m) => m.to === email)).toBe(true);
  // Each sign-up ran PreSignUp exactly once, on at most DEFAULT_MAX_ENVIRONMENTS processes.
  expect(starts('pre-sign-up') - before).toBe(100);
  expect(cloud.context.functions.runtime.environments(assembly.ofType('AWS::Cognito::UserPool')[0].properties.LambdaConfig.PreSignUp)).toBeLessThanOrEqual(DEFAULT_MAX_ENVIRONMENTS);
}, 180_000);

it('30 confirmations at once: 30 confirmed, PostConfirmation run exactly once each', async () => {
  const run = tag();
  const emails = Array.from({ length: 30 }, (_, i) => `confirm-${run}-${i}@example.com`);
  for (const email of emails) await signUp(email, phone());
  const before = starts('post-confirmation');
  const results = await Promise.allSettled(emails.map((email) => sdk.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: lastCode(email) }))));
  expect(results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message)] : []))).toEqual([]);
  expect(starts('post-confirmation') - before).toBe(30);
  for (const email of emails) expect(findUser(email)?.status).toBe('CONFIRMED');
}, 180_000);

it('after POST /_localcloud/reset, an admin bootstrap (PostConfirmation signed with fresh credentials) still succeeds', async () => {
  const confirm = async () => {
    await signUp(BOSS, phone());
    await sdk.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: BOSS, ConfirmationCode: lastCode(BOSS) }));
  };
  await confirm(); // warms the post-confirmation environment with credentials issued before the reset
  expect(groupsOfEmail(BOSS)).toContain('ADMINS');
  expect((await fetch(`${cloud.url}/_localcloud/reset`, { method: 'POST' })).status).toBe(200);
  expect(groupsOfEmail(BOSS)).toEqual([]);
  await confirm();
  expect(groupsOfEmail(BOSS)).toContain('ADMINS');
  expect(logs.some((l) => l.fn === 'post-confirmation' && /security token included in the request is invalid/.test(l.line))).toBe(false);
}, 180_000);

function findUser(email: string) {
  const pool = cloud.cognitoIdp.pools.byId(poolId)!;
  return cloud.cognitoIdp.users.bySignInName(pool, email);
}

function groupsOfEmail(email: string): string[] {
  const found = findUser(email);
  return found ? cloud.cognitoIdp.groupsOf(poolId, found.username) : [];
}
