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
  /** Concurrent execution environments per function (Lambda would scale further). */
  maxConcurrency?: number;
  /** A warm environment unused this long is stopped. */
  idleTimeoutMs?: number;
  /** Lifetime of an environment's role credentials. */
  credentialsDurationSeconds?: number;
}

export const consoleLog: LogSink = (fn, line, stream) => {
  (stream === 'stderr' ? process.stderr : process.stdout).write(`[${fn.friendlyName}] ${line}\n`);
};

/**
 * Runs the backend's Lambda functions as Lambda would: each execution
 * environment is a separate process with Lambda's environment and the
 * execution role's credentials; environments stay warm and are reused one
 * invocation at a time; an invocation past the function's timeout kills its
 * environment.
 */
export class FunctionRuntime {
  private readonly byKey = new Map<string, LambdaFunction>();
  private readonly pools = new Map<string, Slot[]>();
  private readonly log: LogSink;
  private readonly reaper: NodeJS.Timeout;
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
   * Invokes a function synchronously (RequestResponse). Resolves with the
   * function's result or its error as Lambda reports it; rejects only with a
   * LambdaServiceError.
   */
  async invoke(nameOrArn: string, event: unknown): Promise<InvokeOutcome & { requestId: string }> {
    if (this.closed) throw new LambdaServiceError('ServiceException', 'The function runtime has stopped.');
    const fn = this.find(nameOrArn);
    if (!fn) {
      throw new LambdaServiceError('ResourceNotFoundException', `Function not found: ${nameOrArn}`);
    }
    const requestId = randomUUID();
    let worker = this.takeIdle(fn);
    if (!worker) {
      const pool = this.pool(fn);
      if (pool.length >= (this.options.maxConcurrency ?? 10)) {
        throw new LambdaServiceError('TooManyRequestsException', 'Rate Exceeded.');
      }
      worker = await this.startWorker(fn);
      pool.push(worker);
      const initFailure = await worker.started;
      if (initFailure) {
        this.remove(worker);
        return { ...initFailure, requestId };
      }
    }
    const started = Date.now();
    this.log(fn, `START RequestId: ${requestId} Version: $LATEST`, 'stdout');
    const outcome = await worker.worker.invoke(event, requestId);
    this.log(fn, `END RequestId: ${requestId}`, 'stdout');
    this.log(
      fn,
      `REPORT RequestId: ${requestId}\tDuration: ${(Date.now() - started).toFixed(2)} ms\tMemory Size: ${fn.memoryMb} MB`,
      'stdout',
    );
    if (worker.worker.dead) this.remove(worker);
    return { ...outcome, requestId };
  }

  /** Stops every execution environment. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.reaper);
    for (const pool of this.pools.values()) for (const w of pool) w.worker.kill();
    this.pools.clear();
  }

  private pool(fn: LambdaFunction): Slot[] {
    let pool = this.pools.get(fn.name);
    if (!pool) {
      pool = [];
      this.pools.set(fn.name, pool);
    }
    return pool;
  }

  private takeIdle(fn: LambdaFunction): Slot | undefined {
    const pool = this.pool(fn);
    const freshUntil = Date.now() + 60_000;
    for (const slot of [...pool]) {
      if (slot.worker.dead || slot.worker.credentialsExpireAt < freshUntil) {
        if (!slot.worker.busy) {
          slot.worker.kill();
          this.remove(slot);
        }
        continue;
      }
      if (!slot.worker.busy && slot.ready) {
        slot.worker.busy = true;
        return slot;
      }
    }
    return undefined;
  }

  private async startWorker(fn: LambdaFunction): Promise<Slot> {
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
    const worker = new FunctionWorker(
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
    worker.busy = true;
    const slot: Slot = { worker, ready: false, started: Promise.resolve(undefined) };
    slot.started = worker.start().then((failure) => {
      slot.ready = !failure;
      return failure;
    });
    return slot;
  }

  private remove(slot: Slot): void {
    const pool = this.pools.get(slot.worker.fn.name);
    if (!pool) return;
    const i = pool.indexOf(slot);
    if (i >= 0) pool.splice(i, 1);
  }

  private reap(idleMs: number): void {
    const now = Date.now();
    for (const pool of this.pools.values()) {
      for (const slot of [...pool]) {
        if (!slot.worker.busy && now - slot.worker.lastUsed > idleMs) {
          slot.worker.kill();
          this.remove(slot);
        }
      }
    }
  }
}

interface Slot {
  worker: FunctionWorker;
  ready: boolean;
  started: Promise<InvokeOutcome | undefined>;
}
