import {
  AdminGetUserCommand,
  ConfirmSignUpCommand,
  DeleteUserAttributesCommand,
  GetUserCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIRTHDATE, PASSWORD, startRealCloud, type CloudUser, type RealCloud, type Session } from '../../localcloud/testing/real-cloud';
import { BIRTHDATE_METADATA_KEY, INVALID_BIRTHDATE_MESSAGE, TOO_YOUNG_MESSAGE } from './pre-sign-up/birthdate';

/**
 * The birthdate rule (a real date, 13 or older) cannot be bypassed by calling
 * Cognito directly: the deployed app client's WriteAttributes leave birthdate
 * out (amplify/overrides.ts), so the real SDK's UpdateUserAttributes,
 * DeleteUserAttributes and SignUp carrying it are refused as Cognito refuses
 * them; sign-up sends it as ClientMetadata, checked by the pre sign-up trigger
 * and stored by the post-confirmation trigger. (The REST API's PUT /me/birthdate,
 * the way to change it afterwards: amplify/functions/admin-api/*.test.ts.)
 */
let cloud: RealCloud;
let person: CloudUser & Session;
const UNAUTHORIZED = { name: 'NotAuthorizedException', message: 'A client attempted to write unauthorized attribute' };
const tenYearsAgo = () => `${new Date().getUTCFullYear() - 10}-06-15`;

beforeAll(async () => {
  cloud = await startRealCloud();
  person = await cloud.signedInUser('birthdate');
}, 120_000);
afterAll(() => cloud?.close());

const idp = () => cloud.idp;
const birthdateOf = async (username: string) =>
  (await cloud.operatorIdp().send(new AdminGetUserCommand({ UserPoolId: cloud.userPoolId, Username: username }))).UserAttributes?.find((a) => a.Name === 'birthdate')
    ?.Value;

function signUp(email: string, extra: { birthdateAttribute?: string; metadata?: string } = {}) {
  return idp().send(
    new SignUpCommand({
      ClientId: cloud.clientId,
      Username: email,
      Password: PASSWORD,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'phone_number', Value: `+1555${String(randomInt(1e7)).padStart(7, '0')}` },
        ...(extra.birthdateAttribute ? [{ Name: 'birthdate', Value: extra.birthdateAttribute }] : []),
      ],
      ...(extra.metadata ? { ClientMetadata: { [BIRTHDATE_METADATA_KEY]: extra.metadata } } : {}),
    }),
  );
}

const newEmail = (name: string) => `${name}-${randomInt(1e9)}@example.com`;
const codeFor = (email: string) => cloud.cloud.outbox.list().filter((m) => m.to === email).at(-1)!.code;

describe('a signed-in person calling Cognito directly (the real SDK, their own access token)', () => {
  it('cannot set an under-13 or impossible birthdate, nor any birthdate, nor delete it', async () => {
    for (const Value of [tenYearsAgo(), 'not a date', '1990-02-30', '1985-07-14']) {
      await expect(
        idp().send(new UpdateUserAttributesCommand({ AccessToken: person.accessToken, UserAttributes: [{ Name: 'birthdate', Value }] })),
      ).rejects.toMatchObject(UNAUTHORIZED);
    }
    // Together with an attribute they may write: the whole call is refused, nothing changes.
    await expect(
      idp().send(
        new UpdateUserAttributesCommand({
          AccessToken: person.accessToken,
          UserAttributes: [
            { Name: 'preferred_username', Value: 'sneaky' },
            { Name: 'birthdate', Value: tenYearsAgo() },
          ],
        }),
      ),
    ).rejects.toMatchObject(UNAUTHORIZED);
    await expect(idp().send(new DeleteUserAttributesCommand({ AccessToken: person.accessToken, UserAttributeNames: ['birthdate'] }))).rejects.toMatchObject(
      UNAUTHORIZED,
    );
    const attributes = (await idp().send(new GetUserCommand({ AccessToken: person.accessToken }))).UserAttributes!;
    expect(attributes.find((a) => a.Name === 'birthdate')?.Value).toBe(BIRTHDATE);
    expect(attributes.find((a) => a.Name === 'preferred_username')).toBeUndefined();
  });

  it('still writes the attributes the profile page writes', async () => {
    await idp().send(
      new UpdateUserAttributesCommand({
        AccessToken: person.accessToken,
        UserAttributes: [
          { Name: 'preferred_username', Value: 'birdie' },
          { Name: 'custom:is_beta_user', Value: 'true' },
        ],
      }),
    );
    await idp().send(new DeleteUserAttributesCommand({ AccessToken: person.accessToken, UserAttributeNames: ['preferred_username'] }));
    expect(await birthdateOf(person.sub)).toBe(BIRTHDATE);
  });
});

describe('sign-up', () => {
  it('refuses the birthdate as an attribute, as Cognito refuses any attribute the client may not write', async () => {
    await expect(signUp(newEmail('attr'), { birthdateAttribute: '1990-01-01' })).rejects.toMatchObject(UNAUTHORIZED);
  });

  it('checks the birthdate it carries with the sign-up rule (the pre sign-up trigger)', async () => {
    await expect(signUp(newEmail('kid'), { metadata: tenYearsAgo() })).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: `PreSignUp failed with error ${TOO_YOUNG_MESSAGE}.`,
    });
    await expect(signUp(newEmail('typo'), { metadata: '1990-13-01' })).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: `PreSignUp failed with error ${INVALID_BIRTHDATE_MESSAGE}.`,
    });
  });

  it('stores a valid birthdate when the sign-up is confirmed (the post-confirmation trigger), and never an invalid one sent then', async () => {
    const email = newEmail('adult');
    const { UserSub } = await signUp(email, { metadata: '1988-08-08' });
    await idp().send(new ConfirmSignUpCommand({ ClientId: cloud.clientId, Username: email, ConfirmationCode: codeFor(email), ClientMetadata: { [BIRTHDATE_METADATA_KEY]: '1988-08-08' } }));
    expect(await birthdateOf(UserSub!)).toBe('1988-08-08');

    // A hand-made confirmation swapping in an under-13 birthdate: confirmed, without it.
    const sly = newEmail('sly');
    const created = await signUp(sly, { metadata: '1988-08-08' });
    await idp().send(new ConfirmSignUpCommand({ ClientId: cloud.clientId, Username: sly, ConfirmationCode: codeFor(sly), ClientMetadata: { [BIRTHDATE_METADATA_KEY]: tenYearsAgo() } }));
    expect(await birthdateOf(created.UserSub!)).toBeUndefined();
    const statusOf = (await cloud.operatorIdp().send(new AdminGetUserCommand({ UserPoolId: cloud.userPoolId, Username: created.UserSub! }))).UserStatus;
    expect(statusOf).toBe('CONFIRMED');
  });
});
