import {
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ManualClock } from '../services/clock';
import { MAX_LOCK_SECONDS } from './lockout';
import { PASSWORD, passwordVerifierAnswer, startTestCloud, type TestCloud } from './testing';

/** Cognito's lockout: counted for every wrong answer however sign-ins were opened, at most 15 minutes, forgotten after 15 quiet minutes, alike for unknown users. */
let t: TestCloud;
const clock = new ManualClock();
const WRONG = 'Wrong-password-1';
let n = 0;
beforeAll(async () => {
  t = await startTestCloud({ clock });
});
afterAll(() => t.stop());

async function newUser(confirm = true): Promise<string> {
  const email = `lock${++n}@example.com`;
  await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
  if (confirm) await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: t.lastCode(email) }));
  return email;
}

/** The error message of a USER_PASSWORD_AUTH sign-in, or 'signed in'. */
const passwordAuth = (email: string, password: string) =>
  t.sdk
    .send(new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }))
    .then(
      () => 'signed in',
      (e: Error) => e.message,
    );

const INCORRECT = 'Incorrect username or password.';
const EXCEEDED = 'Password attempts exceeded';

test('the failure count is forgotten after 15 minutes without a failed attempt', async () => {
  const email = await newUser();
  for (let i = 0; i < 5; i++) expect(await passwordAuth(email, WRONG)).toBe(INCORRECT);
  expect(await passwordAuth(email, PASSWORD)).toBe(EXCEEDED);
  clock.advance(15 * 60 * 1000);
  // A fresh count: four more failures are free (without the reset the first would lock for 2 s, refusing the next).
  for (let i = 0; i < 4; i++) expect(await passwordAuth(email, WRONG)).toBe(INCORRECT);
  expect(await passwordAuth(email, PASSWORD)).toBe('signed in');
});

test('less than 15 minutes apart, failures keep counting and the lockout doubles', async () => {
  const email = await newUser();
  for (let i = 0; i < 5; i++) expect(await passwordAuth(email, WRONG)).toBe(INCORRECT);
  clock.advance(1000); // the 1 s lockout is over
  expect(await passwordAuth(email, WRONG)).toBe(INCORRECT); // 6th failure: 2 s
  clock.advance(1000);
  expect(await passwordAuth(email, PASSWORD)).toBe(EXCEEDED);
  clock.advance(1000);
  expect(await passwordAuth(email, PASSWORD)).toBe('signed in');
});

/** Fails with the wrong password through the doubling locks until the `failures`th failure; returns with that lock just begun. */
async function failThroughLocks(email: string, failures: number): Promise<void> {
  for (let i = 0; i < 5; i++) expect(await passwordAuth(email, WRONG)).toBe(INCORRECT);
  for (let n = 6; n <= failures; n++) {
    clock.advance(Math.min(MAX_LOCK_SECONDS, 2 ** (n - 1 - 5)) * 1000); // the previous lock is over
    expect(await passwordAuth(email, WRONG)).toBe(INCORRECT);
  }
}

test('the lock doubles up to 15 minutes and no further (2^10 s would be 17)', async () => {
  const email = await newUser();
  await failThroughLocks(email, 15); // the 15th failure would lock for 2^10 s = 1024 s
  clock.advance((15 * 60 - 1) * 1000); // the figure the web app tells people (src/features/auth/auth-errors.ts)
  expect(await passwordAuth(email, PASSWORD)).toBe(EXCEEDED);
  clock.advance(1000);
  expect(await passwordAuth(email, PASSWORD)).toBe('signed in');
});

test('an attempt refused during a lockout starts the 15 quiet minutes again, without lengthening the lock', async () => {
  const email = await newUser();
  await failThroughLocks(email, 15); // locked for 900 s from now
  clock.advance(800 * 1000);
  expect(await passwordAuth(email, PASSWORD)).toBe(EXCEEDED); // refused, not counted
  clock.advance(100 * 1000); // the lock is over, exactly 15 minutes after the last failure but not after the last attempt
  expect(await passwordAuth(email, WRONG)).toBe(INCORRECT); // the 16th failure: still counted, so locked again
  expect(await passwordAuth(email, PASSWORD)).toBe(EXCEEDED);
  clock.advance(15 * 60 * 1000); // 15 minutes without any attempt: the count starts afresh
  for (let i = 0; i < 4; i++) expect(await passwordAuth(email, WRONG)).toBe(INCORRECT);
  expect(await passwordAuth(email, PASSWORD)).toBe('signed in');
});

