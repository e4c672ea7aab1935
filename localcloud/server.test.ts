import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { ConfirmSignUpCommand, CognitoIdentityProviderClient, GetUserCommand, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PASSWORD, startTestCloud, type TestCloud } from './cognito-idp/testing';

let t: TestCloud;
beforeAll(async () => {
  t = await startTestCloud();
});
afterAll(() => t.stop());

const signIn = (sdk: CognitoIdentityProviderClient, clientId: string, email: string) =>
  sdk.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }));

test('CORS preflight allows what aws-amplify sends, and responses expose ETag', async () => {
  const preflight = await fetch(t.cloud.url, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://localhost:5173',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-amz-target,x-amz-user-agent,amz-sdk-invocation-id,amz-sdk-request,cache-control,x-amz-meta-owner',
    },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  const allowed = preflight.headers.get('access-control-allow-headers')!.split(', ');
  expect(allowed).toEqual(expect.arrayContaining(['x-amz-target', 'x-amz-user-agent', 'amz-sdk-invocation-id', 'amz-sdk-request', 'cache-control', 'content-type', 'authorization', 'x-amz-meta-owner']));
  const outbox = await fetch(`${t.cloud.url}/_localcloud/outbox`, { headers: { origin: 'http://localhost:5173' } });
  expect(outbox.headers.get('access-control-expose-headers')).toContain('ETag');
});

test('other sites may not read the local cloud, nor reach it through DNS rebinding', async () => {
  const foreign = await fetch(`${t.cloud.url}/_localcloud/outbox`, { headers: { origin: 'https://evil.example' } });
  expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  const preflight = await fetch(t.cloud.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  expect(preflight.status).toBe(403);
  const rebound = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
    const req = request(`${t.cloud.url}/_localcloud/outbox`, { headers: { host: 'evil.example:20005' } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end();
  });
  expect(rebound.status).toBe(403);
  expect(JSON.parse(rebound.body)).toMatchObject({ __type: 'AccessDeniedException' });
});

test('outbox, reset, and an unknown route', async () => {
  const email = 'outbox@example.com';
  await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
  const messages = await (await fetch(`${t.cloud.url}/_localcloud/outbox`)).json();
  expect(messages.at(-1)).toEqual({ to: email, channel: 'email', subject: 'Your code', body: `Your code is ${messages.at(-1).code}.`, code: expect.stringMatching(/^\d{6}$/), sentAt: expect.any(String) });

  expect((await fetch(`${t.cloud.url}/_localcloud/reset`, { method: 'POST' })).status).toBe(200);
  expect(await (await fetch(`${t.cloud.url}/_localcloud/outbox`)).json()).toEqual([]);
  await expect(signIn(t.sdk, t.clientId, email)).rejects.toMatchObject({ name: 'NotAuthorizedException' });

  const unknown = await fetch(`${t.cloud.url}/_localcloud/nowhere`);
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toMatchObject({ __type: 'NotFound', message: 'No local cloud endpoint GET /_localcloud/nowhere.' });
});

test('state survives a restart: users, keys (old tokens stay valid), codes', async () => {
  const email = 'durable@example.com';
  await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
  const code = t.lastCode(email);
  await t.restart();
  await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: code }));
  const { AuthenticationResult } = await signIn(t.sdk, t.clientId, email);
  await t.restart();
  const me = await t.sdk.send(new GetUserCommand({ AccessToken: AuthenticationResult!.AccessToken }));
  expect(me.UserAttributes).toContainEqual({ Name: 'email', Value: email });
});

test('state survives kill -9 of `npm run localcloud` (main.ts)', async () => {
  const port = 20000 + Math.floor(Math.random() * 1000) + 100;
  const run = () => startMain(port, t);
  let child = await run();
  const sdk = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: `http://localhost:${port}`, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  try {
    const email = 'killed@example.com';
    await sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
    const outbox = await (await fetch(`http://localhost:${port}/_localcloud/outbox`)).json();
    await sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: outbox.at(-1).code }));
    expect(child.output()).toContain(`code     ${outbox.at(-1).code} sent by email to ${email} ("Your code")`);
    expect(child.output()).toContain(`/_localcloud/outbox`);
    child.kill('SIGKILL');
    await new Promise((done) => child.once('exit', done));
    child = await run();
    expect((await signIn(sdk, t.clientId, email)).AuthenticationResult?.AccessToken).toBeTruthy();
    child.kill('SIGTERM');
    expect(await new Promise((done) => child.once('exit', (code) => done(code)))).toBe(0);
  } finally {
    sdk.destroy();
    child.kill('SIGKILL');
  }
}, 60_000);

/** Starts main.ts on `port` with its own state folder beside the test's, resolving once it prints its URL. */
function startMain(port: number, cloud: TestCloud): Promise<ChildProcess & { output(): string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'localcloud/main.ts', '--assembly', cloud.assemblyDir, '--port', String(port), '--oauth-port', '0'], {
    env: { ...process.env, LOCALCLOUD_STATE: `${cloud.stateDir}-main` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('listening on')) resolve(Object.assign(child, { output: () => output }));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`main.ts exited (${code}): ${output}`)));
  });
}
