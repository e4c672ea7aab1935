import { request } from 'node:http';
import { ConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestCloud, type TestCloud } from '../cognito-idp/testing';

/**
 * The server's front door, through the real server: pages of other sites are
 * refused before anything acts, operation names never reach Object.prototype,
 * what is not emulated is worded one way per protocol, and every answer
 * carries its request id.
 */
let t: TestCloud;
beforeAll(async () => {
  t = await startTestCloud();
});
afterAll(() => t.stop());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A raw request (fetch cannot send Origin: null, Referer or Sec-Fetch-* as a browser does). */
function raw(method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.cloud.url}${path}`, { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const signUpBody = (email: string) => JSON.stringify({ ClientId: t.clientId, Username: email, Password: PASSWORD });
const idpHeaders = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.SignUp' };

describe('pages of other sites', () => {
  const foreign: [string, Record<string, string>][] = [
    ['a foreign Origin (a form or fetch on another site)', { origin: 'https://evil.example' }],
    ['Origin: null (a file:// or sandboxed page)', { origin: 'null' }],
    ['a loopback-looking foreign Origin', { origin: 'http://localhost.evil.example' }],
    ['no Origin but a foreign Referer', { referer: 'https://evil.example/page.html' }],
    ['no Origin but Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ];

  it.each(foreign)('are refused before anything acts: %s', async (_, headers) => {
    const email = `kept-${Math.random().toString(36).slice(2)}@example.com`;
    await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
    const code = t.lastCode(email);

    const reset = await raw('POST', '/_localcloud/reset', { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, 'x=1');
    expect(reset.status).toBe(403);
    expect(JSON.parse(reset.body)).toMatchObject({ __type: 'AccessDeniedException' });
    expect(reset.headers['access-control-allow-origin']).toBeUndefined();

    const outbox = await raw('GET', '/_localcloud/outbox', headers);
    expect(outbox.status).toBe(403);
    expect(outbox.body).not.toContain(code);
    expect(outbox.headers['access-control-allow-origin']).toBeUndefined();

    const other = `other-${Math.random().toString(36).slice(2)}@example.com`;
    const signUp = await raw('POST', '/', { ...headers, ...idpHeaders }, signUpBody(other));
    expect(signUp.status).toBe(403);
    expect(JSON.parse(signUp.body)).toMatchObject({ __type: 'AccessDeniedException' });
    expect(t.messages().some((m) => m.to === other)).toBe(false);

    const s3 = await raw('PUT', '/some-bucket/key.txt', headers, 'data');
    expect(s3.status).toBe(403);
    expect(s3.body).toMatch(/<Code>AccessDenied<\/Code>/);

    // Nothing changed: the user is still there and the code still confirms them.
    await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: code }));
  });

  it('pages served from this machine and clients without Origin still work', async () => {
    const email = `local-${Math.random().toString(36).slice(2)}@example.com`;
    const fromApp = await raw('POST', '/', { origin: 'http://localhost:5173', referer: 'http://localhost:5173/', 'sec-fetch-site': 'same-site', ...idpHeaders }, signUpBody(email));
    expect(fromApp.status).toBe(200);
    expect(fromApp.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    const from127 = await raw('GET', '/_localcloud/outbox', { origin: 'http://127.0.0.1:5173', 'sec-fetch-site': 'cross-site' });
    expect(from127.status).toBe(200);
    expect(JSON.parse(from127.body).some((m: { to: string }) => m.to === email)).toBe(true);
    const cli = await raw('GET', '/_localcloud/outbox', {});
    expect(cli.status).toBe(200);
  });
});

describe('operation names', () => {
  const inherited = ['constructor', 'hasOwnProperty', '__proto__', 'toString', 'valueOf', 'isPrototypeOf', '__defineGetter__'];
  const prefixes = ['AWSCognitoIdentityService.', 'AWSCognitoIdentityProviderService.'];

  it.each(prefixes.flatMap((p) => inherited.map((name) => [p + name])))('%s is an unknown operation (400), not a member of Object.prototype', async (target) => {
    const res = await raw('POST', '/', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, '{}');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ __type: 'UnknownOperationException' });
    expect(res.headers['x-amzn-errortype']).toBe('UnknownOperationException');
  });

  it.each(inherited)('AmazonSSM.%s, signed, is an unknown operation (400)', async (name) => {
    const ssm = signedSsm(name);
    const error = await ssm.send(new GetParameterCommand({ Name: '/x' })).then(() => undefined, (e: unknown) => e as { name: string; $metadata: { httpStatusCode: number } });
    ssm.destroy();
    expect(error).toMatchObject({ name: 'UnknownOperationException', $metadata: { httpStatusCode: 400 } });
  });

  it('operations the real service has but the local cloud lacks answer 501 UnsupportedOperationException, naming them', async () => {
    const identity = await raw('POST', '/', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.ListIdentityPools' }, '{"MaxResults":1}');
    expect(identity.status).toBe(501);
    expect(JSON.parse(identity.body)).toEqual({ __type: 'UnsupportedOperationException', message: 'The local cloud does not implement AWSCognitoIdentityService.ListIdentityPools.' });
    const ssm = signedSsm('DeleteParameters');
    const error = await ssm.send(new GetParameterCommand({ Name: '/x' })).then(() => undefined, (e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number } });
    ssm.destroy();
    expect(error).toMatchObject({ name: 'UnsupportedOperationException', message: 'The local cloud does not implement AmazonSSM.DeleteParameters.', $metadata: { httpStatusCode: 501 } });
  });
});

describe('the AWS query protocol', () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

  it.each([
    ['POST, IAM-signed', 'POST', '/', { ...form, authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261206/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00' }, 'Action=ListRoles&Version=2010-05-08', 'IAM ListRoles'],
    ['POST, SNS-signed', 'POST', '/', { ...form, authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261206/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=00' }, 'Action=Publish&Version=2010-03-31', 'SNS Publish'],
    ['GET, presigned for IAM', 'GET', '/?Action=GetUser&Version=2010-05-08&X-Amz-Credential=AKIAEXAMPLE%2F20261206%2Fus-east-1%2Fiam%2Faws4_request', {}, '', 'IAM GetUser'],
  ])('unclaimed requests get an XML 501 naming the operation (%s)', async (_, method, path, headers, body, named) => {
    const res = await raw(method, path, headers, body);
    expect(res.status).toBe(501);
    expect(res.headers['content-type']).toBe('text/xml');
    expect(res.headers['x-amzn-requestid']).toMatch(UUID);
    expect(res.body).toMatch(
      new RegExp(
        `^(<\\?xml[^>]*>\\n)?<ErrorResponse><Error><Type>Sender</Type><Code>UnsupportedOperationException</Code><Message>The local cloud does not implement ${named}.</Message></Error><RequestId>${res.headers['x-amzn-requestid']}</RequestId></ErrorResponse>$`,
      ),
    );
  });

  it('an unsigned one that no service has is an XML error too, not S3 nor JSON', async () => {
    const res = await raw('POST', '/', form, 'Action=DescribeStacks&Version=2010-05-15');
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code>/);
  });

  it('a form POST without Action is a 400 MissingAction in XML', async () => {
    const res = await raw('POST', '/', form, 'Version=2010-05-08');
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>MissingAction</Code>');
  });
});

describe('request ids', () => {
  it('JSON services answer x-amzn-RequestId (a UUID), errors included, exposed through CORS', async () => {
    const ok = await raw('POST', '/', { origin: 'http://localhost:5173', ...idpHeaders }, signUpBody(`rid-${Math.random().toString(36).slice(2)}@example.com`));
    expect(ok.status).toBe(200);
    expect(ok.headers['x-amzn-requestid']).toMatch(UUID);
    expect(String(ok.headers['access-control-expose-headers']).toLowerCase()).toContain('x-amzn-requestid');
    const error = await raw('POST', '/', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetId' }, '{not json');
    expect(error.status).toBe(400);
    expect(error.headers['x-amzn-requestid']).toMatch(UUID);
    expect(error.headers['x-amzn-requestid']).not.toBe(ok.headers['x-amzn-requestid']);
  });

  it('S3 answers x-amz-request-id and x-amz-id-2, exposed through CORS', async () => {
    const res = await raw('GET', '/no-such-bucket/key', { origin: 'http://localhost:5173' });
    // Unsigned, for no bucket of the backend: no service claims it, and the answer still carries S3's request ids.
    expect([res.status, res.headers['x-amzn-errortype']]).toEqual([404, 'UnknownOperationException']);
    expect(res.headers['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
    expect(res.headers['x-amz-id-2']).toBeTruthy();
    const exposed = String(res.headers['access-control-expose-headers']).toLowerCase();
    expect(exposed).toContain('x-amz-request-id');
    expect(exposed).toContain('x-amz-id-2');
  });
});

/** An SSM client, signed with credentials the local cloud issued, whose requests name `AmazonSSM.<operation>`. */
function signedSsm(operation: string): SSMClient {
  const roleArn = 'arn:aws:iam::000000000000:role/front-door-test';
  t.cloud.context.iam.account.roles.set(roleArn, {
    name: 'front-door-test',
    arn: roleArn,
    roleId: 'AROAFRONTDOORTEST001',
    logicalId: 'FrontDoorTest',
    trustPolicy: { Statement: [] },
    policies: [{ name: 'all', document: { Statement: [{ Effect: 'Allow', Action: 'ssm:*', Resource: '*' }] } }],
    unknownManagedPolicies: [],
  });
  const c = t.cloud.context.iam.credentials.issue({ roleArn, roleId: 'AROAFRONTDOORTEST001', sessionName: 'test', durationSeconds: 900 });
  const ssm = new SSMClient({ region: 'us-east-1', endpoint: t.cloud.url, maxAttempts: 1, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken } });
  ssm.middlewareStack.add(
    (next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-amz-target'] = `AmazonSSM.${operation}`;
      return next(args);
    },
    { step: 'build', name: 'renameTarget' },
  );
  return ssm;
}

describe('malformed requests', () => {
  const json = (target: string, body: string, contentType = 'application/x-amz-json-1.1'): [string, string, string, Record<string, string>, string] => [`${target} ${body.slice(0, 30)}`, 'POST', '/', { 'content-type': contentType, 'x-amz-target': target }, body];
  const cases: [string, string, string, Record<string, string>, string][] = [
    ['a path starting with //', 'GET', '//', {}, ''],
    ['a path of slashes', 'POST', '///x', { 'content-type': 'application/x-www-form-urlencoded' }, 'Action=GetCallerIdentity'],
    ['a bad percent-escape', 'GET', '/%zz/x', {}, ''],
    ['a form POST to //', 'POST', '//?Action=ListRoles', { 'content-type': 'application/x-www-form-urlencoded' }, ''],
    ...['AWSCognitoIdentityService.GetId', 'AmazonSSM.GetParameter', 'AWSCognitoIdentityProviderService.SignUp', 'AWSCognitoIdentityProviderService.AdminGetUser'].flatMap((target) => [
      json(target, '{'),
      json(target, '[]'),
      json(target, 'null'),
      json(target, '\u0000\u00ff', 'text/plain'),
      json(target, '{"__proto__":{"x":1},"ClientId":{}}'),
    ]),
    json('AWSCognitoIdentityService.', '{}'),
    json('', '{}'),
  ];

  it.each(cases)('%s: an AWS-shaped 4xx, never a 5xx nor silence', async (_, method, path, headers, body) => {
    const res = await raw(method, path, headers, body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.startsWith('{') || res.body.startsWith('<')).toBe(true);
  });
});
