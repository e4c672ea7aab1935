import { Amplify } from 'aws-amplify';
import { del, get, isCancelError, post } from 'aws-amplify/api';
import { fetchAuthSession, signIn } from 'aws-amplify/auth';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PASSWORD } from '../cognito-idp/testing';
import { localExecuteApiUrls } from '../provisioning/client-outputs';
import { startApiTestCloud, type ApiTestCloud } from './testing';

/**
 * The unmodified aws-amplify v6 REST client (`aws-amplify/api`) against the
 * local API, configured from the endpoint as amplify_outputs.json carries it
 * offline (the stack output's execute-api URL made local), with the id token
 * of a person signed in by aws-amplify itself (SRP).
 */
let t: ApiTestCloud;

beforeAll(async () => {
  t = await startApiTestCloud();
  await t.signIn('amplify.api@example.com', { groups: ['EDITORS'] });
  const endpoint = localExecuteApiUrls(t.cloud.context.assembly, t.cloud.url, t.cloud.context.assembly.rootOutputs.ApiEndpoint) as string;
  Amplify.configure({
    Auth: { Cognito: { userPoolId: t.poolId, userPoolClientId: t.clientId, userPoolEndpoint: t.cloud.url } },
    API: { REST: { TestApi: { endpoint, region: 'us-east-1' } } },
  });
  await signIn({ username: 'amplify.api@example.com', password: PASSWORD });
}, 60_000);

afterAll(async () => {
  await t?.close();
});

async function idToken(): Promise<string> {
  return (await fetchAuthSession()).tokens!.idToken!.toString();
}

test('get, post and del with the id token reach the function with the verified claims', async () => {
  const headers = { Authorization: await idToken() };
  const read = await get({ apiName: 'TestApi', path: '/items/7', options: { headers, queryParams: { q: 'x' } } }).response;
  expect(read.statusCode).toBe(200);
  const event = (await read.body.json()) as any;
  expect(event).toMatchObject({ resource: '/items/{id}', pathParameters: { id: '7' }, queryStringParameters: { q: 'x' } });
  expect(event.requestContext.authorizer.claims).toMatchObject({ email: 'amplify.api@example.com', 'cognito:groups': '[EDITORS]' });

  const created = await post({ apiName: 'TestApi', path: '/items/8', options: { headers, body: { name: 'eight' } } }).response;
  expect(JSON.parse(((await created.body.json()) as any).body)).toEqual({ name: 'eight' });

  const removed = await del({ apiName: 'TestApi', path: '/items/8', options: { headers } }).response;
  expect(removed.statusCode).toBe(200);
});

test("API Gateway's refusals reach aws-amplify as errors with their status and message", async () => {
  const refused = get({ apiName: 'TestApi', path: '/items' }).response;
  // Without an Authorization header aws-amplify signs with IAM (SigV4): not a token, so 401.
  const error = await refused.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isCancelError(error)).toBe(false);
  expect(error).toMatchObject({ name: 'UnauthorizedException', message: 'Unauthorized', $metadata: { httpStatusCode: 401 } });
});
