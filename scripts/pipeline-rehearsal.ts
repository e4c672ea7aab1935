import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { AmplifyClient, CreateAppCommand, CreateBranchCommand, GetBranchCommand, ListAppsCommand, NotFoundException } from '@aws-sdk/client-amplify';
import { loadOperatorKey } from '../localcloud/bootstrap/index.ts';
import { DEFAULT_REGION } from '../localcloud/provisioning/cloud-assembly.ts';
import { deployFailure, localizeOutputsFile, oauthDomain, runningLocalCloud, sandboxEnvironment } from './sandbox.ts';

/**
 * `npm run pipeline-rehearsal [-- --branch main --branch feature --app-name amplify-vault --outputs-out-dir .]`:
 * the offline rehearsal of what CI does for each branch (amplify.yml, .github/workflows/ci.yml): the real
 * `npx ampx pipeline-deploy --branch <b> --app-id <id>` deploying this backend into the RUNNING local cloud
 * (`npm run localcloud`), never into AWS. As on AWS, the branch deploy links itself to an Amplify app's branch,
 * so the app (found by name, else created) and each branch are created first, through the local cloud's Amplify
 * API. Each branch is its own backend (stack `amplify-<appId>-<branch>-branch-<hash>`); its amplify_outputs.json
 * is pointed at the local cloud (custom.local_cloud). One branch: written to --outputs-out-dir (default: the
 * project, where the app reads it); several: to <dir>/<branch>/.
 *
 * The environment is `npm run sandbox`'s (profile `localcloud`, AWS_ENDPOINT_URL=http://127.0.0.1:<port>,
 * telemetry off) plus CI=true: pipeline-deploy refuses to run outside CI.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface RehearsalOptions {
  stateDir: string;
  port: number;
  branches: string[];
  /** The Amplify app (created when no app has this name). */
  appName: string;
  outputsOutDir: string;
  /** The project to deploy (default: this one). */
  cwd?: string;
  /** Where ampx's output and the rehearsal's lines go (default: the console). */
  log?: (text: string) => void;
}

export interface BranchDeploy {
  branch: string;
  /** The amplify_outputs.json written for the branch. */
  outputsFile: string;
  /** The stack the branch linker recorded on the branch (backend.stackArn). */
  stackArn?: string;
}

/** The app named `appName` (its id), created when there is none; refuses two of the same name, as ampx does. */
export async function ensureApp(amplify: AmplifyClient, appName: string, branches: string[]): Promise<string> {
  const { apps = [] } = await amplify.send(new ListAppsCommand({ maxResults: 100 }));
  const matches = apps.filter((app) => app.name === appName);
  if (matches.length > 1) throw new Error(`Multiple apps found with name ${appName}: ${matches.map((a) => a.appId).join(', ')}`);
  const appId = matches[0]?.appId ?? (await amplify.send(new CreateAppCommand({ name: appName, platform: 'WEB' }))).app!.appId!;
  for (const branchName of branches) {
    try {
      await amplify.send(new GetBranchCommand({ appId, branchName }));
    } catch (error) {
      if (!(error instanceof NotFoundException)) throw error;
      await amplify.send(new CreateBranchCommand({ appId, branchName }));
    }
  }
  return appId;
}

/** Runs the real `ampx pipeline-deploy` for each branch in turn; throws at the first that fails. */
export async function rehearse(options: RehearsalOptions): Promise<{ appId: string; deploys: BranchDeploy[] }> {
  const log = options.log ?? ((text: string) => process.stdout.write(text));
  const endpointUrl = `http://127.0.0.1:${options.port}`;
  const amplify = new AmplifyClient({ region: DEFAULT_REGION, endpoint: endpointUrl, credentials: loadOperatorKey(options.stateDir), maxAttempts: 1 });
  try {
    const appId = await ensureApp(amplify, options.appName, options.branches);
    const deploys: BranchDeploy[] = [];
    for (const branch of options.branches) {
      const outDir = options.branches.length === 1 ? options.outputsOutDir : join(options.outputsOutDir, branch.replace(/[^\w.-]/g, '-'));
      const args = ['ampx', 'pipeline-deploy', '--branch', branch, '--app-id', appId, '--outputs-out-dir', outDir];
      log(`pipeline-rehearsal: npx ${args.join(' ')} → the local cloud at ${endpointUrl}\n`);
      const { code, output } = await run(args, { cwd: options.cwd ?? ROOT, env: { ...sandboxEnvironment({ stateDir: options.stateDir, endpointUrl }), CI: 'true' }, log });
      if (code !== 0) throw new Error(`ampx pipeline-deploy --branch ${branch} failed (exit ${code}):\n${lastLines(output)}`);
      const outputsFile = join(outDir, 'amplify_outputs.json');
      localizeOutputsFile(outputsFile, `http://localhost:${options.port}`, oauthDomain());
      const { branch: linked } = await amplify.send(new GetBranchCommand({ appId, branchName: branch }));
      deploys.push({ branch, outputsFile, stackArn: linked?.backend?.stackArn });
      log(`pipeline-rehearsal: branch ${branch} of app ${appId} → ${linked?.backend?.stackArn ?? '(no stack linked)'}; outputs in ${outputsFile}\n`);
    }
    return { appId, deploys };
  } finally {
    amplify.destroy();
  }
}

/** What ampx said went wrong: its first error line (a type error's location, the failed resource), then its last lines. */
function lastLines(output: string): string {
  const tail = stripVTControlCharacters(output).trim().split(/\r?\n/).slice(-8).join('\n');
  const first = deployFailure(output) ?? stripVTControlCharacters(output).split(/\r?\n/).find((line) => /error TS\d+|\berror\b/i.test(line))?.trim();
  return first && !tail.includes(first) ? `${first}\n…\n${tail}` : tail;
}

function run(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; log: (text: string) => void }): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn('npx', args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      options.log(text);
      output = (output + text).slice(-200_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const stop = (signal: NodeJS.Signals) => child.kill(signal);
    process.once('SIGINT', stop).once('SIGTERM', stop);
    child.on('close', (status) => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      done({ code: status ?? 1, output });
    });
  });
}

/** `--name value` options, repeatable. */
function optionValues(args: string[], name: string): string[] {
  const values: string[] = [];
  args.forEach((arg, i) => {
    if (arg === name && args[i + 1] !== undefined) values.push(args[i + 1]);
    else if (arg.startsWith(`${name}=`)) values.push(arg.slice(name.length + 1));
  });
  return values;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const cloud = await runningLocalCloud('pipeline-rehearsal');
  if (!cloud) return 1;
  const packageName = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string }).name;
  const branches = optionValues(args, '--branch');
  await rehearse({
    stateDir: cloud.stateDir,
    port: cloud.port,
    branches: branches.length > 0 ? branches : ['main'],
    appName: optionValues(args, '--app-name').at(-1) ?? packageName,
    outputsOutDir: resolve(ROOT, optionValues(args, '--outputs-out-dir').at(-1) ?? '.'),
  });
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => process.exit(code), (error: unknown) => {
    console.error('pipeline-rehearsal:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
