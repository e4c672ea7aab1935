import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCloudAssembly } from '../localcloud/provisioning/cloud-assembly.ts';
import { requiredSecretNames } from '../localcloud/secrets/required-secrets.ts';
import { ensureSynth } from './synth.ts';
import { ASSEMBLY_DIR } from './synth-context.ts';

/**
 * `npm run sandbox-secrets [-- <ampx options>]`: before you have real Google,
 * Apple, Amazon and Facebook apps, gives every secret the backend needs a
 * placeholder in your AWS sandbox, so the first `npx ampx sandbox` deploys
 * (Amplify's secret fetcher fails the deploy when one is missing). It drives
 * the real `ampx sandbox secret list` and `ampx sandbox secret set <NAME>`
 * (value on stdin), with your AWS credentials and options (`--identifier`,
 * `--profile`), and never touches a secret that is already set. Replace the
 * placeholders with `npx ampx sandbox secret set <NAME>` when you have the
 * real values (README "Social sign-in").
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * A value that deploys but is obviously not a credential; the Apple private key
 * is a real, freshly made EC P-256 key in PKCS#8 PEM (the form of Apple's .p8
 * files), since Cognito reads it as a key.
 */
export function placeholderFor(name: string): string {
  if (/PRIVATE_KEY$/.test(name)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }
  return `placeholder-${name.toLowerCase().replace(/_/g, '-')}`;
}

/** The names in `ampx sandbox secret list`'s output (` - NAME` lines). */
export function parseSecretList(output: string): string[] {
  return [...output.matchAll(/^ - ([a-zA-Z0-9_.-]+)\s*$/gm)].map((m) => m[1]);
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function ampx(args: string[], input?: string): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    // Through npx, as a person runs it (ampx wants to know the package manager); --no: never download.
    const child = spawn('npx', ['--no', 'ampx', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
    // ampx reads a piped value to the end, keeping every byte: no trailing newline.
    child.stdin.end(input ?? '');
  });
}

/** What ampx said about a failure: its error lines (it prints them on stdout after the usage). */
function failure(run: Run): string {
  const lines = `${run.stdout}\n${run.stderr}`.split('\n');
  const errors = lines.filter((l) => /^\[\w+\]|Caused by|Error|Exception|Fault/.test(l.trim()));
  return (errors.length > 0 ? errors : lines.filter((l) => l.trim())).join('\n');
}

export async function setPlaceholderSecrets(
  names: string[],
  ampxOptions: string[],
  log: (line: string) => void,
): Promise<{ set: string[]; kept: string[] }> {
  const listed = await ampx(['sandbox', 'secret', 'list', ...ampxOptions]);
  if (listed.code !== 0) throw new Error(`npx ampx sandbox secret list failed:\n${failure(listed)}`);
  const existing = new Set(parseSecretList(listed.stdout));
  const kept = names.filter((n) => existing.has(n));
  const set: string[] = [];
  for (const name of names.filter((n) => !existing.has(n))) {
    const result = await ampx(['sandbox', 'secret', 'set', name, ...ampxOptions], placeholderFor(name));
    if (result.code !== 0) throw new Error(`npx ampx sandbox secret set ${name} failed:\n${failure(result)}`);
    set.push(name);
    log(`set a placeholder for ${name}`);
  }
  for (const name of kept) log(`kept ${name}: it is already set`);
  return { set, kept };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`Usage: npm run sandbox-secrets [-- [--identifier <name>] [--profile <profile>]]
Sets a placeholder for every secret amplify/ needs that your sandbox does not have yet,
with \`npx ampx sandbox secret set\`; secrets already set are never changed.`);
    return;
  }
  await ensureSynth({ log: () => {} });
  const names = requiredSecretNames(loadCloudAssembly(resolve(ROOT, ASSEMBLY_DIR)));
  const { set, kept } = await setPlaceholderSecrets(names, args, (line) => console.log(line));
  console.log(
    set.length === 0
      ? `All ${names.length} secrets were already set; nothing changed.`
      : `${set.length} placeholder(s) set, ${kept.length} secret(s) kept. \`npx ampx sandbox\` can deploy now; social sign-in works once each placeholder is replaced with the provider's real value (npx ampx sandbox secret set <NAME>).`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
