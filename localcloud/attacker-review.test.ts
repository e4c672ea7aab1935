import { execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AmplifyClient, CreateAppCommand, ListAppsCommand } from '@aws-sdk/client-amplify';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { AdminUpdateUserAttributesCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CopyObjectCommand, DeleteObjectsCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP_ROLE_KINDS, bootstrapRoleName, loadOperatorKey } from './bootstrap';
import { markerZip } from './lambda/testing/zip';
import { type Credentials, type RealCloud, startRealCloud } from './testing/real-cloud';

/**
 * An attacker's probes of the surfaces that run code on the developer's
 * machine or configure deployments: the Lambda code API (hotswap) and the
 * Amplify Hosting API. Callers: a web page elsewhere (cross-site fetch, form
 * POST, `Origin: null`), and a signed-in person of the app holding their
 * identity-pool credentials (what any script in the app's page can read).
 */
let cloud: RealCloud;
let fnName: string;
let person: Credentials;
let personId: string;
let admin: Credentials;
let adminId: string;

const operator = () => loadOperatorKey(cloud.stateDir);

beforeAll(async () => {
  cloud = await startRealCloud();
  fnName = cloud.cloud.context.functions.runtime.functions.find((f) => f.friendlyName === 'admin-api')!.name;
  const [someone, administrator] = await Promise.all([cloud.signedInUser('probe'), cloud.signedInUser('probe-admin', ['ADMINS'])]);
  ({ credentials: person, identityId: personId } = await cloud.credentialsFor(someone.idToken));
  ({ credentials: admin, identityId: adminId } = await cloud.credentialsFor(administrator.idToken));
}, 240_000);

afterAll(async () => {
  await cloud?.close();
});

/** The code folder the function runs now. */
const codeDirectory = () => cloud.cloud.context.functions.runtime.find(fnName)!.codeDirectory;

/** A zip built by Python's zipfile: `entries` as [name, text, unix mode?] (a mode of 0o120777 makes a symlink entry). */
function rawZip(entries: [string, string, number?][]): Buffer {
  const script = `import io, json, sys, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED) as z:
    for name, text, mode in json.loads(sys.argv[1]):
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        if mode:
            info.external_attr = mode << 16
        z.writestr(info, text)
sys.stdout.buffer.write(b.getvalue())`;
  return execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(entries.map(([n, t, m]) => [n, t, m ?? 0]))]);
}

/** A request SigV4-signed for `service` with the operator's key, sent with extra (unsigned) headers. */
async function signedFetch(service: string, method: string, path: string, body: string, extra: Record<string, string> = {}) {
  const url = new URL(cloud.endpoint);
  const signer = new SignatureV4({ credentials: operator(), region: cloud.region, service, sha256: Sha256 });
  const request = await signer.sign(
    { method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path, headers: { host: url.host, 'content-type': 'application/json' }, body },
  );
  return fetch(`${cloud.endpoint}${path}`, { method, headers: { ...(request.headers as Record<string, string>), ...extra }, body: method === 'GET' ? undefined : body });
}

