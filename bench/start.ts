/**
 * `npm run bench -- start`: from `npm start` to the sign-in form visible in
 * Chromium, with nothing changed (the synthesis is reused) and after a change
 * to amplify/ (a comment appended to amplify/backend.ts, removed afterwards),
 * printed beside the synthesis time that run reported. Needs the stack's ports
 * (20005, 20443, 5173) free: it refuses to run beside another stack.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import { busyStackPorts } from '../scripts/running-stack';

const ROOT = resolve(import.meta.dirname, '..');
const APP_URL = 'http://localhost:5173/';
const ROUNDS = 3;

function startStack(): { child: ChildProcess; output: () => string; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const ready = new Promise<void>((done, fail) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('Amplify Vault is running offline')) done();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    child.once('exit', (code) => fail(new Error(`npm start exited (${code}):\n${output}`)));
  });
  return { child, output: () => output, ready };
}

async function stopStack(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
  while ((await busyStackPorts()).length > 0) await new Promise((done) => setTimeout(done, 100));
}

/** Seconds from spawning `npm start` to the Authenticator's sign-in button visible; the synthesis line it printed. */
async function oneRun(): Promise<{ seconds: number; synth: string }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const started = performance.now();
  const stack = startStack();
  try {
    await stack.ready;
    const page = await browser.newPage();
    await page.goto(APP_URL);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor({ state: 'visible', timeout: 120_000 });
    const seconds = (performance.now() - started) / 1000;
    const synth = /synth: (synthesized amplify\/ .* in [\d.]+ s|restored .*|.* are up to date)/.exec(stack.output())?.[1] ?? '?';
    return { seconds, synth };
  } finally {
    await browser.close();
    await stopStack(stack.child);
  }
}

const busy = await busyStackPorts();
if (busy.length > 0) {
  console.error(`bench start: the stack's ports are taken:\n${busy.map((b) => `  - ${b}`).join('\n')}`);
  process.exit(1);
}
const backend = resolve(ROOT, 'amplify/backend.ts');
const original = readFileSync(backend, 'utf8');
for (let round = 1; round <= ROUNDS; round++) {
  const unchanged = await oneRun();
  console.log(`round ${round}: nothing changed:      npm start → sign-in form ${unchanged.seconds.toFixed(1)} s  (${unchanged.synth})`);
  writeFileSync(backend, `${original}\n// bench/start.ts ${Date.now()}\n`);
  try {
    const changed = await oneRun();
    console.log(`round ${round}: after a change to amplify/: npm start → sign-in form ${changed.seconds.toFixed(1)} s  (${changed.synth})`);
  } finally {
    writeFileSync(backend, original);
  }
}
// Leave the synthesis matching amplify/ as it is again.
await oneRun();
