/**
 * `npm run bench -- big-folder`: a folder of 10,000 files stays usable (issue 13).
 * The time from clicking a folder in the file browser to its first rows being
 * visible, in Chromium against the real stack (the built app, the local cloud,
 * the person's own identity-pool credentials, SigV4 + IAM on every listing), for
 * a folder of 10,000 files beside a folder of 10 files in the same run.
 * Goal: ≤ 1.5×.
 *
 * The local cloud in its own process on the stack's ports (aws-amplify reaches
 * S3 only at http://localhost:20005), new state; one person signed up, the two
 * folders seeded with PutObject through the S3 API with that person's
 * credentials; the app is `vite build`'s output served on http://localhost:5173.
 * The person signs in once through the form; then the timed clicks alternate
 * between the two folders, going back to the top between them. Each time is
 * taken in the page (its own clock): from the click to the frame after the
 * first row entered the document, so neither this process nor the protocol
 * round trips count. Needs the stack's ports (20005, 20443, 5173) free.
 *
 *   npx tsx bench/big-folder.ts [--files 10000] [--rounds 9]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import { outboxCode, PASSWORD, peopleOn } from '../localcloud/testing/real-cloud';
import { localStackOutputs } from './lib/local-stack';
import { serveStaticSite } from './lib/static-site';

const { values } = parseArgs({ options: { files: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '9' } } });
const BIG = Number(values.files);
const SMALL = 10;
const ROUNDS = Number(values.rounds);
const GOAL = 1.5;

const ROOT = resolve(import.meta.dirname, '..');
const APP = 'http://localhost:5173';
const LOCAL_CLOUD = 'http://localhost:20005';
const outputs = await localStackOutputs(ROOT, 'big-folder');

const work = mkdtempSync(join(tmpdir(), 'bench-big-folder-'));
const servers: Server[] = [];
let cloud: ChildProcess | undefined;
let browser: Browser | undefined;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(0)} ms`;
const fileName = (i: number) => `f-${String(i).padStart(5, '0')}.txt`;

/** PutObject of `count` small files under `prefix`, `parallel` at a time. */
async function seed(send: (command: PutObjectCommand) => Promise<unknown>, Bucket: string, prefix: string, count: number, parallel = 32) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await send(new PutObjectCommand({ Bucket, Key: `${prefix}${fileName(i)}`, Body: `file ${i}\n`, ContentType: 'text/plain' }));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** The local cloud in its own process on the stack's ports, on `stateDir`; resolves once it listens. */
function startCloud(stateDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'localcloud/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOCALCLOUD_STATE: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((ok, fail) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      if (/hosted UI .* at https:/.test(output)) ok(child);
      if (output.length > 100_000) output = output.slice(-10_000);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    child.once('exit', (code) => fail(new Error(`the local cloud exited (${code}):\n${output}`)));
  });
}

/** In the page: `window.benchShown` resolves to the time from the next click to the frame after a cell reading `text` appeared. */
const WATCH_FIRST_ROW = `(text) => {
  let clicked = 0;
  document.addEventListener('click', () => { clicked = performance.now(); }, { capture: true, once: true });
  window.benchShown = new Promise((done) => {
    const observer = new MutationObserver(() => {
      if (!clicked || ![...document.querySelectorAll('td')].some((cell) => cell.textContent === text)) return;
      observer.disconnect();
      // Two frames: the one that paints the row has begun by the second.
      requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - clicked)));
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  });
}`;

/**
 * Clicks the folder and times, in the page, from the click to the frame after its first row (the
 * first file by name) entered the document; then goes back to the top.
 */
async function openFolder(page: Page, folder: string): Promise<number> {
  const button = page.getByRole('button', { name: folder, exact: true });
  await button.waitFor();
  const first = fileName(0);
  const firstRow = page.getByRole('cell', { name: first, exact: true });
  // A string, not a function: tsx would wrap named functions in a helper the page does not have.
  await page.evaluate(`(${WATCH_FIRST_ROW})(${JSON.stringify(first)})`);
  await button.click();
  await firstRow.waitFor({ timeout: 60_000 });
  const elapsed = await page.evaluate(() => (window as unknown as { benchShown: Promise<number> }).benchShown);
  // Back to the top: the first breadcrumb (the place itself).
  await page.getByRole('navigation', { name: /folders$/ }).getByRole('button').first().click();
  await firstRow.waitFor({ state: 'detached' });
  return elapsed;
}

try {
  const load = [loadavg()[0]];
  const appDir = join(work, 'app');
  await build({ root: ROOT, logLevel: 'warn', build: { outDir: appDir, emptyOutDir: true, chunkSizeWarningLimit: 2000 } });
  // Chromium may resolve localhost to either address: answer on both, loopback only.
  servers.push(await serveStaticSite(appDir, 5173, '127.0.0.1'));
  const ipv6 = await serveStaticSite(appDir, 5173, '::1').catch(() => undefined);
  if (ipv6) servers.push(ipv6);

  cloud = await startCloud(join(work, 'state'));
  const ids = {
    region: outputs.auth.aws_region,
    userPoolId: outputs.auth.user_pool_id,
    clientId: outputs.auth.user_pool_client_id,
    identityPoolId: outputs.auth.identity_pool_id,
  };
  const people = peopleOn(LOCAL_CLOUD, ids, { codeFor: (email) => outboxCode(LOCAL_CLOUD, email) });
  const ada = await people.createUser('ada');
  const { identityId, credentials } = await people.credentialsFor((await people.signIn(ada)).idToken);
  const s3 = people.s3Client(credentials, { maxAttempts: 3 });
  const Bucket = outputs.storage.bucket_name;
  const seeding = performance.now();
  await seed((c) => s3.send(c), Bucket, `private/${identityId}/bench-small/`, SMALL);
  await seed((c) => s3.send(c), Bucket, `private/${identityId}/bench-big/`, BIG);
  console.log(`seeded ${BIG + SMALL} files with PutObject in ${ms(performance.now() - seeding)}`);
  s3.destroy();
  people.destroy();

  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ baseURL: APP });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByLabel('Email or phone number').fill(ada.email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  // Untimed warm-up: each folder once (the code of the files page is loaded, the credentials fetched).
  await openFolder(page, 'bench-small');
  await openFolder(page, 'bench-big');

  const samples = { small: [] as number[], big: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so both see the same drift in load.
    const order = round % 2 === 0 ? (['small', 'big'] as const) : (['big', 'small'] as const);
    for (const kind of order) samples[kind].push(await openFolder(page, kind === 'small' ? 'bench-small' : 'bench-big'));
  }
  load.push(loadavg()[0]);
  const ratio = median(samples.big) / median(samples.small);
  console.log(`first rows of a ${SMALL}-file folder: median ${ms(median(samples.small))} (${samples.small.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`first rows of a ${BIG}-file folder: median ${ms(median(samples.big))} (${samples.big.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`ratio ${ratio.toFixed(2)} (goal ≤ ${GOAL}: ${ratio <= GOAL ? 'met' : 'NOT met'}); load average ${load.map((l) => l.toFixed(1)).join(' → ')}`);
} finally {
  await browser?.close();
  for (const server of servers) await new Promise((done) => server.close(done));
  if (cloud && cloud.exitCode === null) {
    const exited = new Promise((done) => cloud!.once('exit', done));
    cloud.kill('SIGTERM');
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
}
