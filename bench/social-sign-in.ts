/**
 * `npm run bench -- social-sign-in`: how long a returning person waits from
 * clicking "Sign In with Google" to their files page — through Cognito's hosted
 * UI (https://localhost:20443), the emulated Google's page (one click on their
 * existing account), /oauth2/idpresponse, the app loading again and redeeming
 * the code — as a ratio to a password sign-in (the Authenticator's form, SRP)
 * of a returning person measured in the same run. Goal: ≤ 1.5×.
 *
 * Each round runs on a local cloud started for it (its own process, new state:
 * a new state folder, with the one local CA of this run copied in so the
 * browser's trust stays valid), its two people created and signed in once each
 * untimed (that sign-in also creates the Google account on the provider's page
 * and the federated user), then the timed sign-ins alternate, each in a new
 * browser context (nothing cached, no session). The app is `vite build`'s
 * output served on http://localhost:5173 (its registered callback URL);
 * Chromium trusts the CA as the README tells a person (an NSS database in a
 * temporary HOME). Needs the stack's ports (20005, 20443, 5173) free.
 *
 *   npx tsx bench/social-sign-in.ts [--rounds 3] [--per-round 5]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from '@playwright/test';
import { build } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import { loadLoopbackTls } from '../localcloud/tls/local-ca';
import { outboxCode, PASSWORD, peopleOn } from '../localcloud/testing/real-cloud';
import { localStackOutputs } from './lib/local-stack';
import { serveStaticSite } from './lib/static-site';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, 'per-round': { type: 'string', default: '5' } } });
const ROUNDS = Number(values.rounds);
const PER_ROUND = Number(values['per-round']);
const GOAL = 1.5;

const ROOT = resolve(import.meta.dirname, '..');
const APP = 'http://localhost:5173';
const LOCAL_CLOUD = 'http://localhost:20005';
const HOSTED_UI = 'https://localhost:20443';
// Signed in: the file browser's list of places is there.
const FILES = { role: 'navigation', name: 'Places' } as const;

const outputs = await localStackOutputs(ROOT, 'social-sign-in');

const work = mkdtempSync(join(tmpdir(), 'bench-social-'));
const children: ChildProcess[] = [];
const servers: Server[] = [];
let browser: Browser | undefined;

/** The local cloud in its own process on the stack's ports, on `stateDir`; resolves once it listens. */
function startLocalCloud(stateDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'localcloud/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOCALCLOUD_STATE: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((ok, fail) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (/hosted UI .* at https:/.test(output)) ok(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    child.once('exit', (code) => fail(new Error(`the local cloud exited (${code}):\n${output}`)));
  });
}

