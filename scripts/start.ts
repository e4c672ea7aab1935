/**
 * `npm start`: the whole app offline. Synthesizes amplify/ if it changed,
 * starts the local cloud (http://localhost:20005) and the Vite dev server
 * (http://localhost:5173), prints where to go, and stops both on Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { LOCALCLOUD_HELP } from '../localcloud/main-help.ts';
import { busyStackPorts } from './running-stack.ts';
import { ensureSynth } from './synth.ts';
import { LOCAL_CLOUD_URL } from './synth-context.ts';

/** The local cloud's help from its options on, without the port flags (each line, and its continuation lines). */
function startOptions(): string {
  const lines = LOCALCLOUD_HELP.split('\n');
  const shown: string[] = [];
  let dropping = false;
  for (const line of lines.slice(lines.indexOf('Options:'))) {
    if (/^ {2}-/.test(line)) dropping = /^ {2}--(port|oauth-port)\b/.test(line);
    else if (!/^ {3,}/.test(line)) dropping = false;
    if (!dropping) shown.push(line);
  }
  return shown.join('\n');
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`Usage: npm start [-- options]

Synthesizes amplify/ if it changed (npm run synth), starts the local cloud on ${LOCAL_CLOUD_URL}
and the app (Vite) on http://localhost:5173/. Ctrl-C stops both.
The local cloud's options (npm run localcloud alone also takes --port and --oauth-port: the app
expects the default ports):

${startOptions()}
  ADMIN_EMAILS        read at synthesis: verified emails that join ADMINS when they confirm
                      their sign-up (a change re-synthesizes); see also npm run admin
  VAULT_APP_URL       read at synthesis: the deployed app's address (OAuth callback URLs)`);
  process.exit(0);
}

const busy = await busyStackPorts();
if (busy.length > 0) {
  console.error(['npm start cannot start:', ...busy.map((line) => `  - ${line}`), 'Stop it first (Ctrl-C in its terminal).'].join('\n'));
  process.exit(1);
}

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
