import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { downloadData, uploadData } from 'aws-amplify/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOperatorKey } from '../localcloud/bootstrap';
import { synthesizedAssembly } from '../localcloud/lambda/testing/synthesized';
import { useAmplifyAgainst } from '../localcloud/s3/testing/amplify-node';
import { type LocalCloud, startLocalCloud } from '../localcloud/server';
import type { Activity } from '../localcloud/services/activity';
import { outboxCode, peopleOn } from '../localcloud/testing/real-cloud';
import { type AmpxProcess, type ProjectCopy, projectCopy, runAmpx, startAmpx } from './testing/ampx';

/**
 * A sandbox's life with the real ampx (no mocks) in a copy of this project, against one local cloud:
 * `ampx sandbox` (watch mode) deploys; a person signs up and uploads with aws-amplify; a change to the pre
 * sign-up trigger's code is hotswapped (Lambda UpdateFunctionCode, no stack update) and the next sign-up runs
 * it while the person and the file remain — also after the local cloud restarts; `sandbox secret set` then
 * `sandbox --once`: the function reads the new value; `sandbox delete --yes` removes the stack's resources:
 * the person can no longer sign in and the bucket is gone.
 *
 * The copy's pre sign-up trigger gets a probe: sign-ups of `probe-…` addresses are refused with its version
 * and the secret PROBE_SECRET it reads (through Amplify's secret(), i.e. SSM at cold start).
 */
const ID = 'lifecycle';
let state: string;
let project: ProjectCopy;
let cloud: LocalCloud;
let watch: AmpxProcess | undefined;
type Deploy = Extract<Activity, { kind: 'deploy' }>;
const deploys: Deploy[] = [];

async function start(): Promise<LocalCloud> {
  const started = await startLocalCloud({ stateDir: state, assemblyDir: synthesizedAssembly().directory, port: 0, oauthPort: false, functionLog: () => {} });
  started.activity.on((a) => {
    if (a.kind === 'deploy') deploys.push(a);
  });
  return started;
}

function edit(file: string, from: string, to: string): void {
  const path = join(project.amplify, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  writeFileSync(path, text.replace(from, to));
}

const target = () => ({ stateDir: state, port: cloud.port, cwd: project.dir });

/** The backend ampx deployed, as its amplify_outputs.json names it, with people and aws-amplify against it. */
function deployed() {
  const outputs = JSON.parse(readFileSync(join(project.dir, 'amplify_outputs.json'), 'utf8'));
  const ids = { region: outputs.auth.aws_region, userPoolId: outputs.auth.user_pool_id, clientId: outputs.auth.user_pool_client_id, identityPoolId: outputs.auth.identity_pool_id };
  const people = peopleOn(cloud.url, ids, { codeFor: (email) => outboxCode(cloud.url, email) });
  return { outputs, ids, people, bucket: outputs.storage.bucket_name as string };
}

/** The message a probe sign-up is refused with (the trigger's version and the secret it read). */
async function probe(people: ReturnType<typeof peopleOn>): Promise<string> {
  return people.createUser('probe').then(
    () => 'signed up',
    (error: Error) => `${error.name}: ${error.message}`,
  );
}

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'localcloud-lifecycle-'));
  project = projectCopy();
  edit('auth/pre-sign-up/resource.ts', "import { defineFunction } from '@aws-amplify/backend';", "import { defineFunction, secret } from '@aws-amplify/backend';");
  edit('auth/pre-sign-up/resource.ts', "resourceGroupName: 'auth',", "resourceGroupName: 'auth',\n  environment: { PROBE_SECRET: secret('PROBE_SECRET') },");
  edit(
    'auth/pre-sign-up/handler.ts',
    'export const handler: PreSignUpTriggerHandler = async (event) => {',
    "export const handler: PreSignUpTriggerHandler = async (event) => {\n  if (event.request.userAttributes.email?.startsWith('probe-')) throw new Error(`v1 probe=${process.env.PROBE_SECRET}`);",
  );
  cloud = await start();
}, 120_000);

afterAll(async () => {
  await watch?.stop();
  await cloud?.close();
  rmSync(state, { recursive: true, force: true });
  project?.remove();
});

