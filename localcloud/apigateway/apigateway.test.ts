import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadCloudAssembly } from '../provisioning/cloud-assembly';
import { localExecuteApiUrls } from '../provisioning/client-outputs';
import { type Activity, formatActivity } from '../services/activity';
import { ALLOWED_ORIGINS, startApiTestCloud, type ApiTestCloud, type Tokens } from './testing';

/**
 * A REST API as CDK synthesizes one, served by the real local cloud: routing
 * (literal, {param}, {proxy+}, ANY), the Lambda proxy event and response
 * mapping, API Gateway's own answers (403, 429, 500, 502, 504), CORS, and
 * the URL in amplify_outputs.json.
 */
let t: ApiTestCloud;
let admin: Tokens;

beforeAll(async () => {
  t = await startApiTestCloud({ integrationTimeoutMs: 1500 });
  admin = await t.signIn('ada@example.com', { groups: ['ADMINS', 'EDITORS'] });
}, 60_000);

afterAll(async () => {
  await t?.close();
});

async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(`${t.base}${path}`, init);
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const auth = () => ({ Authorization: admin.idToken });

describe('routing', () => {
  test('a literal path, a {param}, a {proxy+} and ANY reach the function with the resource and path parameters', async () => {
    const list = await call('/items', { headers: auth() });
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ resource: '/items', path: '/items', httpMethod: 'GET', pathParameters: null });

    const one = await call('/items/a%20b', { method: 'DELETE', headers: auth() });
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ resource: '/items/{id}', httpMethod: 'DELETE', pathParameters: { id: 'a b' } });

    // A literal sibling wins over {id}.
    const mine = await call('/items/mine', { headers: auth() });
    expect(mine.json.resource).toBe('/items/mine');

    const deep = await call('/open/x/y/z.txt', { method: 'PUT', body: 'hello' });
    expect(deep.status).toBe(200);
    expect(deep.json).toMatchObject({ resource: '/open/{proxy+}', path: '/open/x/y/z.txt', httpMethod: 'PUT', pathParameters: { proxy: 'x/y/z.txt' }, body: 'hello' });
  });

  test('no route is 403 Missing Authentication Token, an unknown stage or API 403 Forbidden, as API Gateway answers', async () => {
    const before = t.invocations();
    const missing = await call('/nowhere');
    expect(missing.status).toBe(403);
    expect(missing.json).toEqual({ message: 'Missing Authentication Token' });
    expect(missing.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    // The DEFAULT_4XX gateway response of the API adds its header.
    expect(missing.headers.get('access-control-allow-origin')).toBe('*');
    // A method the resource lacks: no route either.
    expect((await call('/items', { method: 'POST', headers: auth() })).json).toEqual({ message: 'Missing Authentication Token' });
    // {proxy+} needs at least one segment.
    expect((await call('/open')).status).toBe(403);

    const stage = await fetch(`${t.cloud.url}/_aws/execute-api/${t.api.id}/prod/items`);
    expect(stage.status).toBe(403);
    expect(await stage.json()).toEqual({ message: 'Forbidden' });
    const api = await fetch(`${t.cloud.url}/_aws/execute-api/zzzzzzzzzz/dev/items`);
    expect(api.status).toBe(403);
    expect(await api.json()).toEqual({ message: 'Forbidden' });
    expect(t.invocations()).toBe(before);
  });
});

