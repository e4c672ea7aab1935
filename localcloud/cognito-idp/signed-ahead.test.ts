import {
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ManualClock } from '../services/clock';
import { PASSWORD, passwordVerifierAnswer, startTestCloud, type TestCloud } from './testing';
import { PREPARED_MAX_AGE_MS } from './tokens';

/**
 * An SRP sign-in's tokens are signed while the client computes its proof
 * (tokens.prepare), and used only if the proof holds, they are fresh, and
 * the user's claims did not change meanwhile.
 */
let t: TestCloud;
const clock = new ManualClock();
beforeAll(async () => {
  t = await startTestCloud({ clock });
});
afterAll(() => t.stop());

let counter = 0;
async function createUser(): Promise<{ email: string; username: string }> {
  const email = `ahead${++counter}@example.com`;
  await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
  await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: t.lastCode(email) }));
  const pool = t.cloud.cognitoIdp.pools.byId(t.poolId)!;
  return { email, username: t.cloud.cognitoIdp.users.bySignInName(pool, email)!.username };
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** InitiateAuth now, `meanwhile` while the client "computes", then the claim. */
async function srpSignIn(email: string, meanwhile: () => unknown = () => undefined) {
  const startedAt = clock.now();
  const answer = await passwordVerifierAnswer(t, email, PASSWORD);
  await meanwhile();
  const { AuthenticationResult } = await t.sdk.send(new RespondToAuthChallengeCommand(answer));
  return { startedAt, result: AuthenticationResult! };
}

test('tokens signed ahead carry the time the sign-in started, and work like any others', async () => {
  const { email } = await createUser();
  const { startedAt, result } = await srpSignIn(email, () => clock.advance(2_000));
  const id = decodeJwt(result.IdToken!);
  const access = decodeJwt(result.AccessToken!);
  expect(id.iat).toBe(seconds(startedAt));
  expect(id.auth_time).toBe(seconds(startedAt));
  expect(access.iat).toBe(seconds(startedAt));
  expect(access.origin_jti).toBe(id.origin_jti);
  await t.cloud.cognitoIdp.verifyToken(result.AccessToken!, 'access');
  // The refresh token belongs to the same family.
  const refreshed = await t.sdk.send(
    new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: result.RefreshToken! } }),
  );
  expect(decodeJwt(refreshed.AuthenticationResult!.AccessToken!).origin_jti).toBe(id.origin_jti);
});

test('tokens signed too long before the claim are signed again when it arrives', async () => {
  const { email } = await createUser();
  const { startedAt, result } = await srpSignIn(email, () => clock.advance(PREPARED_MAX_AGE_MS + 1_000));
  const id = decodeJwt(result.IdToken!);
  expect(id.iat).toBe(seconds(startedAt) + (PREPARED_MAX_AGE_MS + 1_000) / 1000);
  expect(id.auth_time).toBe(id.iat);
});

test('groups or attributes changed during the sign-in: the tokens say what holds when it completes', async () => {
  const { email, username } = await createUser();
  const grouped = await srpSignIn(email, () => t.cloud.cognitoIdp.users.addToGroup(t.poolId, 'EDITORS', username));
  expect(decodeJwt(grouped.result.IdToken!)['cognito:groups']).toEqual(['EDITORS']);
  expect(decodeJwt(grouped.result.AccessToken!)['cognito:groups']).toEqual(['EDITORS']);

  const updated = await srpSignIn(email, () =>
    t.sdk.send(new UpdateUserAttributesCommand({ AccessToken: grouped.result.AccessToken!, UserAttributes: [{ Name: 'custom:is_beta_user', Value: 'true' }] })),
  );
  expect(decodeJwt(updated.result.IdToken!)['custom:is_beta_user']).toBe('true');
});

test('a wrong proof gets no tokens, though they were signed; the next right one does', async () => {
  const { email } = await createUser();
  const answer = await passwordVerifierAnswer(t, email, 'Wrong-password-1');
  await expect(t.sdk.send(new RespondToAuthChallengeCommand(answer))).rejects.toMatchObject({
    name: 'NotAuthorizedException',
    message: 'Incorrect username or password.',
  });
  const { result } = await srpSignIn(email);
  expect(decodeJwt(result.IdToken!).email).toBe(email);
});
