import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, unwatchFile, watchFile, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { loadOperatorKey, operatorEnvironment, operatorFiles } from '../localcloud/bootstrap/index.ts';
import { DEFAULT_REGION } from '../localcloud/provisioning/cloud-assembly.ts';
import { localizeDeployedOutputs } from '../localcloud/provisioning/client-outputs.ts';

/**
 * `npm run sandbox [-- <ampx sandbox options>]`: the real `npx ampx sandbox`
 * (watch mode; `-- --once` for one deploy; `-- delete`, `-- secret set NAME`
 * pass through too) deploying into the RUNNING local cloud (`npm run localcloud`),
 * never into AWS: the environment names the local cloud's endpoint
 * (http://127.0.0.1:20005 — 127.0.0.1, not localhost, or the toolkit's S3
 * client would address `<bucket>.localhost`), its operator profile
 * `localcloud` from the state folder (`.localcloud/aws/{config,credentials}`,
 * never ~/.aws), and turns telemetry off (ampx exits 13 offline otherwise).
 *
 * `ampx sandbox --once` exits 0 even when the deploy failed; this script
 * exits 1 then (no amplify_outputs.json written by the run, or ampx printed
 * a deployment error).
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface SandboxEnvironmentOptions {
  stateDir: string;
  endpointUrl: string;
  region?: string;
}

/** The environment ampx (and the CDK toolkit, the AWS SDK inside it) needs to deploy into the local cloud. */
export function sandboxEnvironment(options: SandboxEnvironmentOptions, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  // Nothing of the developer's own AWS setup may reach AWS from here.
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']) {
    delete env[name];
  }
  for (const name of Object.keys(env)) if (name.startsWith('AWS_ENDPOINT_URL_')) delete env[name];
  return {
    ...env,
    ...operatorEnvironment(options.stateDir, { region: options.region ?? DEFAULT_REGION, endpointUrl: options.endpointUrl }),
    AMPLIFY_DISABLE_TELEMETRY: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

/** Lines of ampx's output that mean the deploy failed although it exits 0. */
export function deployFailure(output: string): string | undefined {
  const line = output.split(/\r?\n/).find((l) => /\[ERROR\]|\b[A-Z]\w*(Error|Fault|Exception)\b:|❌|Deployment failed|UPDATE_ROLLBACK_COMPLETE|ROLLBACK_COMPLETE/.test(l));
  return line && stripVTControlCharacters(line).trim();
}

/**
 * Points an outputs file ampx wrote at the local cloud (endpoints in custom.local_cloud, the hosted UI on the
 * local HTTPS port, local execute-api URLs), so the app uses what was deployed. True when it was rewritten.
 */
export function localizeOutputsFile(file: string, endpoint: string, oauthDomain: string): boolean {
  if (!existsSync(file)) return false;
  const outputs = JSON.parse(readFileSync(file, 'utf8')) as { custom?: { local_cloud?: unknown } };
  if (outputs.custom?.local_cloud) return false;
  writeFileSync(file, `${JSON.stringify(localizeDeployedOutputs(outputs, endpoint, oauthDomain), null, 2)}\n`);
  return true;
}

export interface RunningLocalCloud {
  stateDir: string;
  port: number;
  /** http://127.0.0.1:<port>, as the tools must reach it. */
  endpointUrl: string;
}

/**
 * The running local cloud the tools deploy into (`npm run localcloud`; LOCALCLOUD_STATE / LOCALCLOUD_PORT when set),
 * or undefined, with the reason printed, when it is not answering or its operator profile is missing.
 */
export async function runningLocalCloud(tool: string): Promise<RunningLocalCloud | undefined> {
  const stateDir = resolve(ROOT, process.env.LOCALCLOUD_STATE ?? '.localcloud');
  const port = Number(process.env.LOCALCLOUD_PORT ?? 20005);
  const endpointUrl = `http://127.0.0.1:${port}`;
  const reachable = await fetch(`${endpointUrl}/_localcloud/outbox`).then((r) => r.ok, () => false);
  if (!reachable || !existsSync(operatorFiles(stateDir).credentialsFile)) {
    console.error(`${tool}: no local cloud at ${endpointUrl} with its state in ${stateDir}. Start it first: npm run localcloud`);
    return undefined;
  }
  loadOperatorKey(stateDir); // the profile is there (written by the local cloud on start)
  return { stateDir, port, endpointUrl };
}

/** The hosted UI's host as the app reaches it (outputs' oauth domain). */
export const oauthDomain = () => `localhost:${process.env.LOCALCLOUD_OAUTH_PORT ?? 20443}`;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const cloud = await runningLocalCloud('sandbox');
  if (!cloud) return 1;
  const { stateDir, port, endpointUrl } = cloud;
  const outDir = args.includes('--outputs-out-dir') ? args[args.indexOf('--outputs-out-dir') + 1] : '.';
  const outputs = resolve(ROOT, outDir, 'amplify_outputs.json');
  // The app reaches the local cloud as localhost (aws-amplify's S3 client needs that host); ampx used 127.0.0.1.
  const localize = () => localizeOutputsFile(outputs, `http://localhost:${port}`, oauthDomain());
  watchFile(outputs, { interval: 500 }, () => {
    if (localize()) console.log(`sandbox: ${outputs} points at the local cloud (custom.local_cloud)`);
  });
  const before = existsSync(outputs) ? statSync(outputs).mtimeMs : 0;
  const deploys = !['delete', 'secret', '--help', '-h'].includes(args[0] ?? '');
  const once = args.includes('--once');
  console.log(`sandbox: npx ampx sandbox ${args.join(' ')} → the local cloud at ${endpointUrl} (profile localcloud, ${operatorFiles(stateDir).credentialsFile})`);
  let output = '';
  const code = await new Promise<number>((done) => {
    const child = spawn('npx', ['ampx', 'sandbox', ...args], { cwd: ROOT, env: sandboxEnvironment({ stateDir, endpointUrl }), stdio: ['inherit', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer, to: NodeJS.WriteStream) => {
      to.write(chunk);
      output = (output + chunk.toString('utf8')).slice(-200_000);
    };
    child.stdout.on('data', (c: Buffer) => keep(c, process.stdout));
    child.stderr.on('data', (c: Buffer) => keep(c, process.stderr));
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
    child.on('close', (status) => done(status ?? 1));
  });
  unwatchFile(outputs);
  if (code !== 0) return code;
  if (deploys && once) {
    const failure = deployFailure(output);
    const written = existsSync(outputs) && statSync(outputs).mtimeMs > before;
    if (failure || !written) {
      console.error(`sandbox: the deploy failed although ampx exited 0${failure ? `: ${failure}` : ' (no amplify_outputs.json written)'}`);
      return 1;
    }
    localize();
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => process.exit(code), (error: unknown) => {
    console.error('sandbox:', error);
    process.exit(1);
  });
}
