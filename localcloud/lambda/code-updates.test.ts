import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionCommand, LambdaClient, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOperatorKey } from '../bootstrap';
import { type LocalCloud, startLocalCloud } from '../server';
import { CodeUpdates } from './code-updates';
import type { LambdaFunction } from './functions';
import { synthesizedAssembly } from './testing/synthesized';
import { markerZip } from './testing/zip';

/**
 * Code set by UpdateFunctionCode (the toolkit's hotswap) is the function's code until a deployment changes the
 * function's `Code`: it survives a rebuild of the running services by another stack's deployment and a restart
 * of the local cloud on the same state folder.
 */
const folders: string[] = [];
const clouds: LocalCloud[] = [];

afterEach(async () => {
  await Promise.all(clouds.splice(0).map((c) => c.close()));
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'localcloud-code-updates-'));
  folders.push(dir);
  return dir;
}

async function start(stateDir: string): Promise<LocalCloud> {
  const cloud = await startLocalCloud({ stateDir, assemblyDir: synthesizedAssembly().directory, port: 0, oauthPort: false, functionLog: () => {} });
  clouds.push(cloud);
  return cloud;
}

describe('UpdateFunctionCode is kept', () => {
  it('across a rebuild by another deployment and a restart on the same state folder', async () => {
    const state = folder();
    let cloud = await start(state);
    const { region } = cloud.context.assembly;
    const fnName = cloud.context.functions.runtime.functions.find((f) => f.handler === 'index.handler' && f.friendlyName !== f.logicalId)!.name;
    const client = (c: LocalCloud) => new LambdaClient({ endpoint: `http://127.0.0.1:${c.port}`, region, credentials: loadOperatorKey(state) });
    const zip = markerZip('kept');
    const updated = await client(cloud).send(new UpdateFunctionCodeCommand({ FunctionName: fnName, ZipFile: zip }));
    expect(updated.CodeSha256).toBe(createHash('sha256').update(zip).digest('base64'));

    // Another stack's deployment rebuilds the running services (new functions service): the update stays.
    const cfn = new CloudFormationClient({ endpoint: `http://127.0.0.1:${cloud.port}`, region, credentials: loadOperatorKey(state) });
    await cfn.send(new CreateStackCommand({ StackName: 'other', TemplateBody: JSON.stringify({ Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'x' } } } }) }));
    for (;;) {
      const status = (await cfn.send(new DescribeStacksCommand({ StackName: 'other' }))).Stacks![0].StackStatus!;
      if (!status.endsWith('_IN_PROGRESS')) {
        expect(status).toBe('CREATE_COMPLETE');
        break;
      }
      await new Promise((done) => setTimeout(done, 20));
    }
    expect(await cloud.context.functions.runtime.invoke(fnName, {})).toMatchObject({ ok: true, payload: { marker: 'kept' } });

    // A restart on the same state folder: still the updated code, with the same CodeSha256 / CodeSize.
    await cloud.close();
    clouds.splice(0);
    cloud = await start(state);
    expect(await cloud.context.functions.runtime.invoke(fnName, {})).toMatchObject({ ok: true, payload: { marker: 'kept' } });
    const after = await client(cloud).send(new GetFunctionCommand({ FunctionName: fnName }));
    expect(after.Configuration).toMatchObject({ CodeSha256: updated.CodeSha256, CodeSize: zip.length, LastModified: updated.LastModified });
  }, 120_000);
});

describe('CodeUpdates', () => {
  const fn: LambdaFunction = {
    name: 'fn',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
    friendlyName: 'fn',
    logicalId: 'Fn',
    codeDirectory: '/deployed',
    codeSource: 's3:aaa.zip',
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    timeoutSeconds: 3,
    memoryMb: 128,
    environment: {},
    roleArn: 'arn:aws:iam::000000000000:role/r',
  };
  const update = { codeDirectory: '/updated', sha256: 'sha', size: 1, lastModified: '2026-01-01T00:00:00.000Z' };

  it('a deployment that changes the Code wins (and the update is forgotten); an unchanged Code keeps it', () => {
    const state = folder();
    expect(new CodeUpdates(state).record(fn, update).codeDirectory).toBe('/updated');
    expect(new CodeUpdates(state).apply([fn])[0].codeDirectory).toBe('/updated');
    const redeployed = new CodeUpdates(state);
    expect(redeployed.apply([{ ...fn, codeSource: 's3:bbb.zip' }])[0].codeDirectory).toBe('/deployed');
    expect(new CodeUpdates(state).apply([fn])[0].codeDirectory).toBe('/deployed');
  });

  it("a deleted stack's function loses its update: created again, it runs its template's code", () => {
    const state = folder();
    new CodeUpdates(state).record(fn, update);
    new CodeUpdates(state).forget(['fn']);
    expect(new CodeUpdates(state).apply([fn])[0].codeDirectory).toBe('/deployed');
    expect(new CodeUpdates(state).of({ ...fn, codeDirectory: '/updated' })).toBeUndefined();
  });
});
