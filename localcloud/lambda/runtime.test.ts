import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LambdaFunction } from './functions';
import { FunctionRuntime, LambdaServiceError, type LogSink } from './runtime';

const dir = (name: string) => fileURLToPath(new URL(`./test-functions/${name}`, import.meta.url));

function fixture(name: string, overrides: Partial<LambdaFunction> = {}): LambdaFunction {
  return {
    name: `fn-${name}`,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:fn-${name}`,
    friendlyName: name,
    logicalId: name,
    codeDirectory: dir(name),
    codeSource: `s3:${name}.zip`,
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    timeoutSeconds: 3,
    memoryMb: 256,
    environment: { FROM_TEMPLATE: 'yes', AWS_REGION: 'template-cannot-override' },
    roleArn: `arn:aws:iam::000000000000:role/role-${name}`,
    ...overrides,
  };
}

const lines: { fn: string; line: string; stream: string }[] = [];
const log: LogSink = (fn, line, stream) => lines.push({ fn: fn.friendlyName, line, stream });

describe('FunctionRuntime', () => {
  let runtime: FunctionRuntime;
  const issued: { roleArn: string; sessionName: string }[] = [];

  beforeEach(() => {
    lines.length = 0;
    issued.length = 0;
    runtime = new FunctionRuntime({
      functions: [
        fixture('echo-env'),
        fixture('throws'),
        fixture('sleeps', { timeoutSeconds: 1 }),
        fixture('logs'),
        fixture('crashes'),
        fixture('cjs'),
        fixture('callback'),
        fixture('big-output'),
        fixture('missing', { codeDirectory: dir('does-not-exist') }),
        fixture('wrong-handler', { codeDirectory: dir('logs'), handler: 'index.nope' }),
        fixture('echo-env', { name: 'fn-reserved-1', arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn-reserved-1', reservedConcurrency: 1 }),
        fixture('echo-env', { name: 'fn-reserved-0', arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn-reserved-0', reservedConcurrency: 0 }),
      ],
      region: 'eu-west-3',
      endpointUrl: 'http://localhost:20005',
      log,
      issueCredentials: ({ roleArn, sessionName, durationSeconds }) => {
        issued.push({ roleArn, sessionName });
        return {
          accessKeyId: `ASIA${issued.length}`,
          secretAccessKey: 'secret',
          sessionToken: `token-for-${roleArn}`,
          expiration: new Date(Date.now() + durationSeconds * 1000),
        };
      },
    });
  });
  afterEach(() => runtime.close());

  it("gives the function Lambda's environment, not the local cloud's", async () => {
    process.env.LOCALCLOUD_SECRET_OF_THE_PARENT = 'must-not-leak';
    const out = await runtime.invoke('fn-echo-env', { hello: 'world' });
    delete process.env.LOCALCLOUD_SECRET_OF_THE_PARENT;
    expect(out.ok).toBe(true);
    const result = (out as { payload: any }).payload;
    const env = result.env as Record<string, string>;
    expect(env.LOCALCLOUD_SECRET_OF_THE_PARENT).toBeUndefined();
    expect(env.HOME).toBeUndefined();
    expect(env.NODE_OPTIONS).toBeUndefined();
    expect(env).toMatchObject({
      FROM_TEMPLATE: 'yes',
      AWS_REGION: 'eu-west-3',
      AWS_DEFAULT_REGION: 'eu-west-3',
      AWS_LAMBDA_FUNCTION_NAME: 'fn-echo-env',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/fn-echo-env',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      AWS_ENDPOINT_URL: 'http://localhost:20005',
      AWS_ACCESS_KEY_ID: 'ASIA1',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token-for-arn:aws:iam::000000000000:role/role-echo-env',
      LAMBDA_TASK_ROOT: dir('echo-env'),
      _HANDLER: 'index.handler',
      TZ: ':UTC',
    });
    expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(issued).toEqual([{ roleArn: 'arn:aws:iam::000000000000:role/role-echo-env', sessionName: 'fn-echo-env' }]);
    expect(result.event).toEqual({ hello: 'world' });
    expect(result.context).toMatchObject({
      functionName: 'fn-echo-env',
      awsRequestId: out.requestId,
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn-echo-env',
      memoryLimitInMB: '256',
    });
    expect(result.context.remaining).toBeGreaterThan(2000);
    expect(result.context.remaining).toBeLessThanOrEqual(3000);
    expect(result.pid).not.toBe(process.pid);
  });

  it('keeps an environment warm between invocations, one at a time, and scales out when busy', async () => {
    const first = (await runtime.invoke('fn-echo-env', {})) as any;
    const second = (await runtime.invoke('fn-echo-env', {})) as any;
    expect(second.payload.pid).toBe(first.payload.pid);
    expect(second.payload.invocations).toBe(2);
    const [a, b] = (await Promise.all([runtime.invoke('fn-echo-env', {}), runtime.invoke('fn-echo-env', {})])) as any[];
    expect(a.payload.pid).not.toBe(b.payload.pid);
    expect(issued.length).toBe(2);
  });

  it('queues a burst beyond its environments, in order, instead of refusing it', async () => {
    const one = new FunctionRuntime({ functions: [fixture('echo-env')], region: 'us-east-1', endpointUrl: 'http://localhost:20005', log, maxEnvironments: 1 });
    try {
      const outcomes = (await Promise.all(Array.from({ length: 6 }, (_, i) => one.invoke('fn-echo-env', { i })))) as any[];
      expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, true, true, true]);
      expect(new Set(outcomes.map((o) => o.payload.pid)).size).toBe(1);
      expect(outcomes.map((o) => [o.payload.event.i, o.payload.invocations])).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6]]);
      expect(one.environments('fn-echo-env')).toBe(1);
    } finally {
      await one.close();
    }
  });

  it("throttles only past the function's ReservedConcurrentExecutions (TooManyRequestsException)", async () => {
    const [first, second] = await Promise.allSettled([runtime.invoke('fn-reserved-1', {}), runtime.invoke('fn-reserved-1', {})]);
    expect(first).toMatchObject({ status: 'fulfilled', value: { ok: true } });
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'TooManyRequestsException', message: 'Rate Exceeded.' } });
    expect((await runtime.invoke('fn-reserved-1', {})).ok).toBe(true);
    await expect(runtime.invoke('fn-reserved-0', {})).rejects.toMatchObject({ code: 'TooManyRequestsException' });
  });

  it('restart() replaces warm environments (and their credentials) with fresh ones', async () => {
    const before = (await runtime.invoke('fn-echo-env', {})) as any;
    runtime.restart();
    const after = (await runtime.invoke('fn-echo-env', {})) as any;
    expect(after.payload.pid).not.toBe(before.payload.pid);
    expect(after.payload.invocations).toBe(1);
    expect(after.payload.env.AWS_ACCESS_KEY_ID).not.toBe(before.payload.env.AWS_ACCESS_KEY_ID);
    expect(runtime.environments('fn-echo-env')).toBe(1);
  });

  it('refuses to run a function whose role cannot be assumed', async () => {
    const strict = new FunctionRuntime({
      functions: [fixture('echo-env')],
      region: 'us-east-1',
      endpointUrl: 'http://localhost:20005',
      log,
      issueCredentials: ({ roleArn }) => {
        throw new Error(`No role ${roleArn} in the cloud assembly.`);
      },
    });
    try {
      await expect(strict.invoke('fn-echo-env', {})).rejects.toMatchObject({
        code: 'ServiceException',
        message: expect.stringContaining('cannot be assumed by Lambda'),
      });
    } finally {
      await strict.close();
    }
  });

  it('finds a function by name, ARN or qualified ARN, and refuses unknown ones', async () => {
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:fn-echo-env';
    expect((await runtime.invoke(arn, {})).ok).toBe(true);
    expect((await runtime.invoke(`${arn}:$LATEST`, {})).ok).toBe(true);
    await expect(runtime.invoke('fn-nope', {})).rejects.toBeInstanceOf(LambdaServiceError);
    await expect(runtime.invoke('fn-nope', {})).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
  });

  it("reports a thrown error as Lambda does and keeps the environment", async () => {
    const out = (await runtime.invoke('fn-throws', { request: {} })) as any;
    expect(out.ok).toBe(false);
    expect(out.kind).toBe('handled');
    expect(out.error.errorType).toBe('Error');
    expect(out.error.errorMessage).toBe('You must be at least 13 years old to create an account.');
    expect(out.error.trace[0]).toContain('You must be at least 13');
    const ok = (await runtime.invoke('fn-throws', { request: { userAttributes: { birthdate: 'ok' } } })) as any;
    expect(ok.ok).toBe(true);
    expect(lines.some((l) => l.fn === 'throws' && /\tERROR\tInvoke Error/.test(l.line))).toBe(true);
  });

  it('kills an invocation at its timeout and starts a fresh environment next time', async () => {
    const started = Date.now();
    const out = (await runtime.invoke('fn-sleeps', { sleepMs: 5000 })) as any;
    const took = Date.now() - started;
    expect(out.ok).toBe(false);
    expect(out.kind).toBe('timeout');
    expect(out.error.errorType).toBe('Sandbox.Timedout');
    expect(out.error.errorMessage).toBe(`RequestId: ${out.requestId} Error: Task timed out after 1.00 seconds`);
    expect(took).toBeGreaterThanOrEqual(950);
    expect(took).toBeLessThan(5000);
    expect(lines.some((l) => l.line.endsWith(`${out.requestId} Task timed out after 1.00 seconds`))).toBe(true);
    const fast = (await runtime.invoke('fn-sleeps', { sleepMs: 10 })) as any;
    expect(fast.ok).toBe(true);
    expect(fast.payload.slept).toBe(10);
  });

  it("prints the function's logs tagged with its name, in Lambda's format", async () => {
    const out = await runtime.invoke('fn-logs', { userName: 'alice' });
    expect(out.ok).toBe(true);
    const mine = lines.filter((l) => l.fn === 'logs');
    const info = mine.find((l) => l.line.includes('hello from the function'));
    expect(info?.line).toMatch(
      new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${out.requestId}\\tINFO\\thello from the function \\{ user: 'alice' \\}$`),
    );
    expect(info?.stream).toBe('stdout');
    expect(mine.find((l) => l.line.includes('something on stderr'))).toMatchObject({ stream: 'stderr' });
    expect(mine.map((l) => l.line.split('\t')[0].split(' ')[0])).toEqual(
      expect.arrayContaining(['START', 'END', 'REPORT']),
    );
  });

  it('reports a crash (process exit, uncaught exception) and recovers', async () => {
    const exited = (await runtime.invoke('fn-crashes', { how: 'exit' })) as any;
    expect(exited).toMatchObject({ ok: false, kind: 'crash' });
    expect(exited.error).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${exited.requestId} Error: Runtime exited with error: exit status 3`,
    });
    const uncaught = (await runtime.invoke('fn-crashes', { how: 'throw' })) as any;
    expect(uncaught.ok).toBe(false);
    expect(uncaught.error).toMatchObject({ errorType: 'TypeError', errorMessage: 'boom outside the promise' });
    const fine = await runtime.invoke('fn-echo-env', {});
    expect(fine.ok).toBe(true);
  });

  it('runs CommonJS and callback-style handlers', async () => {
    const cjs = (await runtime.invoke('fn-cjs', { a: 1 })) as any;
    expect(cjs).toMatchObject({ ok: true, payload: { kind: 'function', module: 'object', got: { a: 1 } } });
    const cb = (await runtime.invoke('fn-callback', { a: 2 })) as any;
    expect(cb).toMatchObject({ ok: true, payload: { a: 2, done: true } });
    const failed = (await runtime.invoke('fn-callback', { fail: true })) as any;
    expect(failed).toMatchObject({ ok: false, error: { errorMessage: 'failed through context' } });
  });

  it("refuses a response over Lambda's 6 MB limit", async () => {
    const small = (await runtime.invoke('fn-big-output', { bytes: 1000 })) as any;
    expect(small.ok).toBe(true);
    const big = (await runtime.invoke('fn-big-output', { bytes: 7 * 1024 * 1024 })) as any;
    expect(big).toMatchObject({ ok: false, kind: 'handled', error: { errorType: 'Function.ResponseSizeTooLarge' } });
  });

  it('reports init failures as Lambda does', async () => {
    const missing = (await runtime.invoke('fn-missing', {})) as any;
    expect(missing).toMatchObject({ ok: false, kind: 'init', error: { errorType: 'Runtime.ImportModuleError' } });
    const wrong = (await runtime.invoke('fn-wrong-handler', {})) as any;
    expect(wrong).toMatchObject({
      ok: false,
      kind: 'init',
      error: { errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.nope is undefined or not exported' },
    });
  });
});

afterAll(() => {
  delete process.env.LOCALCLOUD_SECRET_OF_THE_PARENT;
});