describe('the Lambda code API (UpdateFunctionCode): code execution on the developer machine', () => {
  it('refuses pages of other sites before anything acts, even with a valid signature', async () => {
    const before = codeDirectory();
    const body = JSON.stringify({ ZipFile: markerZip('cross-site').toString('base64') });
    const path = `/2015-03-31/functions/${fnName}/code`;
    for (const headers of [{ origin: 'https://evil.example' }, { origin: 'null' }, { referer: 'https://evil.example/page' }, { 'sec-fetch-site': 'cross-site' }] as Record<string, string>[]) {
      const answer = await signedFetch('lambda', 'PUT', path, body, headers);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
    }
    // A form POST (text/plain, no signature) from a page: refused for its Origin, and unsigned anyway.
    const form = await fetch(`${cloud.endpoint}${path}`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, body });
    expect(form.status).toBe(403);
    expect(codeDirectory()).toBe(before);
  });

  it("refuses a signed-in person's identity-pool credentials (an administrator's too), and they cannot assume the deploy role", async () => {
    const before = codeDirectory();
    for (const credentials of [person, admin]) {
      const lambda = new LambdaClient({ endpoint: cloud.endpoint, region: cloud.region, credentials, maxAttempts: 1 });
      await expect(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fnName, ZipFile: markerZip('app-user') }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
      await expect(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fnName }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
      const sts = new STSClient({ endpoint: cloud.endpoint, region: cloud.region, credentials, maxAttempts: 1 });
      for (const kind of BOOTSTRAP_ROLE_KINDS) {
        const RoleArn = `arn:aws:iam::${cloud.assembly.accountId}:role/${bootstrapRoleName(kind, cloud.assembly.accountId, cloud.region)}`;
        await expect(sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName: 'probe' })), kind).rejects.toMatchObject({ name: 'AccessDenied' });
      }
      const cfn = new CloudFormationClient({ endpoint: cloud.endpoint, region: cloud.region, credentials, maxAttempts: 1 });
      await expect(cfn.send(new CreateStackCommand({ StackName: 'probe', TemplateBody: '{"Resources":{}}' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    }
    // No function's own execution role may replace code either.
    for (const fn of cloud.cloud.context.functions.runtime.functions) {
      const role = cloud.iam.issueRoleCredentials({ roleArn: fn.roleArn, sessionName: 'probe', durationSeconds: 900 });
      const lambda = new LambdaClient({ endpoint: cloud.endpoint, region: cloud.region, credentials: role, maxAttempts: 1 });
      await expect(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fnName, ZipFile: markerZip('function-role') })), fn.friendlyName).rejects.toMatchObject({ name: 'AccessDeniedException' });
    }
    expect(codeDirectory()).toBe(before);
  });

  it("reads an S3Bucket/S3Key package with the caller's own permissions: UpdateFunctionCode alone reads nobody's files", async () => {
    const key = `private/${adminId}/package.zip`;
    cloud.seedObject(key, markerZip('from-a-private-file'), 'application/zip');
    const roleArn = `arn:aws:iam::${cloud.assembly.accountId}:role/probe-code-updater`;
    cloud.iam.account.roles.set(roleArn, {
      name: 'probe-code-updater',
      arn: roleArn,
      roleId: 'AROAPROBECODEUPDATER',
      logicalId: 'ProbeCodeUpdater',
      trustPolicy: { Statement: [] },
      policies: [{ name: 'hotswap-only', document: { Statement: [{ Effect: 'Allow', Action: ['lambda:UpdateFunctionCode'], Resource: '*' }] } }],
      unknownManagedPolicies: [],
    });
    const credentials = cloud.iam.issueRoleCredentials({ roleArn, sessionName: 'probe', durationSeconds: 900 });
    const lambda = new LambdaClient({ endpoint: cloud.endpoint, region: cloud.region, credentials, maxAttempts: 1 });
    const before = codeDirectory();
    await expect(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fnName, S3Bucket: cloud.bucket, S3Key: key }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(codeDirectory()).toBe(before);
  });

  it('writes nothing outside the code folder: `..`, absolute and backslash names are refused, a symlink entry is a plain file', async () => {
    const lambda = new LambdaClient({ endpoint: cloud.endpoint, region: cloud.region, credentials: operator(), maxAttempts: 1 });
    const root = join(cloud.stateDir, 'lambda-code');
    // Everything in the state folder but the code folders (which a refused zip leaves empty).
    const outside = () => readdirSync(cloud.stateDir).filter((name) => name !== 'lambda-code').sort();
    const before = outside();
    const codeFolders = () => (existsSync(root) ? readdirSync(root).sort() : []);
    const foldersBefore = codeFolders();
    for (const name of ['../escaped.js', 'a/../../escaped.js', '/tmp/escaped-localcloud.js', '..\\escaped.js']) {
      await expect(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fnName, ZipFile: rawZip([['index.mjs', 'export const handler = async () => 1;'], [name, 'pwned']]) })), name).rejects.toMatchObject({
        name: 'InvalidParameterValueException',
      });
    }
    expect(existsSync('/tmp/escaped-localcloud.js')).toBe(false);
    expect(outside()).toEqual(before);
    expect(codeFolders()).toEqual(foldersBefore);
    // A symlink to a file outside, then a write through it: the "link" is written as a file holding the target's name.
    const zip = rawZip([['link', '/etc/passwd', 0o120777], ['index.mjs', 'export const handler = async () => 1;']]);
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fnName, ZipFile: zip }));
    const link = join(codeDirectory(), 'link');
    expect(codeDirectory().startsWith(root)).toBe(true);
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(readFileSync(link, 'utf8')).toBe('/etc/passwd');
  });

  it('answers huge, lying and broken zips and bad names with 4xx, never a 500', async () => {
    const lambda = new LambdaClient({ endpoint: cloud.endpoint, region: cloud.region, credentials: operator(), maxAttempts: 1 });
    // An entry claiming 300 MB (past Lambda's 250 MB unzipped), and one whose real size differs from its header.
    const zip = rawZip([['index.mjs', 'x'.repeat(1000)]]);
    const big = Buffer.from(zip);
    const central = big.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    big.writeUInt32LE(300 * 1024 * 1024, central + 24);
    await expect(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fnName, ZipFile: big }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    const lying = Buffer.from(zip);
    lying.writeUInt32LE(10, central + 24);
    await expect(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fnName, ZipFile: lying }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    await expect(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fnName, ZipFile: zip.subarray(0, zip.length - 10) }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    // A request declaring more than Lambda's 70 MB request limit: 413 at once, before the body is read or the signature looked at.
    const tooLarge = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${cloud.endpoint}/2015-03-31/functions/${fnName}/code`, { method: 'PUT', headers: { 'content-length': String(80 * 1024 * 1024), 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode, body });
        });
      });
      req.on('error', reject);
      req.write('{"ZipFile":"');
    });
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ __type: 'RequestTooLargeException' });
    // A function name that is not percent-encoding.
    const answer = await signedFetch('lambda', 'GET', '/2015-03-31/functions/%E0%A4%A/configuration', '');
    expect(answer.status, await answer.clone().text()).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(await answer.json()).toMatchObject({ __type: expect.not.stringMatching(/Signature|Unrecognized/) });
  });
});

describe('the Amplify Hosting API', () => {
  it('refuses pages of other sites, and app users (administrators too)', async () => {
    const body = JSON.stringify({ name: 'evil' });
    for (const headers of [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }] as Record<string, string>[]) {
      expect((await signedFetch('amplify', 'POST', '/apps', body, headers)).status, JSON.stringify(headers)).toBe(403);
    }
    for (const credentials of [person, admin]) {
      const amplify = new AmplifyClient({ endpoint: cloud.endpoint, region: cloud.region, credentials, maxAttempts: 1 });
      await expect(amplify.send(new CreateAppCommand({ name: 'evil' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: expect.any(Number) } });
      await expect(amplify.send(new ListAppsCommand({}))).rejects.toMatchObject({ name: expect.stringMatching(/AccessDenied|Unauthorized/) });
    }
    const amplify = new AmplifyClient({ endpoint: cloud.endpoint, region: cloud.region, credentials: operator(), maxAttempts: 1 });
    expect((await amplify.send(new ListAppsCommand({}))).apps).toEqual([]);
  });
});

describe("the file browser's keys: nobody acts outside their own prefix", () => {
  it('refuses `..`, `//`, a leading `/`, an encoded `/` and copies whose source names another person\'s file', async () => {
    const victimKey = `private/${adminId}/secret.txt`;
    cloud.seedObject(victimKey, 'the secret');
    const s3 = cloud.s3Client(person);
    const Bucket = cloud.bucket;
    const own = `private/${personId}`;
    const refused = { $metadata: { httpStatusCode: expect.toSatisfy((status: number) => status >= 400 && status < 500) } };
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: `${own}/../${adminId}/secret.txt` }))).rejects.toMatchObject(refused);
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: `/${victimKey}` }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(s3.send(new PutObjectCommand({ Bucket, Key: `${own}/../${adminId}/planted.txt`, Body: 'x' }))).rejects.toMatchObject(refused);
    for (const CopySource of [`${Bucket}/${victimKey}`, `${Bucket}/${own}/../${adminId}/secret.txt`, `${Bucket}/${own}%2F..%2F${adminId}%2Fsecret.txt`, `${Bucket}/private%2F${adminId}%2Fsecret.txt`]) {
      await expect(s3.send(new CopyObjectCommand({ Bucket, Key: `${own}/stolen.txt`, CopySource })), CopySource).rejects.toMatchObject(refused);
    }
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: `${own}/stolen.txt` }))).rejects.toMatchObject(refused);
    const deleted = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: `${own}/../${adminId}/secret.txt` }, { Key: `${own}//../../${victimKey}` }, { Key: victimKey }] } }));
    // The literal `..` keys lie inside their own prefix (S3 reports a missing key as deleted); the victim's key is refused.
    expect(deleted.Errors).toEqual([expect.objectContaining({ Key: victimKey, Code: 'AccessDenied' })]);
    expect(cloud.objects.get(Bucket, victimKey)).toBeDefined();
    // Their own `a//b` is a key of its own (S3 keeps it literally), inside their prefix.
    await s3.send(new PutObjectCommand({ Bucket, Key: `${own}/a//b.txt`, Body: 'mine' }));
    expect(cloud.objects.get(Bucket, `${own}/a//b.txt`)).toBeDefined();
  });
});

describe('the birthdate rule and the outbox', () => {
  it("no identity-pool role may write anyone's attributes with AdminUpdateUserAttributes (an administrator's neither)", async () => {
    for (const credentials of [person, admin]) {
      const idp = new CognitoIdentityProviderClient({ endpoint: cloud.endpoint, region: cloud.region, credentials, maxAttempts: 1 });
      await expect(
        idp.send(new AdminUpdateUserAttributesCommand({ UserPoolId: cloud.userPoolId, Username: 'anyone', UserAttributes: [{ Name: 'birthdate', Value: '2020-01-01' }] })),
      ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    }
  });

  it('the outbox page may not be framed by another page (clickjacking) and runs nothing', async () => {
    const page = await fetch(`${cloud.endpoint}/_localcloud/outbox`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    // A page elsewhere that frames it is refused by the front door before that.
    const framed = await fetch(`${cloud.endpoint}/_localcloud/outbox`, { headers: { accept: 'text/html', 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'iframe' } });
    expect(framed.status).toBe(403);
  });
});
