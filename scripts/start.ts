/**
 * `npm start`: the whole app offline. Synthesizes amplify/ if it changed,
 * starts the local cloud (http://localhost:20005) and the Vite dev server
 * (http://localhost:5173), prints where to go, and stops both on Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { ensureSynth } from './synth.ts';
import { LOCAL_CLOUD_URL } from './synth-context.ts';

const APP_URL = 'http://localhost:5173/';
const children: ChildProcess[] = [];

function run(name: string, command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: 'inherit', env: process.env });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} stopped (${signal ?? `exit ${code}`}); stopping everything.`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

await ensureSynth({ log: console.log });
run('local cloud', process.execPath, ['--import', 'tsx', 'localcloud/main.ts', ...process.argv.slice(2)]);
await waitFor(`${LOCAL_CLOUD_URL}/_localcloud/outbox`, 30_000);
run('vite', process.execPath, ['node_modules/vite/bin/vite.js', '--strictPort']);
await waitFor(APP_URL, 60_000);
console.log(`
  Amplify Vault is running offline.
    App:     ${APP_URL}
    Outbox:  ${LOCAL_CLOUD_URL}/_localcloud/outbox   (sign-up and reset codes)
  Ctrl-C stops everything.
`);
