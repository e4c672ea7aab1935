import { randomUUID } from 'node:crypto';
import { type IssueRoleCredentials, unrecognizedCredentials } from './credentials';
import { lambdaEnvironment } from './environment';
import type { LambdaFunction } from './functions';
import { FunctionWorker, type InvokeOutcome, type LogSink, RUNTIME_DIRECTORY } from './worker';

export type { InvokeOutcome, FunctionErrorPayload, LogSink } from './worker';

/** A Lambda service error (the invocation never reached the function). */
export class LambdaServiceError extends Error {
  constructor(
    readonly code: 'ResourceNotFoundException' | 'TooManyRequestsException' | 'ServiceException',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export interface FunctionRuntimeOptions {
  functions: LambdaFunction[];
  region: string;
  /** Where the functions' AWS SDK calls go; a function so the server's port may be chosen later. */
  endpointUrl: string | (() => string);
  /** Issues the execution role's credentials (the IAM seam). */
  issueCredentials?: IssueRoleCredentials;
  /** Where function logs go; default: the console, each line tagged with the function's name. */
  log?: LogSink;
  /**
   * Execution environments (processes) per function at most; invocations
   * beyond them wait for one to free up, in order (Lambda would scale out;
   * one machine runs a few and queues the rest). Default 8.
   */
  maxEnvironments?: number;
  /**
   * The account's concurrency (Lambda's default: 1000): invocations of a
   * function in flight (running or waiting) beyond it, or beyond the
   * function's ReservedConcurrentExecutions, are throttled (TooManyRequestsException).
   */
  accountConcurrency?: number;
  /** A warm environment unused this long is stopped. */
  idleTimeoutMs?: number;
  /** Lifetime of an environment's role credentials. */
  credentialsDurationSeconds?: number;
}

/**
 * `onStart`: the invocation reaches its handler, in a warm environment or a
 * freshly initialized one (not while it waits in line, nor during a local
 * process's start-up, which Lambda's own cold start does not resemble).
 */
export interface InvokeHooks {
  onStart?(): void;
}

export const consoleLog: LogSink = (fn, line, stream) => {
  (stream === 'stderr' ? process.stderr : process.stdout).write(`[${fn.friendlyName}] ${line}\n`);
};

export const DEFAULT_ACCOUNT_CONCURRENCY = 1000;
export const DEFAULT_MAX_ENVIRONMENTS = 8;

/**
 * Runs the backend's Lambda functions as Lambda would: each execution
 * environment is a separate process with Lambda's environment and the
 * execution role's credentials; environments stay warm and are reused one
 * invocation at a time; an invocation past the function's timeout (counted
 * from when it starts running, not while it waits) kills its environment.
 * A burst beyond the environments a function may have waits in line rather
 * than being refused; only Lambda's concurrency limits throttle.
 */
export class FunctionRuntime {
  private readonly byKey = new Map<string, LambdaFunction>();
  private readonly pools = new Map<string, Slot[]>();
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly inFlight = new Map<string, number>();
  private readonly log: LogSink;
  private readonly reaper: NodeJS.Timeout;
  /** Bumped by restart(): environments of an older generation are never reused. */
  private generation = 0;
  private closed = false;

  constructor(private readonly options: FunctionRuntimeOptions) {
    for (const fn of options.functions) {
      this.byKey.set(fn.name, fn);
      this.byKey.set(fn.arn, fn);
    }
    this.log = options.log ?? consoleLog;
    const idle = options.idleTimeoutMs ?? 5 * 60_000;
    this.reaper = setInterval(() => this.reap(idle), Math.min(idle, 60_000));
    this.reaper.unref();
  }

  /** The function a name, ARN or qualified ARN (`...:function:name:$LATEST`) designates. */
  find(nameOrArn: string): LambdaFunction | undefined {
    const direct = this.byKey.get(nameOrArn);
    if (direct) return direct;
    const unqualified = nameOrArn.replace(/:(\$LATEST|\d+)$/, '');
    return this.byKey.get(unqualified);
  }

  get functions(): LambdaFunction[] {
    return [...new Set(this.byKey.values())];
  }

  /**
   * Replaces a function's definition (new code, UpdateFunctionCode): the
   * next invocation runs it in a fresh environment; the old ones stop (busy
   * ones when their invocation ends).
   */
  update(fn: LambdaFunction): void {
    const previous = this.find(fn.name);
    if (previous) {
      this.byKey.delete(previous.name);
      this.byKey.delete(previous.arn);
    }
    this.byKey.set(fn.name, fn);
    this.byKey.set(fn.arn, fn);
    for (const slot of [...this.pool(fn)]) if (!slot.busy) this.discard(slot);
  }

  /** Execution environments currently alive for a function (warm or busy). */
  environments(nameOrArn: string): number {
    const fn = this.find(nameOrArn);
    return fn ? this.pool(fn).length : 0;
  }

  /**
   * Invokes a function synchronously (RequestResponse). Resolves with the
   * function's result or its error as Lambda reports it; rejects only with a
   * LambdaServiceError.
   */
  async invoke(nameOrArn: string, event: unknown, hooks: InvokeHooks = {}): Promise<InvokeOutcome & { requestId: string }> {
    if (this.closed) throw new LambdaServiceError('ServiceException', 'The function runtime has stopped.');
    const fn = this.find(nameOrArn);
    if (!fn) {
      throw new LambdaServiceError('ResourceNotFoundException', `Function not found: ${nameOrArn}`);
    }
    const inFlight = this.inFlight.get(fn.name) ?? 0;
    if (inFlight >= Math.min(fn.reservedConcurrency ?? Infinity, this.options.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY)) {
      throw new LambdaServiceError('TooManyRequestsException', 'Rate Exceeded.');
    }
    this.inFlight.set(fn.name, inFlight + 1);
    try {
      const requestId = randomUUID();
      const slot = await this.acquire(fn);
      let initFailure: InvokeOutcome | undefined;
      try {
        initFailure = await slot.started;
      } catch (error) {
        this.release(slot);
        throw error;
      }
      if (initFailure) {
        this.release(slot);
        return { ...initFailure, requestId };
      }
      hooks.onStart?.();
      const worker = slot.worker!;
      const started = Date.now();
      this.log(fn, `START RequestId: ${requestId} Version: $LATEST`, 'stdout');
      const outcome = await worker.invoke(event, requestId);
      this.log(fn, `END RequestId: ${requestId}`, 'stdout');
      this.log(
        fn,
        `REPORT RequestId: ${requestId}\tDuration: ${(Date.now() - started).toFixed(2)} ms\tMemory Size: ${fn.memoryMb} MB`,
        'stdout',
      );
      this.release(slot);
      return { ...outcome, requestId };
    } finally {
      this.inFlight.set(fn.name, (this.inFlight.get(fn.name) ?? 1) - 1);
    }
  }

  /**
   * Stops every execution environment and forgets what they hold (their
   * credentials, module state): idle ones now, busy ones when their
   * invocation ends. The next invocation starts a fresh one. For the local
   * cloud's reset, which destroys the credentials they were issued.
   */
  restart(): void {
    this.generation++;
    for (const pool of this.pools.values()) {
      for (const slot of [...pool]) if (!slot.busy) this.discard(slot);
    }
  }

  /** Stops every execution environment; waiting invocations fail. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.reaper);
    for (const pool of this.pools.values()) for (const slot of pool) slot.worker?.kill();
    this.pools.clear();
    for (const queue of this.waiting.values()) {
      for (const waiter of queue.splice(0)) waiter.reject(new LambdaServiceError('ServiceException', 'The function runtime has stopped.'));
    }
  }

  private pool(fn: LambdaFunction): Slot[] {
    let pool = this.pools.get(fn.name);
    if (!pool) {
      pool = [];
      this.pools.set(fn.name, pool);
    }
    return pool;
  }

  /** An environment for one invocation: a warm one, a new one, or the next one to free up (in order). */
  private acquire(fn: LambdaFunction): Promise<Slot> {
    return new Promise((resolve, reject) => {
      let queue = this.waiting.get(fn.name);
      if (!queue) this.waiting.set(fn.name, (queue = []));
      queue.push({ resolve, reject });
      this.dispatch(fn);
    });
  }

  /** Hands environments to waiting invocations: warm ones first, then new ones while the function may have more. */
  private dispatch(fn: LambdaFunction): void {
    const queue = this.waiting.get(fn.name);
    if (this.closed || !queue) return;
    while (queue.length > 0) {
      const idle = this.takeIdle(fn);
      if (idle) {
        queue.shift()!.resolve(idle);
        continue;
      }
      const pool = this.pool(fn);
      if (pool.length >= (this.options.maxEnvironments ?? DEFAULT_MAX_ENVIRONMENTS)) return;
      // One environment starts at a time: a burst of cold starts on a few cores would slow every
      // one of them past Lambda's 10 s init limit; the queue is served by whichever frees first.
      if (pool.some((slot) => slot.starting)) return;
      const slot = this.startSlot(fn);
      pool.push(slot);
      queue.shift()!.resolve(slot);
    }
  }

  /** After an invocation: the environment serves the next one, or goes if it died or belongs to an older generation. */
  private release(slot: Slot): void {
    slot.busy = false;
    if (!slot.ready || slot.worker?.dead || this.stale(slot)) this.discard(slot);
    this.dispatch(slot.fn);
  }

  /** An environment of an older generation, or of a function since updated, is not reused. */
  private stale(slot: Slot): boolean {
    return slot.generation !== this.generation || this.byKey.get(slot.fn.name) !== slot.fn;
  }

  private takeIdle(fn: LambdaFunction): Slot | undefined {
    const freshUntil = Date.now() + 60_000;
    for (const slot of [...this.pool(fn)]) {
      if (slot.busy || !slot.ready) continue;
      if (slot.worker!.dead || slot.worker!.credentialsExpireAt < freshUntil || this.stale(slot)) {
        this.discard(slot);
        continue;
      }
      slot.busy = true;
      return slot;
    }
    return undefined;
  }

  /** A new environment, counted in the pool at once; `started` settles when its init does. */
  private startSlot(fn: LambdaFunction): Slot {
    const slot: Slot = { fn, busy: true, ready: false, starting: true, generation: this.generation, started: Promise.resolve(undefined) };
    slot.started = this.startWorker(fn)
      .then(async (worker) => {
        slot.worker = worker;
        if (this.closed) {
          worker.kill();
          throw new LambdaServiceError('ServiceException', 'The function runtime has stopped.');
        }
        const failure = await worker.start();
        slot.ready = !failure;
        return failure;
      })
      .finally(() => {
        slot.starting = false;
        // The next environment may start now, for whoever still waits.
        queueMicrotask(() => this.dispatch(fn));
      });
    return slot;
  }

  private async startWorker(fn: LambdaFunction): Promise<FunctionWorker> {
    const durationSeconds = this.options.credentialsDurationSeconds ?? 3600;
    const issue = this.options.issueCredentials ?? unrecognizedCredentials;
    let credentials;
    try {
      credentials = await issue({ roleArn: fn.roleArn, sessionName: fn.name, durationSeconds });
    } catch (error) {
      throw new LambdaServiceError(
        'ServiceException',
        `The role defined for the function cannot be assumed by Lambda (${fn.roleArn || 'no role'}): ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }
    const endpoint =
      typeof this.options.endpointUrl === 'function' ? this.options.endpointUrl() : this.options.endpointUrl;
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    return new FunctionWorker(
      fn,
      lambdaEnvironment(fn, {
        region: this.options.region,
        endpointUrl: endpoint,
        credentials,
        runtimeDirectory: RUNTIME_DIRECTORY,
        logStreamName: `${day}/[$LATEST]${randomUUID().replace(/-/g, '')}`,
      }),
      this.log,
      credentials.expiration.getTime(),
    );
  }

  /** Stops an environment and takes it out of its pool. */
  private discard(slot: Slot): void {
    slot.worker?.kill();
    const pool = this.pools.get(slot.fn.name);
    const i = pool ? pool.indexOf(slot) : -1;
    if (i >= 0) pool!.splice(i, 1);
  }

  private reap(idleMs: number): void {
    const now = Date.now();
    for (const pool of this.pools.values()) {
      for (const slot of [...pool]) {
        if (!slot.busy && slot.worker && now - slot.worker.lastUsed > idleMs) this.discard(slot);
      }
    }
  }
}

interface Slot {
  fn: LambdaFunction;
  /** Set once the role's credentials are issued. */
  worker?: FunctionWorker;
  /** Reserved for an invocation (from hand-out to release). */
  busy: boolean;
  /** Init succeeded: the environment can take invocations. */
  ready: boolean;
  /** Its credentials are being issued or its init runs. */
  starting: boolean;
  generation: number;
  /** Settles with the init failure (or undefined) once the environment started; rejects with a LambdaServiceError. */
  started: Promise<InvokeOutcome | undefined>;
}

interface Waiter {
  resolve(slot: Slot): void;
  reject(error: Error): void;
}
