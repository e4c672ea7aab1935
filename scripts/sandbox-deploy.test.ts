import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CognitoIdentityProviderClient, ConfirmSignUpCommand, InitiateAuthCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizedAssembly } from '../localcloud/lambda/testing/synthesized';
import { type LocalCloud, startLocalCloud } from '../localcloud/server';

/**
 * `npm run sandbox -- --once`: the real ampx synthesizes this backend and deploys it through the local cloud's
 * CloudFormation API (no mocks); the outputs it writes are pointed at the local cloud, and a person signs up and
 * signs in to the deployed pool with them.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
let cloud: LocalCloud;
let state: string;
let outDir: string;

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'localcloud-deploy-'));
  outDir = mkdtempSync(join(tmpdir(), 'localcloud-deploy-out-'));
  cloud = await startLocalCloud({ stateDir: state, assemblyDir: synthesizedAssembly().directory, port: 0, oauthPort: false });
}, 120_000);

afterAll(async () => {
  await cloud?.close();
  rmSync(state, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

describe('npm run sandbox -- --once into the local cloud', () => {
  it('deploys this backend with the real ampx; the outputs send the app to the deployed pool', async () => {
    const run = await new Promise<{ code: number; out: string }>((done) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/sandbox.ts', '--once', '--identifier', 'deploytest', '--outputs-out-dir', outDir],
        { cwd: ROOT, env: { ...process.env, LOCALCLOUD_STATE: state, LOCALCLOUD_PORT: String(cloud.port) }, timeout: 300_000 },
        (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
      ),
    );
    expect(run.out).toContain('Deployment completed');
    expect(run.code).toBe(0);
    const outputs = JSON.parse(readFileSync(join(outDir, 'amplify_outputs.json'), 'utf8'));
    expect(outputs.custom.local_cloud.userPoolEndpoint).toBe(`http://localhost:${cloud.port}`);
    expect(JSON.stringify(outputs)).not.toContain('.execute-api.');
    // A deployed pool of its own, beside the one npm start's assembly provisioned.
    const started = synthesizedAssembly().ofType('AWS::Cognito::UserPool')[0].ref;
    expect(outputs.auth.user_pool_id).not.toBe(started);

    const idp = new CognitoIdentityProviderClient({ region: outputs.auth.aws_region, endpoint: outputs.custom.local_cloud.userPoolEndpoint });
    const email = 'deployed@example.com';
    const Password = 'Deployed-password-1!';
    const ClientId = outputs.auth.user_pool_client_id;
    await idp.send(new SignUpCommand({ ClientId, Username: email, Password, UserAttributes: [{ Name: 'email', Value: email }, { Name: 'phone_number', Value: '+15555550123' }] }));
    const outbox = await (await fetch(`${cloud.url}/_localcloud/outbox`)).json();
    const code = outbox.filter((m: { to: string }) => m.to === email).at(-1).code;
    await idp.send(new ConfirmSignUpCommand({ ClientId, Username: email, ConfirmationCode: code }));
    await expect(idp.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: Password } }))).rejects.toMatchObject({
      name: 'InvalidParameterException', // the client allows SRP only, as synthesized: the deployed pool is this backend's
    });
    idp.destroy();
  }, 360_000);
});
