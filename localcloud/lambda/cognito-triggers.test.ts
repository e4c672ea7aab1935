import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvisionedAssembly } from '../provisioning/types';
import { createTriggers, poolTriggersFromAssembly, TriggerError, type Triggers } from './cognito-triggers';
import { functionsFromAssembly, type LambdaFunction } from './functions';
import { FunctionRuntime, type LogSink } from './runtime';
import { synthesizedAssembly } from './testing/synthesized';
import { triggerEvent } from './trigger-events';

/**
 * The product's own triggers, run from the synthesized cloud assembly (the
 * code ampx would deploy), against a recording stand-in for the local cloud's
 * endpoint (the full stack is tested in the admin end-to-end tests).
 */
interface Recorded {
  target: string;
  authorization: string;
  securityToken: string;
  body: any;
}

let assembly: ProvisionedAssembly;
let runtime: FunctionRuntime;
let triggers: Triggers;
let server: Server;
let poolId: string;
const recorded: Recorded[] = [];
/** What the stand-in answers to ListUsers. */
let listUsersAnswer: unknown[] = [];
const logs: string[] = [];
const log: LogSink = (fn, line) => logs.push(`[${fn.friendlyName}] ${line}`);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => resolve(body));
  });
}

beforeAll(async () => {
  assembly = synthesizedAssembly('Boss@Example.com, other@example.com');
  poolId = assembly.ofType('AWS::Cognito::UserPool')[0].ref;

  server = createServer(async (req, res) => {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target']);
    recorded.push({
      target,
      authorization: String(req.headers.authorization),
      securityToken: String(req.headers['x-amz-security-token']),
      body: JSON.parse(body || '{}'),
    });
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    if (target === 'AmazonSSM.GetParameters') {
      const names: string[] = JSON.parse(body).Names;
      res.end(
        JSON.stringify({
          Parameters: names.map((Name) => ({ Name, Type: 'String', Value: poolId, Version: 1 })),
          InvalidParameters: [],
        }),
      );
    } else if (target === 'AWSCognitoIdentityProviderService.ListUsers') {
      res.end(JSON.stringify({ Users: listUsersAnswer }));
    } else res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const { functions } = functionsFromAssembly(assembly);
  const fixtures = ['throws', 'sleeps', 'bad-output'].map(
    (name): LambdaFunction => ({
      name: `fixture-${name}`,
      arn: `arn:aws:lambda:us-east-1:000000000000:function:fixture-${name}`,
      friendlyName: name,
      logicalId: name,
      codeDirectory: fileURLToPath(new URL(`./test-functions/${name}`, import.meta.url)),
      codeSource: `s3:${name}.zip`,
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      timeoutSeconds: name === 'sleeps' ? 10 : 3,
      memoryMb: 128,
      environment: {},
      roleArn: 'arn:aws:iam::000000000000:role/fixture',
    }),
  );
  runtime = new FunctionRuntime({
    functions: [...functions, ...fixtures],
    region: assembly.region,
    endpointUrl: `http://127.0.0.1:${port}`,
    log,
    issueCredentials: ({ roleArn, durationSeconds }) => ({
      accessKeyId: `ASIAROLE${roleArn.slice(-12)}`,
      secretAccessKey: 'role-secret',
      sessionToken: `session-of-${roleArn}`,
      expiration: new Date(Date.now() + durationSeconds * 1000),
    }),
  });
  const pools = poolTriggersFromAssembly(assembly);
  pools.push({
    poolId: 'us-east-1_fixtures',
    poolArn: 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_fixtures',
    functions: {
      PreSignUp: fixtures[0].arn,
      PreAuthentication: fixtures[1].arn,
      CustomMessage: fixtures[2].arn,
      PostAuthentication: 'arn:aws:lambda:us-east-1:000000000000:function:not-allowed',
    },
    invokable: (arn) => !arn.endsWith('not-allowed'),
  });
  triggers = createTriggers({ pools, runtime, responseTimeoutMs: 1500 });
}, 120_000);

afterAll(async () => {
  await runtime?.close();
  server?.close();
});

const PHONE = '+15551234567';
const signUpEvent = (userAttributes: Record<string, string>, pool = poolId) =>
  triggerEvent({
    region: 'us-east-1',
    userPoolId: pool,
    userName: 'a1b2c3',
    triggerSource: 'PreSignUp_SignUp',
    clientId: 'client123',
    request: { userAttributes, validationData: null },
  });

async function failure(promise: Promise<unknown>): Promise<TriggerError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TriggerError) return error;
    throw error;
  }
  throw new Error('expected the trigger to fail');
}