async function stopLocalCloud(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(0)} ms`;

interface Person {
  email: string;
  name: string;
}

/** A password sign-in in a new context: the form filled, then timed from clicking "Sign in" to the files page. */
async function passwordSignIn(who: Person): Promise<number> {
  const context = await browser!.newContext({ baseURL: APP });
  try {
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('Email or phone number').fill(who.email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    const button = page.getByRole('button', { name: 'Sign in', exact: true });
    const started = performance.now();
    await button.click();
    await page.getByRole(FILES.role, { name: FILES.name }).waitFor({ timeout: 60_000 });
    return performance.now() - started;
  } finally {
    await context.close();
  }
}

/**
 * A Google sign-in in a new context, timed from clicking "Sign In with Google" to the files page;
 * on the provider's page the person's existing account is one click (`create` makes it there instead, untimed use).
 */
async function googleSignIn(who: Person, create = false): Promise<number> {
  const context = await browser!.newContext({ baseURL: APP });
  try {
    const page = await context.newPage();
    await page.goto('/');
    const button = page.getByRole('button', { name: 'Sign In with Google' });
    await button.waitFor();
    const started = performance.now();
    await button.click();
    await page.waitForURL((url) => url.origin === HOSTED_UI && url.pathname.startsWith('/_providers/'));
    if (create) {
      const form = page.getByRole('group', { name: 'Create an account' });
      await form.getByLabel('Email', { exact: true }).fill(who.email);
      await form.getByLabel('Name', { exact: true }).fill(who.name);
      await form.getByRole('button', { name: 'Create and continue' }).click();
    } else {
      await page.getByRole('button', { name: new RegExp(who.email.replace(/[.+]/g, '\\$&')) }).click();
    }
    await page.getByRole(FILES.role, { name: FILES.name }).waitFor({ timeout: 60_000 });
    return performance.now() - started;
  } finally {
    await context.close();
  }
}

try {
  const load = [loadavg()[0]];
  // One CA for the run, trusted the README's way in a temporary HOME; each round's state folder gets a copy.
  const seed = join(work, 'seed');
  loadLoopbackTls(seed);
  const home = join(work, 'home');
  const trust = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/trust-cert.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, HOME: home, LOCALCLOUD_STATE: seed, VAULT_NSSDB: join(home, '.pki', 'nssdb') },
  });
  if (trust.status !== 0) throw new Error(`trust-cert failed: ${trust.stderr}`);

  const appDir = join(work, 'app');
  await build({ root: ROOT, logLevel: 'warn', build: { outDir: appDir, emptyOutDir: true, chunkSizeWarningLimit: 2000 } });
  // Chromium may resolve localhost to either address: answer on both, loopback only.
  servers.push(await serveStaticSite(appDir, 5173, '127.0.0.1'));
  const ipv6 = await serveStaticSite(appDir, 5173, '::1').catch(() => undefined);
  if (ipv6) servers.push(ipv6);
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, env: { ...process.env, HOME: home } });

  const samples = { password: [] as number[], google: [] as number[] };
  const ids = {
    region: outputs.auth.aws_region,
    userPoolId: outputs.auth.user_pool_id,
    clientId: outputs.auth.user_pool_client_id,
    identityPoolId: outputs.auth.identity_pool_id,
  };
  for (let round = 1; round <= ROUNDS; round++) {
    const stateDir = join(work, `state-${round}`);
    cpSync(join(seed, 'tls'), join(stateDir, 'tls'), { recursive: true });
    const cloud = await startLocalCloud(stateDir);
    try {
      const people = peopleOn(LOCAL_CLOUD, ids, { codeFor: (email) => outboxCode(LOCAL_CLOUD, email) });
      const ada = { email: (await people.createUser('ada')).email, name: 'Ada' };
      people.destroy();
      const grace = { email: `grace-${round}@bench.test`, name: 'Grace' };
      // Untimed first sign-ins: warm the server, create the Google account and the federated user.
      await passwordSignIn(ada);
      await googleSignIn(grace, true);
      const thisRound = { password: [] as number[], google: [] as number[] };
      for (let i = 0; i < PER_ROUND; i++) {
        // Alternate which goes first, so both see the same drift in load.
        const order = i % 2 === 0 ? (['password', 'google'] as const) : (['google', 'password'] as const);
        for (const kind of order) thisRound[kind].push(kind === 'password' ? await passwordSignIn(ada) : await googleSignIn(grace));
      }
      samples.password.push(...thisRound.password);
      samples.google.push(...thisRound.google);
      console.log(
        `round ${round}: password sign-in median ${ms(median(thisRound.password))}, Google ${ms(median(thisRound.google))}, ratio ${(median(thisRound.google) / median(thisRound.password)).toFixed(2)}`,
      );
    } finally {
      await stopLocalCloud(cloud);
    }
  }
  load.push(loadavg()[0]);
  const ratio = median(samples.google) / median(samples.password);
  console.log(`Sign-in to the files page, headless Chromium, ${ROUNDS} rounds × ${PER_ROUND} each (medians of all ${samples.google.length}), load average ${load.map((l) => l.toFixed(1)).join(' → ')}:`);
  console.log(`  password (Authenticator form, SRP):  ${ms(median(samples.password))}  (min ${ms(Math.min(...samples.password))}, max ${ms(Math.max(...samples.password))})`);
  console.log(`  Google (hosted UI, provider page):  ${ms(median(samples.google))}  (min ${ms(Math.min(...samples.google))}, max ${ms(Math.max(...samples.google))})`);
  console.log(`  ratio Google / password: ${ratio.toFixed(2)} (goal ≤ ${GOAL}: ${ratio <= GOAL ? 'met' : 'NOT met'})`);
} finally {
  await browser?.close();
  for (const server of servers) server.close();
  for (const child of children) await stopLocalCloud(child);
  rmSync(work, { recursive: true, force: true });
}
