import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedInCloud, startSignedInCloud } from '../s3/testing/signed-in-cloud';

/**
 * Identity pools as clients outside the browser use them, on the real server:
 * the AWS CLI and boto3 send the Logins key AWS documents,
 * `cognito-idp.<region>.amazonaws.com/<userPoolId>`, with a real sign-in's id token.
 */
const run = promisify(execFile);
let t: SignedInCloud;
let userPoolId: string;
let identityPoolId: string;

const env = () => ({
  PATH: process.env.PATH,
  HOME: '/nonexistent',
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_ACCESS_KEY_ID: 'unused',
  AWS_SECRET_ACCESS_KEY: 'unused',
  AWS_DEFAULT_REGION: t.region,
  AWS_PAGER: '',
});
const aws = async (...args: string[]) => JSON.parse((await run('/usr/bin/aws', [...args, '--endpoint-url', t.cloud.url, '--output', 'json'], { env: env() })).stdout);

beforeAll(async () => {
  t = await startSignedInCloud();
  userPoolId = t.assembly.ofType('AWS::Cognito::UserPool')[0].ref;
  identityPoolId = t.assembly.ofType('AWS::Cognito::IdentityPool')[0].ref;
}, 120_000);
afterAll(() => t?.close());

describe("the user pool's tokens carry Cognito's issuer", () => {
  it('iss is https://cognito-idp.<region>.amazonaws.com/<poolId>', async () => {
    const idToken = await t.idToken('issuer');
    expect(decodeJwt(idToken).iss).toBe(`https://cognito-idp.${t.region}.amazonaws.com/${userPoolId}`);
  });

  it('the AWS CLI gets an identity and credentials with the documented Logins key', async () => {
    const idToken = await t.idToken('cli');
    const login = `cognito-idp.${t.region}.amazonaws.com/${userPoolId}=${idToken}`;
    const { IdentityId } = await aws('cognito-identity', 'get-id', '--identity-pool-id', identityPoolId, '--logins', login);
    expect(IdentityId).toMatch(new RegExp(`^${t.region}:`));
    const out = await aws('cognito-identity', 'get-credentials-for-identity', '--identity-id', IdentityId, '--logins', login);
    expect(out).toMatchObject({ IdentityId, Credentials: { AccessKeyId: expect.stringMatching(/^ASIA/), SessionToken: expect.any(String) } });
    // The same login again: the same identity.
    expect((await aws('cognito-identity', 'get-id', '--identity-pool-id', identityPoolId, '--logins', login)).IdentityId).toBe(IdentityId);
  });

  it('boto3 does the same, and its credentials then read the user’s own folder', async () => {
    const idToken = await t.idToken('boto3');
    const script = [
      'import boto3, json, sys',
      'url, pool, region, user_pool, token, bucket = sys.argv[1:]',
      "ci = boto3.client('cognito-identity', endpoint_url=url, region_name=region)",
      "logins = {'cognito-idp.%s.amazonaws.com/%s' % (region, user_pool): token}",
      "identity = ci.get_id(IdentityPoolId=pool, Logins=logins)['IdentityId']",
      "c = ci.get_credentials_for_identity(IdentityId=identity, Logins=logins)['Credentials']",
      "s3 = boto3.client('s3', endpoint_url=url, region_name=region, aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretKey'], aws_session_token=c['SessionToken'], config=boto3.session.Config(s3={'addressing_style': 'path'}))",
      "s3.put_object(Bucket=bucket, Key='private/%s/boto3.txt' % identity, Body=b'hi')",
      "print(json.dumps({'identity': identity, 'body': s3.get_object(Bucket=bucket, Key='private/%s/boto3.txt' % identity)['Body'].read().decode()}))",
    ].join('\n');
    const { stdout } = await run('/usr/bin/python3', ['-c', script, t.cloud.url, identityPoolId, t.region, userPoolId, idToken, t.bucket], { env: env() });
    expect(JSON.parse(stdout)).toEqual({ identity: expect.stringMatching(new RegExp(`^${t.region}:`)), body: 'hi' });
  });

  it("a Logins key naming the local server is refused: the issuer doesn't match it", async () => {
    const idToken = await t.idToken('local-key');
    const login = `${t.cloud.url.replace('http://', '')}/${userPoolId}=${idToken}`;
    const failure = await run('/usr/bin/aws', ['cognito-identity', 'get-id', '--identity-pool-id', identityPoolId, '--logins', login, '--endpoint-url', t.cloud.url], { env: env() }).catch(
      (e: { stderr: string }) => e,
    );
    expect((failure as { stderr: string }).stderr).toContain('NotAuthorizedException');
  });
});

