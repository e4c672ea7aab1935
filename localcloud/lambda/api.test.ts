import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetFunctionCommand, GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionCodeCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetsBucketName, loadOperatorKey } from '../bootstrap';
import { type LocalCloud, startLocalCloud } from '../server';
import { synthesizedAssembly } from './testing/synthesized';
import { markerZip } from './testing/zip';

/**
 * The Lambda API the CDK toolkit's hotswap calls (UpdateFunctionCode, then
 * GetFunction until LastUpdateStatus is Successful) and CloudWatch Logs'
 * FilterLogEvents (`ampx sandbox --stream-function-logs`), with the AWS SDK v3
 * and the operator profile: the next invocation runs the new code and its
 * lines are in the function's log group.
 */
let cloud: LocalCloud;
let state: string;
let endpoint: string;
let fnName: string;

/** The profile's key, as the credentials file has it. */
const credentials = () => loadOperatorKey(state);

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'localcloud-lambda-api-'));
  cloud = await startLocalCloud({ stateDir: state, assemblyDir: synthesizedAssembly().directory, port: 0, oauthPort: false, functionLog: () => {} });
  endpoint = `http://127.0.0.1:${cloud.port}`;
  fnName = cloud.context.functions.runtime.functions.find((f) => f.handler === 'index.handler' && f.friendlyName !== f.logicalId)!.name;
}, 120_000);

afterAll(async () => {
  await cloud?.close();
  rmSync(state, { recursive: true, force: true });
});

describe('Lambda UpdateFunctionCode (hotswap)', () => {
  it('a ZipFile update: Successful at once, a new CodeSha256, and the next invocation runs the new code', async () => {
    const lambda = new LambdaClient({ endpoint, region: cloud.context.assembly.region, credentials: credentials() });
    const before = await lambda.send(new GetFunctionCommand({ FunctionName: fnName }));
    expect(before.Configuration).toMatchObject({ FunctionName: fnName, State: 'Active', LastUpdateStatus: 'Successful', PackageType: 'Zip' });
    const zip = markerZip('v2');
    const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fnName, ZipFile: zip }));
    expect(updated.CodeSha256).toBe((await import('node:crypto')).createHash('sha256').update(zip).digest('base64'));
    expect(updated.CodeSha256).not.toBe(before.Configuration?.CodeSha256);
    expect(updated.CodeSize).toBe(zip.length);
    const waited = await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: fnName });
    expect(waited.state).toBe('SUCCESS');
    const outcome = await cloud.context.functions.runtime.invoke(fnName, { hello: 1 });
    expect(outcome).toMatchObject({ ok: true, payload: { hello: 1, marker: 'v2' } });
  });

  it('an S3Bucket/S3Key update reads the zip the toolkit put in the assets bucket; by ARN too', async () => {
    const { accountId, region } = cloud.context.assembly;
    const s3 = new S3Client({ endpoint, region, credentials: credentials() });
    const Bucket = assetsBucketName(accountId, region);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'v3.zip', Body: markerZip('v3') }));
    const lambda = new LambdaClient({ endpoint, region, credentials: credentials() });
    const arn = (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fnName }))).FunctionArn!;
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: arn, S3Bucket: Bucket, S3Key: 'v3.zip' }));
    expect(await cloud.context.functions.runtime.invoke(fnName, {})).toMatchObject({ ok: true, payload: { marker: 'v3' } });
    await expect(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fnName, S3Bucket: Bucket, S3Key: 'missing.zip' }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
  });

  it('refusals as Lambda words them: an unknown function, a zip that is not one, an unsigned or unauthorized caller', async () => {
    const region = cloud.context.assembly.region;
    const lambda = new LambdaClient({ endpoint, region, credentials: credentials() });
    await expect(lambda.send(new GetFunctionCommand({ FunctionName: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Function not found: arn:aws:lambda:${region}:${cloud.context.assembly.accountId}:function:nope`,
    });
    await expect(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fnName, ZipFile: Buffer.from('not a zip') }))).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    const stranger = new LambdaClient({ endpoint, region, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' } });
    await expect(stranger.send(new GetFunctionCommand({ FunctionName: fnName }))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    const role = cloud.context.iam.issueRoleCredentials({ roleArn: cloud.context.functions.runtime.find(fnName)!.roleArn, sessionName: 's', durationSeconds: 900 });
    const asFunction = new LambdaClient({ endpoint, region, credentials: role });
    await expect(asFunction.send(new UpdateFunctionCodeCommand({ FunctionName: fnName, ZipFile: markerZip('evil') }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});

describe('CloudWatch Logs FilterLogEvents', () => {
  it("gives the function's lines in its group /aws/lambda/<name>, after startTime, matching a plain-term pattern, paged", async () => {
    const region = cloud.context.assembly.region;
    const lambda = new LambdaClient({ endpoint, region, credentials: credentials() });
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fnName, ZipFile: markerZip('v4') }));
    const startTime = Date.now() - 1;
    await cloud.context.functions.runtime.invoke(fnName, {});
    await cloud.context.functions.runtime.invoke(fnName, {});
    const logs = new CloudWatchLogsClient({ endpoint, region, credentials: credentials() });
    const all = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fnName}`, startTime }));
    const messages = all.events!.map((e) => e.message);
    expect(messages.filter((m) => m?.includes('running v4'))).toHaveLength(2);
    expect(messages.some((m) => m?.startsWith('START RequestId:'))).toBe(true);
    const filtered = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fnName}`, startTime, filterPattern: '"running v4"', limit: 1 }));
    expect(filtered.events).toHaveLength(1);
    const next = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fnName}`, startTime, filterPattern: '"running v4"', nextToken: filtered.nextToken }));
    expect(next.events).toHaveLength(1);
    expect(next.events![0].eventId).not.toBe(filtered.events![0].eventId);
    await expect(logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/nope' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'The specified log group does not exist.' });
  });
});
