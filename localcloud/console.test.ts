import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, ConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizedAssembly } from './lambda/testing/synthesized';
import { olderNodeThanRuntime } from './lambda/worker';
import type { ProvisionedAssembly } from './provisioning/types';
import { formatActivity } from './services/activity';

/**
 * `npm run localcloud`'s console (what `npm start` shows), as printed: the
 * product's backend, its real triggers, a real SDK client. One line per event;
 * expected refusals are not stack traces; no runtime warnings.
 */
const PASSWORD = 'Correct-horse-battery-9!';
let assembly: ProvisionedAssembly;
let root: string;

interface Main {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves once a printed line matches. */
  line(pattern: RegExp): Promise<string>;
}

function startMain(...flags: string[]): Promise<Main> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'localcloud/main.ts', '--assembly', assembly.directory, '--port', '0', '--oauth-port', '0', ...flags],
    { env: { ...process.env, LOCALCLOUD_STATE: join(root, `state${flags.join('')}`) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onChunk = (chunk: Buffer) => {
    output += chunk;
    for (const w of [...waiters]) {
      const found = output.split('\n').find((l) => w.pattern.test(l));
      if (found) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(found);
      }
    }
  };
  child.stdout!.on('data', onChunk);
  child.stderr!.on('data', onChunk);
  const line = (pattern: RegExp) =>
    new Promise<string>((resolve) => {
      waiters.push({ pattern, resolve });
      onChunk(Buffer.alloc(0));
    });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`main.ts exited (${code}): ${output}`)));
    void line(/listening on http:\/\/localhost:\d+/).then((l) =>
      resolve({ child, url: /(http:\/\/localhost:\d+)/.exec(l)![1], output: () => output, line }),
    );
  });
}

async function stop(main: Main): Promise<void> {
  main.child.kill('SIGTERM');
  if (main.child.exitCode === null) await new Promise((done) => main.child.once('exit', done));
}

function signUp(url: string, email: string, birthdate: string) {
  const sdk = new CognitoIdentityProviderClient({ region: assembly.region, endpoint: url, maxAttempts: 1, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
  return {
    sdk,
    result: sdk.send(
      new SignUpCommand({
        ClientId: assembly.ofType('AWS::Cognito::UserPoolClient')[0].ref,
        Username: email,
        Password: PASSWORD,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'phone_number', Value: '+15550002020' },
        ],
        // The app client may not write the birthdate attribute: sign-up sends it for the pre sign-up trigger to check.
        ClientMetadata: { birthdate },
      }),
    ),
  };
}

beforeAll(() => {
  assembly = synthesizedAssembly('');
  root = mkdtempSync(join(tmpdir(), 'localcloud-console-'));
}, 180_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("the local cloud's console", () => {
  it('prints one line per trigger run, code sent and request refused; no stack trace, no warnings', async () => {
    const main = await startMain();
    try {
      const kid = signUp(main.url, 'kid@example.com', `${new Date().getUTCFullYear() - 9}-06-01`);
      await expect(kid.result).rejects.toMatchObject({ name: 'UserLambdaValidationException' });
      expect(await main.line(/trigger {2}PreSignUp/)).toMatch(
        /^\d\d:\d\d:\d\d trigger {2}PreSignUp \(pre-sign-up\): refused in \d+ ms: You must be at least 13 years old to create an account\.$/,
      );
      expect(await main.line(/refused {2}SignUp/)).toMatch(
        /^\d\d:\d\d:\d\d refused {2}SignUp: 400 UserLambdaValidationException: PreSignUp failed with error You must be at least 13 years old to create an account\.\.$/,
      );

      const ada = signUp(main.url, 'ada@example.com', '1985-12-10');
      await ada.result;
      const code = /code +(\d{6}) sent by email to ada@example\.com/.exec(await main.line(/code +\d{6} sent by email to ada@example\.com/))![1];
      await ada.sdk.send(new ConfirmSignUpCommand({ ClientId: assembly.ofType('AWS::Cognito::UserPoolClient')[0].ref, Username: 'ada@example.com', ConfirmationCode: code }));
      expect(await main.line(/trigger {2}PostConfirmation/)).toMatch(/^\d\d:\d\d:\d\d trigger {2}PostConfirmation \(post-confirmation\): ok in \d+ ms$/);
      await stop(main);

      const output = main.output();
      expect(output).toContain('trigger  PreSignUp (pre-sign-up): ok in');
      // The function's own logs (Lambda's START/END/REPORT, the Invoke Error with its trace) wait for --verbose.
      expect(output).not.toMatch(/START RequestId|Invoke Error|ERROR|\n\s+at /);
      expect(output).not.toMatch(/NodeVersionSupportWarning|MaxListenersExceededWarning|Warning:/);
    } finally {
      main.child.kill('SIGKILL');
    }
  }, 120_000);

  it('prints the functions’ full logs with --verbose', async () => {
    const main = await startMain('--verbose');
    try {
      await expect(signUp(main.url, 'kid@example.com', `${new Date().getUTCFullYear() - 9}-06-01`).result).rejects.toMatchObject({
        name: 'UserLambdaValidationException',
      });
      expect(await main.line(/\[pre-sign-up\] .*ERROR\tInvoke Error/)).toContain('You must be at least 13 years old');
      expect(await main.line(/\[pre-sign-up\] REPORT RequestId/)).toMatch(/Duration: [\d.]+ ms/);
      await main.line(/trigger +PreSignUp \(pre-sign-up\): refused/);

      // post-confirmation calls the AWS SDK: on this machine's older Node it would warn about its support window.
      const ada = signUp(main.url, 'ada@example.com', '1985-12-10');
      await ada.result;
      const code = /code +(\d{6}) sent/.exec(await main.line(/code +\d{6} sent by email to ada@example\.com/))![1];
      await ada.sdk.send(new ConfirmSignUpCommand({ ClientId: assembly.ofType('AWS::Cognito::UserPoolClient')[0].ref, Username: 'ada@example.com', ConfirmationCode: code }));
      await main.line(/trigger +PostConfirmation \(post-confirmation\): ok/);
      await stop(main);
      expect(main.output()).toContain('[post-confirmation] START RequestId');
      expect(main.output()).not.toMatch(/NodeVersionSupportWarning|MaxListenersExceededWarning/);
    } finally {
      await stop(main);
    }
  }, 120_000);

  it('turns the SDK Node-version warning off only where the machine’s Node is older than the function’s runtime', () => {
    expect(olderNodeThanRuntime('nodejs22.x', 'v20.20.2')).toEqual({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
    expect(olderNodeThanRuntime('nodejs22.x', 'v22.12.0')).toEqual({});
    expect(olderNodeThanRuntime('python3.12', 'v20.20.2')).toEqual({});
  });

  it('words a code sent by SMS and a refusal without a reason', () => {
    const message = { to: '+15550002020', channel: 'sms' as const, subject: '', body: 'Your code is 123456.', code: '123456', sentAt: '' };
    expect(formatActivity({ kind: 'code', message })).toBe('code     123456 sent by SMS to +15550002020');
    expect(formatActivity({ kind: 'refused', operation: 'GET /vault/x', status: 403, errorType: 'AccessDenied', message: 'Access Denied' })).toBe(
      'refused  GET /vault/x: 403 AccessDenied: Access Denied',
    );
  });
});
