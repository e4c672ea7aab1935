import {
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ManualClock } from '../services/clock';
import { PASSWORD, startTestCloud, type TestCloud } from './testing';

/** Code requests: per-user limits (so codes cannot be brute-forced), and unknown users indistinguishable under PreventUserExistenceErrors. */
let t: TestCloud;
const clock = new ManualClock();
let n = 0;
beforeAll(async () => {
  t = await startTestCloud({ clock });
});
afterAll(() => t.stop());

async function newUser(confirm = true): Promise<string> {
  const email = `code${++n}@example.com`;
  await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
  if (confirm) await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: t.lastCode(email) }));
  return email;
}

const forgot = (username: string) =>
  t.sdk.send(new ForgotPasswordCommand({ ClientId: t.clientId, Username: username })).then(
    (r) => r.CodeDeliveryDetails,
    (e: Error) => `${e.name}: ${e.message}`,
  );

test('ForgotPassword answers an unknown, unconfirmed or disabled user as it answers an existing one', async () => {
  const existing = await newUser();
  const unconfirmed = await newUser(false); // no verified email to send a reset code to
  const disabled = await newUser();
  const pool = t.cloud.cognitoIdp.pools.byId(t.poolId)!;
  t.cloud.cognitoIdp.users.update(pool, { ...t.cloud.cognitoIdp.users.bySignInName(pool, disabled)!, enabled: false });
  const unknown = `code${++n}@example.com`;
  const sentBefore = t.messages().length;
  const masked = (email: string) => ({ DeliveryMedium: 'EMAIL', AttributeName: 'email', Destination: `${email[0]}***@e***` });
  expect({
    existing: await forgot(existing),
    unconfirmed: await forgot(unconfirmed),
    disabled: await forgot(disabled),
    unknown: await forgot(unknown),
  }).toEqual({ existing: masked(existing), unconfirmed: masked(unconfirmed), disabled: masked(disabled), unknown: masked(unknown) });
  // A name that is not an email still gets the pool's recovery channel (email), stable per name.
  const phone = await forgot('+15550001234');
  expect(phone).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email', Destination: expect.stringMatching(/^[a-z]\*\*\*@[a-z]\*\*\*$/) });
  expect(await forgot('+15550001234')).toEqual(phone);
  // Only the existing, enabled, verified user was sent anything.
  expect(t.messages().slice(sentBefore).map((m) => m.to)).toEqual([existing]);
});

test('ForgotPassword is limited per user, and an unknown name reaches the same limit', async () => {
  const existing = await newUser();
  const unknown = `code${++n}@example.com`;
  for (const name of [existing, unknown]) {
    for (let i = 0; i < 5; i++) expect(await forgot(name)).toMatchObject({ DeliveryMedium: 'EMAIL' });
    expect(await forgot(name)).toBe('LimitExceededException: Attempt limit exceeded, please try after some time.');
  }
  clock.advance(60 * 60 * 1000 + 1);
  expect(await forgot(existing)).toMatchObject({ DeliveryMedium: 'EMAIL' });
  expect(await forgot(unknown)).toMatchObject({ DeliveryMedium: 'EMAIL' });
});

test('ResendConfirmationCode and GetUserAttributeVerificationCode are limited per user too', async () => {
  const unconfirmed = await newUser(false);
  const resend = () => t.sdk.send(new ResendConfirmationCodeCommand({ ClientId: t.clientId, Username: unconfirmed }));
  for (let i = 0; i < 5; i++) await resend();
  await expect(resend()).rejects.toMatchObject({ name: 'LimitExceededException', message: 'Attempt limit exceeded, please try after some time.' });

  const email = await newUser();
  const { AuthenticationResult } = await t.sdk.send(
    new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }),
  );
  const verify = () => t.sdk.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: AuthenticationResult!.AccessToken, AttributeName: 'email' }));
  for (let i = 0; i < 5; i++) await verify();
  await expect(verify()).rejects.toMatchObject({ name: 'LimitExceededException' });
});

test('guessing codes for an unknown name answers as for a user: mismatches, then the attempt limit', async () => {
  const unconfirmed = await newUser(false);
  const existing = await newUser();
  const unknown = `code${++n}@example.com`;
  const guesses = async (send: () => Promise<unknown>) => {
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push(await send().then(() => 'ok', (e: Error) => e.name));
    return seen;
  };
  const confirmSignUp = (username: string) => () => t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: username, ConfirmationCode: '000000' }));
  const confirmForgot = (username: string) => () =>
    t.sdk.send(new ConfirmForgotPasswordCommand({ ClientId: t.clientId, Username: username, ConfirmationCode: '000000', Password: 'Another-pass-7' }));
  const limited = ['CodeMismatchException', 'CodeMismatchException', 'CodeMismatchException', 'CodeMismatchException', 'CodeMismatchException', 'LimitExceededException'];
  expect({ unconfirmed: await guesses(confirmSignUp(unconfirmed)), unknown: await guesses(confirmSignUp(unknown)) }).toEqual({ unconfirmed: limited, unknown: limited });
  // No reset requested yet: the same answer for both; after one, the same guess budget for both.
  expect(await guesses(confirmForgot(existing))).toEqual(await guesses(confirmForgot(unknown)));
  await forgot(existing);
  await forgot(unknown);
  expect({ existing: await guesses(confirmForgot(existing)), unknown: await guesses(confirmForgot(unknown)) }).toEqual({ existing: limited, unknown: limited });
});