describe('concurrent calls for a new login', () => {
  const client = () => new CognitoIdentityClient({ region: t.region, endpoint: t.cloud.url, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  const loginsOf = (idToken: string) => ({ [`cognito-idp.${t.region}.amazonaws.com/${userPoolId}`]: idToken });

  it('two GetCredentialsForIdentity of a guest identity with a new login both succeed, with the same identity', async () => {
    const { IdentityId: guest } = await client().send(new GetIdCommand({ IdentityPoolId: identityPoolId }));
    const Logins = loginsOf(await t.idToken('pair'));
    const answers = await Promise.all([0, 1, 2].map(() => client().send(new GetCredentialsForIdentityCommand({ IdentityId: guest, Logins }))));
    expect(answers.map((a) => a.IdentityId)).toEqual([guest, guest, guest]);
    expect(answers.every((a) => a.Credentials?.AccessKeyId?.startsWith('ASIA'))).toBe(true);
    // The login now belongs to that identity.
    expect((await client().send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins }))).IdentityId).toBe(guest);
  });

  it('two GetId with a new login give the same identity, and its credentials', async () => {
    const Logins = loginsOf(await t.idToken('getid-pair'));
    const ids = await Promise.all([0, 1, 2].map(() => client().send(new GetIdCommand({ IdentityPoolId: identityPoolId, Logins }))));
    expect(new Set(ids.map((i) => i.IdentityId)).size).toBe(1);
    const answers = await Promise.all(ids.map(({ IdentityId }) => client().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }))));
    expect(answers.map((a) => a.IdentityId)).toEqual(ids.map((i) => i.IdentityId));
  });

  it('two guests signing in with the same new login at once end with one identity', async () => {
    const guests = await Promise.all([0, 1].map(async () => (await client().send(new GetIdCommand({ IdentityPoolId: identityPoolId }))).IdentityId!));
    const Logins = loginsOf(await t.idToken('two-guests'));
    const answers = await Promise.all(guests.map((IdentityId) => client().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }))));
    expect(answers[0].IdentityId).toBe(answers[1].IdentityId);
    // Each guest id, asked again with the login, answers as the identity it was merged into.
    const again = await Promise.all(guests.map((IdentityId) => client().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }))));
    expect(again.map((a) => a.IdentityId)).toEqual([answers[0].IdentityId, answers[0].IdentityId]);
  });
});

describe('basic (classic) flow on the synthesized pool', () => {
  it('GetOpenIdToken is refused as Cognito refuses it: the pool leaves AllowClassicFlow out (false)', async () => {
    const { IdentityId } = await aws('cognito-identity', 'get-id', '--identity-pool-id', identityPoolId);
    const failure = await run('/usr/bin/aws', ['cognito-identity', 'get-open-id-token', '--identity-id', IdentityId, '--endpoint-url', t.cloud.url], { env: env() }).catch(
      (e: { stderr: string }) => e,
    );
    expect((failure as { stderr: string }).stderr).toContain(
      'An error occurred (InvalidParameterException) when calling the GetOpenIdToken operation: Basic (classic) flow is not enabled, please use enhanced flow.',
    );
  });
});
