import { ConfirmSignUpCommand, InitiateAuthCommand, RespondToAuthChallengeCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TriggerError, type Triggers } from '../services/triggers';
import { PASSWORD, passwordVerifierAnswer, startTestCloud, type TestCloud } from './testing';

/** The user pool calls its LambdaConfig's triggers through the one injected Triggers interface. */
const calls: { trigger: string; source: string; arn: string }[] = [];
/** The ClientMetadata each PreTokenGeneration call was given. */
const tokenMetadata: unknown[] = [];
const triggers: Triggers = {
  async invoke(_poolId, trigger, arn, event) {
    const e = event as any;
    calls.push({ trigger, source: e.triggerSource, arn });
    if (trigger === 'PreSignUp') {
      if (String(e.request.userAttributes.email).endsWith('@blocked.example')) throw new TriggerError('Sign-ups from this domain are closed');
      if (e.request.clientMetadata?.auto === 'yes') e.response = { ...e.response, autoConfirmUser: true, autoVerifyEmail: true };
    }
    if (trigger === 'PreTokenGeneration') tokenMetadata.push(e.request.clientMetadata);
    if (trigger === 'PreTokenGeneration') e.response = { claimsOverrideDetails: { claimsToAddOrOverride: { plan: 'gold' }, claimsToSuppress: ['email'] } };
    return event;
  },
};
const arn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

let t: TestCloud;
beforeAll(async () => {
  t = await startTestCloud({
    triggers,
    pool: { LambdaConfig: { PreSignUp: arn('pre'), PostConfirmation: arn('post'), PreTokenGeneration: arn('token') } },
  });
});
afterAll(() => t.stop());

test('a failing PreSignUp becomes UserLambdaValidationException and creates nobody', async () => {
  await expect(t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: 'eve@blocked.example', Password: PASSWORD }))).rejects.toMatchObject({
    name: 'UserLambdaValidationException',
    message: 'PreSignUp failed with error Sign-ups from this domain are closed.',
  });
  expect(t.cloud.cognitoIdp.users.bySignInName(t.cloud.cognitoIdp.pools.byId(t.poolId)!, 'eve@blocked.example')).toBeUndefined();
});

test("a Lambda service error keeps Cognito's own exception and message", async () => {
  const failing: Triggers = {
    invoke: async () => {
      throw Object.assign(new Error('boom'), { code: 'UnexpectedLambdaException', cognitoMessage: 'PreSignUp failed with error boom.' });
    },
  };
  const saved = t.cloud.context.triggers;
  t.cloud.context.triggers = failing;
  try {
    await expect(t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: 'late@example.com', Password: PASSWORD }))).rejects.toMatchObject({
      name: 'UnexpectedLambdaException',
      message: 'PreSignUp failed with error boom.',
    });
  } finally {
    t.cloud.context.triggers = saved;
  }
});

test('PreSignUp can auto-confirm; PostConfirmation and PreTokenGeneration run with Cognito trigger sources', async () => {
  calls.length = 0;
  const email = 'auto@example.com';
  const up = await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD, ClientMetadata: { auto: 'yes' } }));
  expect(up).toMatchObject({ UserConfirmed: true });
  expect(up.CodeDeliveryDetails).toBeUndefined();
  const auth = await t.sdk.send(new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD } }));
  const id = decodeJwt(auth.AuthenticationResult!.IdToken!);
  expect(id.plan).toBe('gold');
  expect(id.email).toBeUndefined();
  expect(id.email_verified).toBe(true);
  expect(calls).toEqual([
    { trigger: 'PreSignUp', source: 'PreSignUp_SignUp', arn: arn('pre') },
    { trigger: 'PostConfirmation', source: 'PostConfirmation_ConfirmSignUp', arn: arn('post') },
    { trigger: 'PreTokenGeneration', source: 'TokenGeneration_Authentication', arn: arn('token') },
  ]);
});

test('ConfirmSignUp runs PostConfirmation', async () => {
  const email = 'confirm@example.com';
  await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
  calls.length = 0;
  await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: t.lastCode(email) }));
  expect(calls).toEqual([{ trigger: 'PostConfirmation', source: 'PostConfirmation_ConfirmSignUp', arn: arn('post') }]);
});

test('an SRP sign-in runs PreTokenGeneration once, after the proof, with the ClientMetadata of the request that completed it', async () => {
  const email = 'srp@example.com';
  await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD, ClientMetadata: { auto: 'yes' } }));
  calls.length = 0;
  tokenMetadata.length = 0;
  const wrong = await passwordVerifierAnswer(t, email, 'Wrong-password-1');
  await expect(t.sdk.send(new RespondToAuthChallengeCommand(wrong))).rejects.toMatchObject({ name: 'NotAuthorizedException' });
  expect(calls).toEqual([]);
  const answer = await passwordVerifierAnswer(t, email, PASSWORD);
  const { AuthenticationResult } = await t.sdk.send(new RespondToAuthChallengeCommand({ ...answer, ClientMetadata: { tier: 'gold' } }));
  expect(decodeJwt(AuthenticationResult!.IdToken!).plan).toBe('gold');
  expect(calls).toEqual([{ trigger: 'PreTokenGeneration', source: 'TokenGeneration_Authentication', arn: arn('token') }]);
  expect(tokenMetadata).toEqual([{ tier: 'gold' }]);
});