test('SRP challenges opened together and answered together: every wrong claim counts, and then the right one is refused', async () => {
  const email = await newUser();
  // Open every challenge first (none has failed yet), then answer them all at once.
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => passwordVerifierAnswer(t, email, i === 11 ? PASSWORD : WRONG, clock.now())));
  const right = answers.pop()!;
  const results = await Promise.all(
    answers.map((answer) =>
      t.sdk.send(new RespondToAuthChallengeCommand(answer)).then(
        () => 'signed in',
        (e: Error) => e.message,
      ),
    ),
  );
  expect(results.filter((m) => m === INCORRECT)).toHaveLength(5);
  expect(results.filter((m) => m === EXCEEDED)).toHaveLength(6);
  await expect(t.sdk.send(new RespondToAuthChallengeCommand(right))).rejects.toMatchObject({ name: 'NotAuthorizedException', message: EXCEEDED });
  const pool = t.cloud.cognitoIdp.pools.byId(t.poolId)!;
  expect(t.cloud.cognitoIdp.users.bySignInName(pool, email)?.failedSignIns).toBe(5);
});

test('unknown, unconfirmed and disabled users fail and lock out exactly as an existing user does', async () => {
  const existing = await newUser();
  const unconfirmed = await newUser(false);
  const disabled = await newUser();
  // As AdminDisableUser leaves it (the admin API needs SigV4 credentials; the store is set directly).
  const pool = t.cloud.cognitoIdp.pools.byId(t.poolId)!;
  t.cloud.cognitoIdp.users.update(pool, { ...t.cloud.cognitoIdp.users.bySignInName(pool, disabled)!, enabled: false });
  const sequences: Record<string, string[]> = {};
  for (const [label, email] of Object.entries({ existing, unconfirmed, disabled, unknown: 'nobody-here@example.com' })) {
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push(await passwordAuth(email, WRONG));
    // And over SRP: the decoy challenge of an unknown user is refused as the real ones are.
    const srp = await passwordVerifierAnswer(t, email, WRONG, clock.now()).then(
      (answer) => t.sdk.send(new RespondToAuthChallengeCommand(answer)).then(() => 'signed in', (e: Error) => e.message),
      (e: Error) => e.message,
    );
    seen.push(srp);
    sequences[label] = seen;
  }
  const expected = [INCORRECT, INCORRECT, INCORRECT, INCORRECT, INCORRECT, EXCEEDED, EXCEEDED];
  expect(sequences).toEqual({ existing: expected, unconfirmed: expected, disabled: expected, unknown: expected });
  clock.advance(1000);
  // With the right password, the disabled user learns it (as on AWS).
  expect(await passwordAuth(disabled, PASSWORD)).toBe('User is disabled.');
});

test('decoy SRP ids look like real subs: v4 UUIDs of every variant, stable per name', async () => {
  const ids = new Set<string>();
  const variants = new Set<string>();
  for (let i = 0; i < 24; i++) {
    const start = (name: string) =>
      t.sdk.send(new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: name, SRP_A: 'ab'.repeat(200) } }));
    const first = (await start(`ghost${i}@example.com`)).ChallengeParameters!;
    const again = (await start(`ghost${i}@example.com`)).ChallengeParameters!;
    expect(again.USER_ID_FOR_SRP).toBe(first.USER_ID_FOR_SRP);
    expect(again.SALT).toBe(first.SALT);
    expect(first.USER_ID_FOR_SRP).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    ids.add(first.USER_ID_FOR_SRP);
    variants.add(first.USER_ID_FOR_SRP.charAt(19));
  }
  expect(ids.size).toBe(24);
  expect(variants.size).toBeGreaterThan(1);
});