describe('the real ampx sandbox against the local cloud: watch mode, hotswap, restart, secret, delete', () => {
  it('deploys, hotswaps a trigger keeping people and files, survives a restart, picks up a new secret, and deletes everything', async () => {
    // Set before the first deploy: without any sandbox secret, ampx stamps the secret fetcher with the current
    // time, and every deploy (a code change too) becomes a stack update instead of a hotswap.
    const secretSet = await runAmpx(['sandbox', 'secret', 'set', 'PROBE_SECRET', '--identifier', ID], target(), { input: 'secret-one' });
    expect(secretSet.out).toContain('Successfully created version 1 of secret PROBE_SECRET');

    // 1. Watch mode's first deploy: a full CloudFormation deployment.
    watch = startAmpx(['sandbox', '--identifier', ID], target());
    await watch.waitFor(/Deployment completed[\s\S]*File written: amplify_outputs\.json/, { timeoutMs: 900_000 });
    await watch.waitFor(/Watching for file changes/, { timeoutMs: 60_000 });
    expect(deploys.map((d) => d.status)).toEqual(['CREATE_COMPLETE']);
    let backend = deployed();
    const amplify = useAmplifyAgainst({ port: cloud.port, ...backend.ids, endpoint: cloud.url, bucket: backend.bucket, assembly: { region: backend.ids.region } });
    try {
      const person = await backend.people.createUser('kept');
      await amplify.signIn(await backend.people.signIn(person));
      const uploaded = await uploadData({ path: ({ identityId }) => `private/${identityId}/kept.txt`, data: 'kept across deploys' }).result;
      expect(await probe(backend.people)).toBe('UserLambdaValidationException: PreSignUp failed with error v1 probe=secret-one.');

      // 2. A change to the trigger's code: watch mode hotswaps it (UpdateFunctionCode; the stack is not updated).
      const from = watch.output().length;
      edit('auth/pre-sign-up/handler.ts', 'v1 probe=', 'v2 probe=');
      await watch.waitFor(/Deployment completed[\s\S]*File written: amplify_outputs\.json/, { from, timeoutMs: 900_000 });
      expect(deploys).toHaveLength(1); // no CloudFormation update: the code went through Lambda's API
      const preSignUp = cloud.context.functions.runtime.functions.find((fn) => fn.friendlyName === 'pre-sign-up' && cloud.context.codeUpdates.of(fn));
      expect(preSignUp, 'the pre sign-up function runs code set by UpdateFunctionCode').toBeDefined();
      expect(await probe(backend.people)).toBe('UserLambdaValidationException: PreSignUp failed with error v2 probe=secret-one.');
      await amplify.signIn(await backend.people.signIn(person));
      expect(await (await downloadData({ path: uploaded.path }).result).body.text()).toBe('kept across deploys');
      await watch.stop();
      watch = undefined;

      // 3. The local cloud restarts on its state folder: the hotswapped code still runs.
      await cloud.close();
      cloud = await start();
      backend.people.destroy();
      backend = deployed();
      expect(await probe(backend.people)).toBe('UserLambdaValidationException: PreSignUp failed with error v2 probe=secret-one.');

      // 4. `sandbox secret set`, then a redeploy (ampx passes the secret's time: a stack update): the new value is read.
      const secretChanged = await runAmpx(['sandbox', 'secret', 'set', 'PROBE_SECRET', '--identifier', ID], target(), { input: 'secret-two' });
      expect(secretChanged.out).toContain('Successfully created version 2 of secret PROBE_SECRET');
      const redeploy = await runAmpx(['sandbox', '--once', '--identifier', ID], target(), { timeoutMs: 900_000 });
      expect(redeploy.out).toContain('Deployment completed');
      expect(deploys.at(-1)).toMatchObject({ status: 'UPDATE_COMPLETE' });
      expect(await probe(backend.people)).toBe('UserLambdaValidationException: PreSignUp failed with error v2 probe=secret-two.');
      const again = useAmplifyAgainst({ port: cloud.port, ...backend.ids, endpoint: cloud.url, bucket: backend.bucket, assembly: { region: backend.ids.region } });
      try {
        await again.signIn(await backend.people.signIn(person));
        expect(await (await downloadData({ path: uploaded.path }).result).body.text()).toBe('kept across deploys');
      } finally {
        again.restore();
      }

      // 5. `sandbox delete --yes`: the stack and what it owned are gone.
      const deleted = await runAmpx(['sandbox', 'delete', '--yes', '--identifier', ID], target(), { timeoutMs: 600_000 });
      expect(deleted.code, deleted.out).toBe(0);
      expect(deploys.at(-1)).toMatchObject({ status: 'DELETE_COMPLETE' });
      await expect(backend.people.signIn(person)).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
      const endpoint = `http://127.0.0.1:${cloud.port}`;
      const credentials = loadOperatorKey(state);
      const s3 = new S3Client({ endpoint, region: backend.ids.region, credentials, forcePathStyle: true });
      await expect(s3.send(new ListObjectsV2Command({ Bucket: backend.bucket }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
      const cfn = new CloudFormationClient({ endpoint, region: backend.ids.region, credentials });
      const stackName = deploys.at(-1)!.stackName;
      await expect(cfn.send(new DescribeStacksCommand({ StackName: stackName }))).rejects.toThrow(`Stack with id ${stackName} does not exist`);
      s3.destroy();
      cfn.destroy();
    } finally {
      amplify.restore();
      backend.people.destroy();
    }
  }, 3_000_000);
});
