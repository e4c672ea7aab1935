import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { sandboxEnvironment } from '../sandbox';

/**
 * Running the real `ampx` (no mocks) against a local cloud, for tests and benches: a throw-away copy of the
 * project to change (amplify/ copied, everything else linked, node_modules included), one-shot runs
 * (`runAmpx`) and long-running ones such as `ampx sandbox` in watch mode (`startAmpx`), each with the
 * environment `npm run sandbox` gives ampx (the local cloud's endpoint and operator profile, telemetry off).
 */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const AMPX = join(ROOT, 'node_modules', '.bin', 'ampx');

/** What a project copy must not share with the repo: what ampx writes, and what is changed. */
const NOT_LINKED = new Set(['amplify', '.amplify', 'amplify_outputs.json', '.git', '.localcloud', 'dist', 'test-results', 'playwright-report']);

export interface ProjectCopy {
  dir: string;
  /** amplify/ of the copy. */
  amplify: string;
  remove(): void;
}

/**
 * A temporary copy of the project to deploy and change: amplify/ is copied (a test edits it there, never in
 * the repo), the rest linked. ampx writes .amplify/ and amplify_outputs.json into the copy. ampx type checks
 * every file under amplify/, and the backend's tests reach into localcloud/ and src/: they are left out
 * unless `withTests` (the backend itself is the same; its type check takes a fraction of the time).
 */
export function projectCopy(prefix = 'ampx-project-', options: { withTests?: boolean } = {}): ProjectCopy {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const entry of readdirSync(ROOT)) {
    if (!NOT_LINKED.has(entry)) symlinkSync(join(ROOT, entry), join(dir, entry));
  }
  const source = join(ROOT, 'amplify');
  const isTest = (path: string) => /\.test\.tsx?$/.test(path) || path === join(source, 'testing');
  cpSync(source, join(dir, 'amplify'), { recursive: true, filter: (path) => options.withTests === true || !isTest(path) });
  return { dir, amplify: join(dir, 'amplify'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface AmpxTarget {
  /** The local cloud's state folder (its operator profile is there). */
  stateDir: string;
  /** The local cloud's port (ampx reaches it as 127.0.0.1). */
  port: number;
  /** The project to run in (default: the repo). */
  cwd?: string;
  /** More environment (e.g. ADMIN_EMAILS). */
  env?: NodeJS.ProcessEnv;
}

export interface AmpxRun {
  code: number;
  /** stdout and stderr together, without terminal colours. */
  out: string;
}

/** ampx refuses to run without a package manager's user agent (as `npx ampx` sets it). */
function environment(target: AmpxTarget): NodeJS.ProcessEnv {
  return { ...sandboxEnvironment({ stateDir: target.stateDir, endpointUrl: `http://127.0.0.1:${target.port}` }), npm_config_user_agent: process.env.npm_config_user_agent ?? `npm/10 node/${process.version}`, ...target.env, FORCE_COLOR: '0', CI: '1' };
}

/** Runs `ampx <args>` to its end (stdin: `input`, then closed). */
export function runAmpx(args: string[], target: AmpxTarget, options: { input?: string; timeoutMs?: number } = {}): Promise<AmpxRun> {
  const run = startAmpx(args, target);
  run.child.stdin?.end(options.input ?? '');
  const timer = setTimeout(() => run.child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
  return run.exited.then((code) => {
    clearTimeout(timer);
    return { code, out: run.output() };
  });
}

export interface AmpxProcess {
  child: ChildProcess;
  /** Everything printed so far (colours stripped). */
  output(): string;
  /** Resolves with the output from `from` (an offset into output()) once it matches `pattern`; rejects if ampx exits first or after timeoutMs. */
  waitFor(pattern: RegExp, options?: { from?: number; timeoutMs?: number }): Promise<string>;
  /** The exit code (1 when killed by a signal). */
  exited: Promise<number>;
  /** SIGINT (as Ctrl+C), then SIGKILL if it has not ended within 30 s. */
  stop(): Promise<number>;
}

/** Starts `ampx <args>` (e.g. `sandbox` in watch mode) and keeps its output. */
export function startAmpx(args: string[], target: AmpxTarget): AmpxProcess {
  const child = spawn(AMPX, args, { cwd: target.cwd ?? ROOT, env: environment(target), stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  const listeners = new Set<() => void>();
  const keep = (chunk: Buffer) => {
    text += stripVTControlCharacters(chunk.toString('utf8'));
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let ended = false;
  const exited = new Promise<number>((done) =>
    child.on('close', (status) => {
      ended = true;
      for (const listener of listeners) listener();
      done(status ?? 1);
    }),
  );
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, { from = 0, timeoutMs = 300_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const part = text.slice(from);
          if (pattern.test(part)) {
            finish();
            resolve(part);
          } else if (ended) {
            finish();
            reject(new Error(`ampx ${args.join(' ')} exited before printing ${pattern}:\n${text}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`ampx ${args.join(' ')} did not print ${pattern} within ${timeoutMs} ms:\n${text}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async stop() {
      if (!ended) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}