describe('the proxy event', () => {
  test('carries API Gateway 1.0 fields: headers, multi-value query, stage variables, requestContext with the claims as strings', async () => {
    const res = await call('/items/42?tag=a&tag=b&q=x%20y', { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json', 'X-Custom': 'v' }, body: '{"n":1}' });
    expect(res.status).toBe(200);
    const event = res.json;
    expect(event.queryStringParameters).toEqual({ tag: 'b', q: 'x y' });
    expect(event.multiValueQueryStringParameters).toEqual({ tag: ['a', 'b'], q: ['x y'] });
    expect(event.headers['X-Custom'] ?? event.headers['x-custom']).toBe('v');
    expect(event.multiValueHeaders['X-Custom'] ?? event.multiValueHeaders['x-custom']).toEqual(['v']);
    expect(event.stageVariables).toEqual({ flavour: 'vanilla' });
    expect(event.body).toBe('{"n":1}');
    expect(event.isBase64Encoded).toBe(false);
    const context = event.requestContext;
    expect(context).toMatchObject({
      accountId: '000000000000',
      apiId: t.api.id,
      stage: 'dev',
      resourcePath: '/items/{id}',
      httpMethod: 'POST',
      path: '/dev/items/42',
      identity: { sourceIp: '127.0.0.1' },
    });
    expect(context.requestId).toBe(res.headers.get('x-amzn-requestid'));
    const claims = context.authorizer.claims;
    for (const value of Object.values(claims)) expect(typeof value).toBe('string');
    expect(claims).toMatchObject({ token_use: 'id', aud: t.clientId, email: 'ada@example.com', 'cognito:groups': '[ADMINS, EDITORS]' });
    expect(claims.exp).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
    expect(claims.auth_time).toMatch(/^\d+$/);
  });

  test('a binary media type arrives base64-encoded; a method without authorizer has no authorizer in its context', async () => {
    const res = await call('/open/upload', { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: new Uint8Array([0, 255, 1]) });
    expect(res.json.isBase64Encoded).toBe(true);
    expect(Buffer.from(res.json.body, 'base64')).toEqual(Buffer.from([0, 255, 1]));
    expect(res.json.requestContext.authorizer).toBeUndefined();
    const empty = await call('/open/get');
    expect(empty.json.body).toBeNull();
    expect(empty.json.queryStringParameters).toBeNull();
  });
});

describe('the proxy response', () => {
  test('status, headers and multi-value headers, base64 bodies and string status codes are mapped', async () => {
    const echo = await call('/open/x');
    expect(echo.headers.get('x-echo')).toBe('yes');
    expect(echo.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    const binary = await fetch(`${t.base}/open/x?mode=binary`);
    expect(binary.status).toBe(201);
    expect(Buffer.from(await binary.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
    const teapot = await call('/open/x?mode=string-status');
    expect(teapot.status).toBe(418);
    expect(teapot.text).toBe('teapot');
  });

  test('the console tells why: one line per call, with the reason of a 502', async () => {
    const seen: Activity[] = [];
    const stop = t.cloud.activity.on((a) => seen.push(a));
    try {
      await call('/open/x?mode=body-object');
    } finally {
      stop();
    }
    const line = seen.find((a) => a.kind === 'api');
    expect(line).toMatchObject({ kind: 'api', api: 'TestApi', route: 'GET /open/{proxy+}', functionName: 'echo', status: 502 });
    expect(formatActivity(line!)).toMatch(/^api {6}GET \/open\/\{proxy\+\} \(TestApi → echo\): 502 in \d+ ms: Malformed Lambda proxy response: body is not a string$/);
  });

  test.each(['body-object', 'extra-field', 'no-status', 'nothing', 'throw'])('%s: 502 Internal server error', async (mode) => {
    const res = await call(`/open/x?mode=${mode}`);
    expect(res.status).toBe(502);
    expect(res.json).toEqual({ message: 'Internal server error' });
  });

  test('a function that does not answer within the integration timeout: 504 Endpoint request timed out', async () => {
    const res = await call('/open/x?mode=hang');
    expect(res.status).toBe(504);
    expect(res.json).toEqual({ message: 'Endpoint request timed out' });
  });

  test('without an AWS::Lambda::Permission for the method the function is not invoked: 500', async () => {
    const before = t.invocations();
    const res = await call('/no-permission');
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ message: 'Internal server error' });
    expect(t.invocations()).toBe(before);
  });

  test('a method using what is not emulated (AWS_IAM authorization) is 500, never served unchecked, and listed', async () => {
    const before = t.invocations();
    const res = await call('/iam');
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ message: 'Internal server error' });
    expect(t.invocations()).toBe(before);
    const service = t.cloud.services.find((s) => s.name === 'apigateway') as unknown as { unsupported: string[] };
    expect(service.unsupported).toEqual([`TestApi (${t.api.id}) GET /iam: AWS_IAM authorization is not emulated; it answers 500.`]);
  });

  test('a MOCK integration without a matching integration response: 500', async () => {
    const res = await call('/');
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ message: 'Internal server error' });
  });
});

