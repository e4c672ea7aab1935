import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LambdaFunction } from './functions';

export const RUNTIME_DIRECTORY = fileURLToPath(new URL('./runtime/', import.meta.url));
const BOOTSTRAP = fileURLToPath(new URL('./runtime/bootstrap.mjs', import.meta.url));
/** The project's node_modules provide the AWS SDK, as /var/runtime does in Lambda. */
const SDK_BASE = fileURLToPath(new URL('../../', import.meta.url));

/** Lambda's limit on a function's initialization (on-demand). */
export const INIT_TIMEOUT_MS = 10_000;

/** What Lambda's Invoke reports when the function fails (FunctionError: Unhandled). */
export interface FunctionErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export type InvokeOutcome =
  | { ok: true; payload: unknown }
  | { ok: false; error: FunctionErrorPayload; kind: 'handled' | 'timeout' | 'crash' | 'init' };

export type LogSink = (fn: LambdaFunction, line: string, stream: 'stdout' | 'stderr') => void;

type ChildMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: FunctionErrorPayload }
  | { type: 'result'; requestId: string; payload: unknown }
  | { type: 'error'; requestId: string; error: FunctionErrorPayload }
  | { type: 'log'; stream: 'stdout' | 'stderr'; line: string };

/**
 * One execution environment: a child process running the function's code
 * with its own environment. Runs one invocation at a time, stays warm between
 * invocations, and is killed when an invocation exceeds the function's timeout.
 */
export class FunctionWorker {
  readonly id = randomUUID().replace(/-/g, '');
  private child?: ChildProcess;
  private onMessage?: (message: ChildMessage) => void;
  private onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  dead = false;
  busy = false;
  lastUsed = Date.now();

  constructor(
    readonly fn: LambdaFunction,
    private readonly env: Record<string, string>,
    private readonly log: LogSink,
    readonly credentialsExpireAt: number,
  ) {}

  /** Starts the process and loads the handler (Lambda's init phase). */
  start(): Promise<InvokeOutcome | undefined> {
    if (!existsSync(this.fn.codeDirectory)) {
      this.dead = true;
      return Promise.resolve({
        ok: false,
        kind: 'init',
        error: {
          errorType: 'Runtime.ImportModuleError',
          errorMessage: `Error: Cannot find module '${this.fn.handler.split('.')[0]}' (no code at ${this.fn.codeDirectory})`,
        },
      });
    }
    const heapMb = Math.max(32, Math.floor(this.fn.memoryMb * 0.85));
    const child = fork(BOOTSTRAP, [SDK_BASE], {
      env: { ...this.env, ...olderNodeThanRuntime(this.fn.runtime) },
      cwd: this.fn.codeDirectory,
      execArgv: [`--max-old-space-size=${heapMb}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream]! }).on('line', (line) => this.log(this.fn, line, stream));
    }
    child.on('message', (message: ChildMessage) => {
      if (message?.type === 'log') this.log(this.fn, String(message.line), message.stream === 'stderr' ? 'stderr' : 'stdout');
      else this.onMessage?.(message);
    });
    child.on('exit', (code, signal) => {
      this.dead = true;
      this.onExit?.(code, signal);
    });
    child.on('error', () => {
      this.dead = true;
      this.onExit?.(null, null);
    });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.kill();
        resolve({
          ok: false,
          kind: 'init',
          error: {
            errorType: 'Runtime.InitTimeout',
            errorMessage: `Init timed out after ${(INIT_TIMEOUT_MS / 1000).toFixed(2)} seconds`,
          },
        });
      }, INIT_TIMEOUT_MS);
      this.onMessage = (message) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(undefined);
        } else if (message.type === 'init-error') {
          clearTimeout(timer);
          resolve({ ok: false, kind: 'init', error: message.error });
        }
      };
      this.onExit = (code, signal) => {
        clearTimeout(timer);
        resolve({ ok: false, kind: 'init', error: exitError(undefined, code, signal) });
      };
    });
  }

  /** Runs one invocation; settles within the function's timeout. */
  invoke(event: unknown, requestId: string): Promise<InvokeOutcome> {
    const child = this.child;
    if (!child || this.dead) throw new Error('worker is not running');
    this.busy = true;
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    const deadlineMs = Date.now() + timeoutMs;
    return new Promise<InvokeOutcome>((resolve) => {
      const finish = (outcome: InvokeOutcome) => {
        clearTimeout(timer);
        this.onMessage = undefined;
        this.onExit = undefined;
        this.busy = false;
        this.lastUsed = Date.now();
        resolve(outcome);
      };
      const timer = setTimeout(() => {
        this.log(
          this.fn,
          `${new Date().toISOString()} ${requestId} Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`,
          'stderr',
        );
        this.kill();
        finish({
          ok: false,
          kind: 'timeout',
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${requestId} Error: Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`,
          },
        });
      }, timeoutMs);
      this.onMessage = (message) => {
        if (message.type === 'result' && message.requestId === requestId) {
          finish({ ok: true, payload: message.payload });
        } else if (message.type === 'error' && message.requestId === requestId) {
          finish({ ok: false, kind: 'handled', error: message.error });
        }
      };
      this.onExit = (code, signal) => finish({ ok: false, kind: 'crash', error: exitError(requestId, code, signal) });
      child.send({
        type: 'invoke',
        requestId,
        event,
        deadlineMs,
        invokedFunctionArn: this.fn.arn,
      });
    });
  }

  kill(): void {
    this.dead = true;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
  }
}

/**
 * The function's runtime (nodejs22.x) is run on this machine's Node, which may
 * be older (20): the AWS SDK would then warn, in every environment, that it
 * will soon require the Node the runtime already has. That warning is about
 * the local machine, not the function, so it is turned off there.
 */
export function olderNodeThanRuntime(runtime: string, nodeVersion = process.version): Record<string, string> {
  const wanted = /^nodejs(\d+)/.exec(runtime)?.[1];
  const local = Number(/^v(\d+)/.exec(nodeVersion)?.[1]);
  return wanted && local < Number(wanted) ? { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } : {};
}

function exitError(
  requestId: string | undefined,
  code: number | null,
  signal: NodeJS.Signals | null,
): FunctionErrorPayload {
  const how = signal ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal}` : `exit status ${code ?? 'unknown'}`;
  return {
    errorType: 'Runtime.ExitError',
    errorMessage: `${requestId ? `RequestId: ${requestId} ` : ''}Error: Runtime exited with error: ${how}`,
  };
}