describe('the synthesized pre sign-up function', () => {
  it('reads the pool LambdaConfig and the functions from the assembly', () => {
    const pool = poolTriggersFromAssembly(assembly)[0];
    expect(Object.keys(pool.functions).sort()).toEqual(['CustomMessage', 'PostConfirmation', 'PreSignUp']);
    expect(triggers.has(poolId, 'PreSignUp')).toBe(true);
    expect(triggers.has(poolId, 'PreTokenGeneration')).toBe(false);
    const fn = runtime.find(pool.functions.PreSignUp!)!;
    expect(fn).toMatchObject({ friendlyName: 'pre-sign-up', timeoutSeconds: 5, memoryMb: 512, handler: 'index.handler' });
  });

  it('refuses an under-13 birthdate with the function message, worded as Cognito words it', async () => {
    const year = new Date().getUTCFullYear() - 10;
    const error = await failure(triggers.invoke(poolId, 'PreSignUp', signUpEvent({ birthdate: `${year}-01-01`, phone_number: PHONE })));
    expect(error.code).toBe('UserLambdaValidationException');
    expect(error.cognitoMessage).toBe(
      'PreSignUp failed with error You must be at least 13 years old to create an account..',
    );
    expect(error.message).toBe('You must be at least 13 years old to create an account.');
  });

  it('refuses an impossible date, and passes an adult through unchanged', async () => {
    const impossible = await failure(triggers.invoke(poolId, 'PreSignUp', signUpEvent({ birthdate: '2001-02-30', phone_number: PHONE })));
    expect(impossible.cognitoMessage).toBe(
      'PreSignUp failed with error Please enter your birth date as YYYY-MM-DD, for example 1990-04-23..',
    );
    const event = signUpEvent({ birthdate: '1990-04-23', email: 'a@example.com', phone_number: PHONE });
    const functionArn = poolTriggersFromAssembly(assembly)[0].functions.PreSignUp!;
    const returned = await triggers.invoke(poolId, 'PreSignUp', functionArn, event);
    expect(returned).toEqual(event);
    expect(returned.response).toEqual({ autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false });
  });
});

describe('the synthesized pre sign-up function, first social sign-in (PreSignUp_ExternalProvider)', () => {
  const externalEvent = (userAttributes: Record<string, string>) =>
    triggerEvent({
      region: 'us-east-1',
      userPoolId: poolId,
      userName: 'Google_117328463928',
      triggerSource: 'PreSignUp_ExternalProvider',
      clientId: 'client123',
      request: { userAttributes, validationData: null },
    });
  const nativeUser = {
    Username: 'native-sub-1',
    UserStatus: 'CONFIRMED',
    Enabled: true,
    Attributes: [
      { Name: 'sub', Value: 'native-sub-1' },
      { Name: 'email', Value: 'ada@example.com' },
      { Name: 'email_verified', Value: 'true' },
    ],
  };
  const callsSince = (from: number, operation: string) =>
    recorded.slice(from).filter((r) => r.target === `AWSCognitoIdentityProviderService.${operation}`);

  it("links a verified Google email to the native user, signed with the function role's credentials", async () => {
    listUsersAnswer = [nativeUser];
    const from = recorded.length;
    const event = externalEvent({ email: 'ada@example.com', email_verified: 'true', name: 'Ada' });
    await expect(triggers.invoke(poolId, 'PreSignUp', event)).resolves.toEqual(event);
    expect(callsSince(from, 'ListUsers').map((r) => r.body)).toEqual([{ UserPoolId: poolId, Filter: 'email = "ada@example.com"' }]);
    const [link] = callsSince(from, 'AdminLinkProviderForUser');
    expect(link.body).toEqual({
      UserPoolId: poolId,
      DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'native-sub-1' },
      SourceUser: { ProviderName: 'Google', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: '117328463928' },
    });
    const role = runtime.find(poolTriggersFromAssembly(assembly)[0].functions.PreSignUp!)!.roleArn;
    expect(link.securityToken).toBe(`session-of-${role}`);
    expect(logs.some((l) => l.startsWith('[pre-sign-up]') && l.includes('linked Google identity 117328463928 to native-sub-1'))).toBe(true);
  });

  it('never links on an unverified email, and lets the sign-in through (no phone, no birthdate needed)', async () => {
    listUsersAnswer = [nativeUser];
    const from = recorded.length;
    const event = externalEvent({ email: 'ada@example.com', email_verified: 'false' });
    await expect(triggers.invoke(poolId, 'PreSignUp', event)).resolves.toEqual(event);
    expect(callsSince(from, 'ListUsers')).toEqual([]);
    expect(callsSince(from, 'AdminLinkProviderForUser')).toEqual([]);
  });
});