describe('CORS', () => {
  function preflight(origin: string) {
    return fetch(`${t.base}/items`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' } });
  }

  test("a preflight is answered by the API's OPTIONS method, with each allowed origin", async () => {
    for (const origin of ALLOWED_ORIGINS) {
      const res = await preflight(origin);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-headers')).toContain('Authorization');
      expect(res.headers.get('access-control-allow-methods')).toContain('GET');
    }
    // Another site gets the API's first origin (so the browser refuses), as on AWS.
    const foreign = await preflight('https://evil.example');
    expect(foreign.status).toBe(204);
    expect(foreign.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGINS[0]);
  });

  test('pages of other sites reach the API (the front door does not refuse them); the token is the protection', async () => {
    const before = t.invocations();
    const withoutToken = await call('/items', { headers: { Origin: 'https://evil.example' } });
    expect(withoutToken.status).toBe(401);
    expect(withoutToken.json).toEqual({ message: 'Unauthorized' });
    const open = await call('/open/x', { method: 'POST', headers: { Origin: 'https://evil.example' }, body: 'x' });
    expect(open.status).toBe(200);
    expect(t.invocations()).toBe(before + 1);
    // The rest of the local cloud still refuses them.
    const cognito = await fetch(t.cloud.url, { method: 'POST', headers: { Origin: 'https://evil.example', 'X-Amz-Target': 'AWSCognitoIdentityProviderService.SignUp', 'Content-Type': 'application/x-amz-json-1.1' }, body: '{}' });
    expect(cognito.status).toBe(403);
  });

  test('a request naming another host is still refused (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${t.base}/open/x`);
      request({ host: '127.0.0.1', port: url.port, path: url.pathname, headers: { Host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
  });
});

describe('throttling', () => {
  test("the stage's MethodSettings for a method: its burst, then 429 Too Many Requests", async () => {
    const before = t.invocations();
    // Burst 2, 1 a second; the test's clock does not move, so no token comes back.
    expect((await call('/limited')).status).toBe(200);
    expect((await call('/limited')).status).toBe(200);
    const third = await call('/limited');
    expect(third.status).toBe(429);
    expect(third.json).toEqual({ message: 'Too Many Requests' });
    expect(t.invocations()).toBe(before + 2);
    // Another method has the stage's own limit.
    expect((await call('/open/x')).status).toBe(200);
    t.clock.advance(1000);
    expect((await call('/limited')).status).toBe(200);
    expect((await call('/limited')).status).toBe(429);
    // The local cloud's reset (POST /_localcloud/reset calls each service's) fills the buckets again.
    (t.cloud.services.find((s) => s.name === 'apigateway') as unknown as { reset(): void }).reset();
    expect((await call('/limited')).status).toBe(200);
  });
});

describe('amplify_outputs.json', () => {
  test('an execute-api URL of a REST API of the assembly becomes the local one', () => {
    const assembly = loadCloudAssembly(t.cloud.context.assembly.directory);
    const endpoint = assembly.rootOutputs.ApiEndpoint;
    expect(endpoint).toBe(`https://${t.api.id}.execute-api.us-east-1.amazonaws.com/dev/`);
    const outputs = localExecuteApiUrls(assembly, 'http://localhost:20005', {
      custom: { API: { TestApi: { endpoint, region: 'us-east-1' } } },
      other: 'https://abcdefghij.execute-api.us-east-1.amazonaws.com/dev/',
    });
    expect(outputs).toEqual({
      custom: { API: { TestApi: { endpoint: `http://localhost:20005/_aws/execute-api/${t.api.id}/dev/`, region: 'us-east-1' } } },
      // Not an API of this assembly: left alone.
      other: 'https://abcdefghij.execute-api.us-east-1.amazonaws.com/dev/',
    });
  });
});
