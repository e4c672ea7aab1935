import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizedAssembly } from '../localcloud/lambda/testing/synthesized';
import { type LocalCloud, startLocalCloud } from '../localcloud/server';
import { outboxCode, peopleOn } from '../localcloud/testing/real-cloud';
import { type BranchDeploy, rehearse } from './pipeline-rehearsal';
import { type ProjectCopy, projectCopy, runAmpx } from './testing/ampx';

/**
 * The offline rehearsal of CI's branch deploys (`npm run pipeline-rehearsal`): the real `ampx pipeline-deploy`
 * (no mocks) deploys this backend for two branches of one Amplify app into a fresh local cloud. Each branch is a
 * backend of its own: its outputs (from pipeline-deploy and from `ampx generate outputs --branch --app-id`) name
 * its own pool and bucket, and a person who signs up in one cannot sign in to the other.
 */
let cloud: LocalCloud;
let state: string;
let outDir: string;
let project: ProjectCopy;

interface Outputs {
  auth: { aws_region: string; user_pool_id: string; user_pool_client_id: string; identity_pool_id: string };
  storage: { bucket_name: string };
  custom: { local_cloud: { userPoolEndpoint: string } };
}
const outputsOf = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Outputs;

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'localcloud-pipeline-'));
  outDir = mkdtempSync(join(tmpdir(), 'localcloud-pipeline-out-'));
  project = projectCopy('pipeline-project-');
  cloud = await startLocalCloud({ stateDir: state, assemblyDir: synthesizedAssembly().directory, port: 0, oauthPort: false });
}, 120_000);

afterAll(async () => {
  await cloud?.close();
  project?.remove();
  rmSync(state, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

describe('ampx pipeline-deploy into the local cloud (npm run pipeline-rehearsal)', () => {
  it('deploys two branches as two isolated backends, each linked to its Amplify branch', async () => {
    let printed = '';
    const { appId, deploys } = await rehearse({
      stateDir: state,
      port: cloud.port,
      branches: ['main', 'feature'],
      appName: 'amplify-vault',
      outputsOutDir: outDir,
      cwd: project.dir,
      log: (text) => void (printed += text),
    });
    expect(printed).toContain('Deployment completed');
    const [main, feature] = deploys as [BranchDeploy, BranchDeploy];
    // The branch linker recorded each branch's own stack on it.
    expect(main.stackArn).toMatch(new RegExp(`:stack/amplify-${appId}-main-branch-[0-9a-f]{10}/`));
    expect(feature.stackArn).toMatch(new RegExp(`:stack/amplify-${appId}-feature-branch-[0-9a-f]{10}/`));

    const [mainOutputs, featureOutputs] = [outputsOf(main.outputsFile), outputsOf(feature.outputsFile)];
    expect(mainOutputs.custom.local_cloud.userPoolEndpoint).toBe(`http://localhost:${cloud.port}`);
    expect(mainOutputs.auth.user_pool_id).not.toBe(featureOutputs.auth.user_pool_id);
    expect(mainOutputs.auth.identity_pool_id).not.toBe(featureOutputs.auth.identity_pool_id);
    expect(mainOutputs.storage.bucket_name).not.toBe(featureOutputs.storage.bucket_name);
    const started = synthesizedAssembly().ofType('AWS::Cognito::UserPool')[0].ref;
    expect([mainOutputs.auth.user_pool_id, featureOutputs.auth.user_pool_id]).not.toContain(started);

    // `ampx generate outputs --branch --app-id` finds each branch's stack and names the same pool and bucket.
    for (const [branch, expected] of [['main', mainOutputs], ['feature', featureOutputs]] as const) {
      const dir = join(outDir, `generated-${branch}`);
      const generated = await runAmpx(['generate', 'outputs', '--branch', branch, '--app-id', appId, '--out-dir', dir], { stateDir: state, port: cloud.port, cwd: project.dir });
      expect(generated.code, generated.out).toBe(0);
      const outputs = outputsOf(join(dir, 'amplify_outputs.json'));
      expect(outputs.auth.user_pool_id).toBe(expected.auth.user_pool_id);
      expect(outputs.storage.bucket_name).toBe(expected.storage.bucket_name);
    }

    // A person of main signs in there, not to feature.
    const people = (outputs: Outputs) =>
      peopleOn(cloud.url, { region: outputs.auth.aws_region, userPoolId: outputs.auth.user_pool_id, clientId: outputs.auth.user_pool_client_id, identityPoolId: outputs.auth.identity_pool_id }, { codeFor: (email) => outboxCode(cloud.url, email) });
    const [onMain, onFeature] = [people(mainOutputs), people(featureOutputs)];
    const person = await onMain.createUser('branch-main');
    await expect(onMain.signIn(person)).resolves.toMatchObject({ idToken: expect.any(String) });
    await expect(onFeature.signIn(person)).rejects.toMatchObject({ name: expect.stringMatching(/^(UserNotFoundException|NotAuthorizedException)$/) });
    onMain.destroy();
    onFeature.destroy();
  }, 1_500_000);
});