describe('the synthesized post confirmation function', () => {
  const confirmEvent = (email: string, verified = 'true') =>
    triggerEvent({
      region: 'us-east-1',
      userPoolId: poolId,
      userName: 'user-sub-1',
      triggerSource: 'PostConfirmation_ConfirmSignUp',
      clientId: 'client123',
      request: { userAttributes: { sub: 'user-sub-1', email, email_verified: verified } },
    });

  it("resolves its SSM config and adds a listed admin to ADMINS, signed with its role's credentials", async () => {
    const from = recorded.length;
    const out = await triggers.invoke(poolId, 'PostConfirmation', confirmEvent('boss@example.com'));
    expect(out.triggerSource).toBe('PostConfirmation_ConfirmSignUp');
    const role = runtime.find(poolTriggersFromAssembly(assembly)[0].functions.PostConfirmation!)!.roleArn;
    // The function reads its config once per process, at its first invocation: in this test or an earlier one.
    const ssm = recorded.find((r) => r.target === 'AmazonSSM.GetParameters' && r.securityToken === `session-of-${role}`);
    expect(ssm?.body).toEqual({
      Names: ['/amplify/resource_reference/amplifyvault/local-sandbox-b1bf32956d/AMPLIFY_AUTH_USERPOOL_ID'],
      WithDecryption: true,
    });
    const add = recorded.slice(from).find((r) => r.target === 'AWSCognitoIdentityProviderService.AdminAddUserToGroup');
    expect(add?.body).toEqual({ UserPoolId: poolId, Username: 'user-sub-1', GroupName: 'ADMINS' });
    for (const call of [ssm!, add!]) {
      expect(call.authorization).toMatch(
        new RegExp(`^AWS4-HMAC-SHA256 Credential=ASIAROLE${role.slice(-12)}/\\d{8}/us-east-1/(ssm|cognito-idp)/aws4_request`),
      );
      expect(call.securityToken).toBe(`session-of-${role}`);
    }
    expect(logs.some((l) => l.startsWith('[post-confirmation]') && l.includes('added user-sub-1 to ADMINS'))).toBe(true);
  });

  it('leaves everyone else (and unverified admin emails) alone', async () => {
    const from = recorded.length;
    await triggers.invoke(poolId, 'PostConfirmation', confirmEvent('someone@example.com'));
    await triggers.invoke(poolId, 'PostConfirmation', confirmEvent('boss@example.com', 'false'));
    expect(recorded.slice(from).filter((r) => r.target.endsWith('AdminAddUserToGroup'))).toEqual([]);
  });
});

describe("failures map to Cognito's errors", () => {
  const event = (source: string) =>
    triggerEvent({
      region: 'us-east-1',
      userPoolId: 'us-east-1_fixtures',
      userName: 'u',
      triggerSource: source,
      request: { userAttributes: {} },
    });

  it('a function that throws → UserLambdaValidationException', async () => {
    const error = await failure(triggers.invoke('us-east-1_fixtures', 'PreSignUp', event('PreSignUp_SignUp')));
    expect([error.code, error.cognitoMessage]).toEqual([
      'UserLambdaValidationException',
      'PreSignUp failed with error You must be at least 13 years old to create an account..',
    ]);
  });

  it('Cognito stops waiting → UnexpectedLambdaException (socket timeout)', async () => {
    const started = Date.now();
    const slow = { ...event('PreAuthentication_Authentication'), sleepMs: 4000 };
    const error = await failure(triggers.invoke('us-east-1_fixtures', 'PreAuthentication', slow));
    expect([error.code, error.cognitoMessage]).toEqual([
      'UnexpectedLambdaException',
      'PreAuthentication invocation failed due to error Socket timeout while invoking Lambda function.',
    ]);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('unrecognizable output → InvalidLambdaResponseException', async () => {
    for (const give of ['null', 'array', 'string']) {
      const error = await failure(
        triggers.invoke('us-east-1_fixtures', 'CustomMessage', { ...event('CustomMessage_SignUp'), give }),
      );
      expect([error.code, error.cognitoMessage]).toEqual(['InvalidLambdaResponseException', 'Unrecognizable lambda output']);
    }
  });

  it('no invoke permission for cognito-idp → UnexpectedLambdaException AccessDeniedException', async () => {
    const error = await failure(
      triggers.invoke('us-east-1_fixtures', 'PostAuthentication', event('PostAuthentication_Authentication')),
    );
    expect([error.code, error.cognitoMessage]).toEqual([
      'UnexpectedLambdaException',
      'PostAuthentication invocation failed due to error AccessDeniedException.',
    ]);
  });

  it('a trigger the pool does not configure is a no-op', async () => {
    const e = event('TokenGeneration_Authentication');
    await expect(triggers.invoke('us-east-1_fixtures', 'PreTokenGeneration', e)).resolves.toBe(e);
    await expect(triggers.invoke('us-east-1_unknown', 'PreSignUp', e)).resolves.toBe(e);
  });
});
