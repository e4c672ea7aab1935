import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { ConfirmSignUpCommand, SignUpCommand, StartWebAuthnRegistrationCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PASSWORD, startTestCloud, type TestCloud } from './testing';

/** amazon-cognito-identity-js: a second, independent SRP client. */
let t: TestCloud;
let pool: CognitoUserPool;
const email = 'js.user@example.com';

beforeAll(async () => {
  t = await startTestCloud();
  pool = new CognitoUserPool({ UserPoolId: t.poolId, ClientId: t.clientId, endpoint: t.cloud.url });
  await t.sdk.send(new SignUpCommand({ ClientId: t.clientId, Username: email, Password: PASSWORD }));
  await t.sdk.send(new ConfirmSignUpCommand({ ClientId: t.clientId, Username: email, ConfirmationCode: t.lastCode(email) }));
});
afterAll(() => t.stop());

function authenticate(username: string, password: string): Promise<CognitoUserSession> {
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: resolve,
      onFailure: reject,
      totpRequired: () => reject(new Error('unexpected TOTP challenge')),
    }),
  );
}

test('SRP sign-in with the right password gives tokens the JWKS endpoint verifies', async () => {
  const session = await authenticate(email, PASSWORD);
  const jwks = createRemoteJWKSet(new URL(`${t.cloud.url}/${t.poolId}/.well-known/jwks.json`));
  const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${t.poolId}`; // Cognito's own
  const { payload: id } = await jwtVerify(session.getIdToken().getJwtToken(), jwks, { issuer, audience: t.clientId });
  expect(id).toMatchObject({ token_use: 'id', email, email_verified: true, aud: t.clientId });
  const { payload: access } = await jwtVerify(session.getAccessToken().getJwtToken(), jwks, { issuer });
  expect(access).toMatchObject({ token_use: 'access', client_id: t.clientId, scope: 'aws.cognito.signin.user.admin', sub: id.sub, username: id['cognito:username'] });
  expect(access.exp! - access.iat!).toBe(3600);
  // The discovery document is served under the issuer's path, locally; it lists only what is served.
  const discovery = await (await fetch(`${t.cloud.url}/${t.poolId}/.well-known/openid-configuration`)).json();
  expect(discovery).toEqual({
    issuer,
    jwks_uri: `${t.cloud.url}/${t.poolId}/.well-known/jwks.json`,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  });
});

test("aws-jwt-verify's CognitoJwtVerifier accepts the tokens, given the local JWKS", async () => {
  const session = await authenticate(email, PASSWORD);
  const localJwks = await (await fetch(`${t.cloud.url}/${t.poolId}/.well-known/jwks.json`)).json();
  const idVerifier = CognitoJwtVerifier.create({ userPoolId: t.poolId, tokenUse: 'id', clientId: t.clientId });
  idVerifier.cacheJwks(localJwks);
  await expect(idVerifier.verify(session.getIdToken().getJwtToken())).resolves.toMatchObject({ email, token_use: 'id' });
  const accessVerifier = CognitoJwtVerifier.create({ userPoolId: t.poolId, tokenUse: 'access', clientId: t.clientId });
  accessVerifier.cacheJwks(localJwks);
  await expect(accessVerifier.verify(session.getAccessToken().getJwtToken())).resolves.toMatchObject({ token_use: 'access' });
  // Another pool's verifier (another issuer) refuses them.
  const other = CognitoJwtVerifier.create({ userPoolId: 'us-east-1_Other0000', tokenUse: 'id', clientId: t.clientId });
  other.cacheJwks(localJwks);
  await expect(other.verify(session.getIdToken().getJwtToken())).rejects.toThrow(/issuer/i);
});

test('SRP sign-in with a wrong password, or an unknown user, is refused alike', async () => {
  await expect(authenticate(email, 'Wrong-password-1')).rejects.toMatchObject({ code: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  await expect(authenticate('nobody@example.com', PASSWORD)).rejects.toMatchObject({ code: 'NotAuthorizedException', message: 'Incorrect username or password.' });
});

test('an operation the local cloud does not implement says so', async () => {
  await expect(t.sdk.send(new StartWebAuthnRegistrationCommand({ AccessToken: 'x' }))).rejects.toMatchObject({
    name: 'UnsupportedOperationException',
    message: 'The local cloud does not implement AWSCognitoIdentityProviderService.StartWebAuthnRegistration.',
    $metadata: { httpStatusCode: 501 },
  });
});
