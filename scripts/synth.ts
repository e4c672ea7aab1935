import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ASSEMBLY_DIR,
  LOCAL_CLOUD_URL,
  LOCAL_OAUTH_DOMAIN,
  OUTPUTS_FILE,
  SYNTH_CONTEXT,
  SYNTH_DIR,
  SYNTH_ENV_INPUTS,
} from './synth-context.ts';

/**
 * `npm run synth`: synthesizes amplify/ offline (no AWS credentials, no
 * network) into .amplify/synth/cdk.out and writes a local amplify_outputs.json.
 * Skips the work when amplify/, the lockfile and the synthesis-time
 * environment are unchanged. Flags: --force, --quiet.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HASH_FILE = join(ROOT, SYNTH_DIR, 'input-hash');

/** Hash of everything synthesis reads. */
export function synthInputHash(root = ROOT): string {
  const hash = createHash('sha256');
  const files = listFiles(join(root, 'amplify')).concat(join(root, 'package-lock.json'));
  for (const file of files.sort()) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  for (const name of SYNTH_ENV_INPUTS) hash.update(`${name}=${process.env[name] ?? ''}\0`);
  hash.update(JSON.stringify(SYNTH_CONTEXT));
  return hash.digest('hex');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listFiles(path);
    return entry.isFile() ? [path] : [];
  });
}

/** Synthesizes the backend into `outDir` (replaced whole, never half-written). */
export function synthesize(outDir: string, root = ROOT): void {
  const staging = `${outDir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'amplify/backend.ts'], {
    cwd: root,
    env: { ...process.env, CDK_OUTDIR: staging, CDK_CONTEXT_JSON: JSON.stringify(SYNTH_CONTEXT) },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`Synthesis of amplify/backend.ts failed:\n${result.stderr || result.stdout}`);
  }
  rmSync(outDir, { recursive: true, force: true });
  renameSync(staging, outDir);
}

/**
 * Writes the local amplify_outputs.json, unless the file there was written by
 * ampx for a deployed backend (no custom.local_cloud): that one is kept.
 */
export async function writeLocalOutputs(root = ROOT): Promise<'written' | 'kept-aws'> {
  const file = join(root, OUTPUTS_FILE);
  if (existsSync(file) && !process.argv.includes('--local-outputs')) {
    const current = JSON.parse(readFileSync(file, 'utf8'));
    if (!current.custom?.local_cloud) return 'kept-aws';
  }
  // Loaded on demand: a no-op `npm run synth` stays well under a second.
  const { loadCloudAssembly } = await import('../localcloud/provisioning/cloud-assembly.ts');
  const { generateLocalClientOutputs } = await import('../localcloud/provisioning/client-outputs.ts');
  const outputs = await generateLocalClientOutputs(loadCloudAssembly(join(root, ASSEMBLY_DIR)), LOCAL_CLOUD_URL, LOCAL_OAUTH_DOMAIN);
  writeFileSync(file, `${JSON.stringify(outputs, null, 2)}\n`);
  return 'written';
}

/**
 * A local outputs file written before the hosted UI was served locally (its OAuth domain is Cognito's),
 * or before REST APIs were (an endpoint at AWS's execute-api domain).
 */
function staleLocalOutputs(file: string): boolean {
  try {
    const text = readFileSync(file, 'utf8');
    const outputs = JSON.parse(text);
    if (!outputs.custom?.local_cloud) return false;
    return (!!outputs.auth?.oauth && outputs.auth.oauth.domain !== LOCAL_OAUTH_DOMAIN) || /https:\/\/[a-z0-9]+\.execute-api\./.test(text);
  } catch {
    return true;
  }
}

/** Assemblies kept per input besides the current one (another ADMIN_EMAILS, e.g. the browser tests'). */
export const KEPT_ASSEMBLIES = 3;

/**
 * Moves the current assembly (`<synthDir>/cdk.out`, of the input its
 * `input-hash` names) aside to `<synthDir>/by-input/<hash>`, and brings back
 * the one kept for `hash` if there is one (true). Renames only: switching
 * between the developer's synthesis and the browser tests' (their own
 * ADMIN_EMAILS) costs nothing and never invalidates either.
 */
export function switchAssembly(synthDir: string, hash: string): boolean {
  const current = join(synthDir, 'cdk.out');
  const hashFile = join(synthDir, 'input-hash');
  const kept = join(synthDir, 'by-input');
  const keptFor = (h: string) => join(kept, h.slice(0, 32));
  if (existsSync(join(current, 'manifest.json')) && existsSync(hashFile)) {
    const previous = readFileSync(hashFile, 'utf8');
    if (previous !== hash) {
      mkdirSync(kept, { recursive: true });
      rmSync(keptFor(previous), { recursive: true, force: true });
      renameSync(current, keptFor(previous));
      rmSync(hashFile, { force: true });
      // Keep the newest few.
      const old = readdirSync(kept)
        .map((name) => ({ name, at: statSync(join(kept, name)).mtimeMs }))
        .sort((a, b) => b.at - a.at)
        .slice(KEPT_ASSEMBLIES);
      for (const { name } of old) rmSync(join(kept, name), { recursive: true, force: true });
    }
  }
  if (!existsSync(join(keptFor(hash), 'manifest.json'))) return false;
  rmSync(current, { recursive: true, force: true });
  renameSync(keptFor(hash), current);
  writeFileSync(hashFile, hash);
  return true;
}

export async function ensureSynth(options: { force?: boolean; log?: (line: string) => void } = {}) {
  const log = options.log ?? (() => {});
  const hash = synthInputHash();
  const upToDate =
    !options.force &&
    existsSync(join(ROOT, ASSEMBLY_DIR, 'manifest.json')) &&
    existsSync(HASH_FILE) &&
    readFileSync(HASH_FILE, 'utf8') === hash;
  if (upToDate && existsSync(join(ROOT, OUTPUTS_FILE)) && !staleLocalOutputs(join(ROOT, OUTPUTS_FILE))) {
    log(`synth: ${ASSEMBLY_DIR} and ${OUTPUTS_FILE} are up to date`);
    return;
  }
  if (!upToDate) {
    const started = performance.now();
    mkdirSync(join(ROOT, SYNTH_DIR), { recursive: true });
    if (!options.force && switchAssembly(join(ROOT, SYNTH_DIR), hash)) {
      log(`synth: restored the assembly synthesized earlier from the same input into ${ASSEMBLY_DIR}`);
    } else {
      synthesize(join(ROOT, ASSEMBLY_DIR));
      writeFileSync(HASH_FILE, hash);
      log(`synth: synthesized amplify/ into ${ASSEMBLY_DIR} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  }
  const outputs = await writeLocalOutputs();
  log(
    outputs === 'written'
      ? `synth: wrote ${OUTPUTS_FILE} for the local cloud (${LOCAL_CLOUD_URL})`
      : `synth: kept ${OUTPUTS_FILE}: it points at a deployed backend (pass --local-outputs to replace it)`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureSynth({ force: process.argv.includes('--force'), log: console.log }).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
