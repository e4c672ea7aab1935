import * as sdk from '@aws-sdk/client-cognito-identity-provider';
import {
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  ListUserPoolClientSecretsCommand,
  RespondToAuthChallengeCommand,
  SetUserSettingsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CHALLENGE_NAMES, COGNITO_IDP_OPERATIONS } from './operations';
import { startTestCloud, type TestCloud } from './testing';

/** What the local user pool does not emulate answers UnsupportedOperationException (501) naming it; unknown names stay unknown. */
let t: TestCloud;
beforeAll(async () => {
  t = await startTestCloud();
});
afterAll(() => t.stop());

test('the list of Cognito operations is the installed SDK’s commands, and its challenge names the SDK’s', () => {
  const commands = Object.keys(sdk)
    .filter((name) => /^[A-Z]\w*Command$/.test(name))
    .map((name) => name.slice(0, -'Command'.length));
  expect([...COGNITO_IDP_OPERATIONS].sort()).toEqual(commands.sort());
  expect([...CHALLENGE_NAMES].sort()).toEqual(Object.values(sdk.ChallengeNameType).sort());
});

test('a Cognito operation the local cloud lacks is UnsupportedOperationException with 501, naming it', async () => {
  const cases: [object, string][] = [
    [new DescribeUserPoolCommand({ UserPoolId: t.poolId }), 'DescribeUserPool'],
    [new ListUserPoolClientSecretsCommand({ UserPoolId: t.poolId, ClientId: t.clientId }), 'ListUserPoolClientSecrets'],
    [new SetUserSettingsCommand({ AccessToken: 'x', MFAOptions: [] }), 'SetUserSettings'],
  ];
  for (const [command, operation] of cases) {
    const error = await t.sdk.send(command as DescribeUserPoolCommand).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({
      name: 'UnsupportedOperationException',
      message: `The local cloud does not implement AWSCognitoIdentityProviderService.${operation}.`,
      $metadata: { httpStatusCode: 501 },
    });
  }
});

test('a name Cognito never had stays UnknownOperationException (400)', async () => {
  const response = await fetch(t.cloud.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.NoSuchOperation' },
    body: '{}',
  });
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
});

test('an unsupported flow or challenge is UnsupportedOperationException (501) naming it; a name Cognito lacks is a validation error', async () => {
  const flow = await t.sdk
    .send(new InitiateAuthCommand({ ClientId: t.clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: 'a@example.com' } }))
    .catch((e: unknown) => e);
  expect(flow).toMatchObject({ name: 'UnsupportedOperationException', message: 'The local cloud does not implement the CUSTOM_AUTH flow of InitiateAuth.', $metadata: { httpStatusCode: 501 } });

  const challenge = await t.sdk
    .send(new RespondToAuthChallengeCommand({ ClientId: t.clientId, ChallengeName: 'CUSTOM_CHALLENGE', ChallengeResponses: { USERNAME: 'a@example.com', ANSWER: 'x' } }))
    .catch((e: unknown) => e);
  expect(challenge).toMatchObject({
    name: 'UnsupportedOperationException',
    message: 'The local cloud does not implement the CUSTOM_CHALLENGE challenge of RespondToAuthChallenge.',
    $metadata: { httpStatusCode: 501 },
  });

  const bogus = await t.sdk
    .send(new RespondToAuthChallengeCommand({ ClientId: t.clientId, ChallengeName: 'NO_SUCH' as 'SMS_MFA', ChallengeResponses: {} }))
    .catch((e: unknown) => e);
  expect(bogus).toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining("Value 'NO_SUCH' at 'challengeName'"), $metadata: { httpStatusCode: 400 } });
});
