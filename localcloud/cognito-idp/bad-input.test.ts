import { randomBytes } from 'node:crypto';
import { ConfirmSignUpCommand, InitiateAuthCommand, RespondToAuthChallengeCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { g, modPow } from '../services/srp';
import { PASSWORD, passwordVerifierAnswer, startTestCloud, type TestCloud } from './testing';

/** Malformed, mistyped, missing, oversize and forged input: an AWS-shaped 4xx each time, and nothing changes. */
let t: TestCloud;
const email = 'victim@example.com';
beforeAll(async () => {
  t = await startTestCloud();
  await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
  await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: t.lastCode(email) }));
});
afterAll(() => t.stop());

async function call(operation: string, body: string | object, headers: Record<string, string> = {}) {
  const response = await fetch(t.cloud.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Everything the user pool keeps, to prove a refused request changed nothing. */
const snapshot = () =>
  t.cloud.context.store.db.prepare('SELECT (SELECT json_group_array(data) FROM cognito_users) AS users, (SELECT count(*) FROM outbox) AS sent').get();

test('each bad request gets the right 4xx and leaves the state as it was', async () => {
  const before = snapshot();
  const cases: [string, string | object, number, string, RegExp | string][] = [
    ['SignUp', '{"ClientId": ', 400, 'SerializationException', 'The request body is not valid JSON.'],
    ['SignUp', '[1,2]', 400, 'SerializationException', 'The request body must be a JSON object.'],
    ['SignUp', { ClientId: 42, Username: 'a@b.c', Password: PASSWORD }, 400, 'SerializationException', /ClientId/],
    ['SignUp', { ClientId: t.clientId, Username: 'x@example.com', Password: PASSWORD, UserAttributes: 'email' }, 400, 'SerializationException', /UserAttributes/],
    ['SignUp', { ClientId: t.clientId, Password: PASSWORD }, 400, 'InvalidParameterException', "1 validation error detected: Value null at 'username' failed to satisfy constraint: Member must not be null"],
    ['InitiateAuth', { ClientId: t.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: email } }, 400, 'InvalidParameterException', 'Missing required parameter SRP_A'],
    ['InitiateAuth', { ClientId: t.clientId, AuthFlow: 'NO_SUCH_FLOW', AuthParameters: {} }, 400, 'InvalidParameterException', /authFlow/],
    ['InitiateAuth', { ClientId: t.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: email, SRP_A: '0' } }, 400, 'InvalidParameterException', 'Invalid SRP_A value.'],
    ['InitiateAuth', { ClientId: 'unknownclient', AuthFlow: 'USER_SRP_AUTH', AuthParameters: {} }, 400, 'ResourceNotFoundException', 'User pool client unknownclient does not exist.'],
    ['ConfirmSignUp', { ClientId: t.clientId, Username: email, ConfirmationCode: '123456' }, 400, 'NotAuthorizedException', 'User cannot be confirmed. Current status is CONFIRMED'],
    ['GetUser', { AccessToken: 'garbage' }, 400, 'NotAuthorizedException', 'Invalid Access Token'],
    ['GetUser', {}, 400, 'InvalidParameterException', /accessToken/],
    ['RespondToAuthChallenge', { ClientId: t.clientId, ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'forged', ChallengeResponses: { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: '123456' } }, 400, 'NotAuthorizedException', 'Invalid session for the user, session is expired.'],
    ['NoSuchOperation', {}, 400, 'UnknownOperationException', /NoSuchOperation/],
    ['SignUp', { ClientId: t.clientId, Username: 'big@example.com', Password: PASSWORD, ClientMetadata: { pad: 'x'.repeat(2 * 1024 * 1024) } }, 413, 'RequestEntityTooLargeException', /exceeds/],
  ];
  for (const [operation, body, status, type, message] of cases) {
    const answer = await call(operation, body);
    expect({ operation, status: answer.status, type: answer.body.__type }).toEqual({ operation, status, type });
    expect(answer.body.message).toMatch(message);
  }
  expect(snapshot()).toEqual(before);
});

test('a wrong SRP signature, or a forged SECRET_BLOCK, is refused', async () => {
  const A = modPow(g, BigInt(`0x${randomBytes(32).toString('hex')}`)).toString(16);
  const start = await t.sdk.send(new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: email, SRP_A: A } }));
  expect(start.ChallengeName).toBe('PASSWORD_VERIFIER');
  const { SECRET_BLOCK, USERNAME } = start.ChallengeParameters!;
  const timestamp = new Date().toUTCString(); // wrong format on purpose for the second try
  const respond = (block: string, signature: string, TIMESTAMP: string) =>
    t.sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: t.clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeResponses: { USERNAME, PASSWORD_CLAIM_SECRET_BLOCK: block, PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP },
      }),
    );
  const now = (await import('../services/srp')).srpTimestamp(new Date());
  const bogus = randomBytes(32).toString('base64');
  await expect(respond(SECRET_BLOCK, bogus, now)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  await expect(respond(SECRET_BLOCK, bogus, timestamp)).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  await expect(respond(`A${SECRET_BLOCK.slice(1)}`, bogus, now)).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
});

test('a password claim that succeeded cannot be replayed', async () => {
  const answer = await passwordVerifierAnswer(t, email, PASSWORD);
  const first = await t.sdk.send(new RespondToAuthChallengeCommand(answer));
  expect(first.AuthenticationResult?.AccessToken).toBeTruthy();
  await expect(t.sdk.send(new RespondToAuthChallengeCommand(answer))).rejects.toMatchObject({
    name: 'NotAuthorizedException',
    message: 'Incorrect username or password.',
  });
});
