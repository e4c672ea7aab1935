import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCloudAssembly } from '../localcloud/provisioning/cloud-assembly.ts';
import { type BackendIdentifier, SECRET_NAME, secretPath, secretPrefix } from '../localcloud/secrets/parameter-paths.ts';
import { requiredSecretNames } from '../localcloud/secrets/required-secrets.ts';
import { SecretStore } from '../localcloud/secrets/secret-store.ts';
import { ASSEMBLY_DIR, SYNTH_CONTEXT } from './synth-context.ts';

/**
 * `npm run secret -- set NAME | list | remove NAME | remove --all`: the local
 * cloud's `npx ampx sandbox secret`. Secrets are stored under the same SSM
 * parameter names ampx would use for this backend, in the local cloud's state
 * folder (LOCALCLOUD_STATE, default .localcloud/). The value is read from a
 * hidden prompt, or from stdin when piped (one trailing newline dropped); it is
 * never printed or logged.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const LOCAL_BACKEND: BackendIdentifier = {
  namespace: SYNTH_CONTEXT['amplify-backend-namespace'],
  name: SYNTH_CONTEXT['amplify-backend-name'],
  type: SYNTH_CONTEXT['amplify-backend-type'],
};

export function stateDirectory(env = process.env): string {
  return resolve(ROOT, env.LOCALCLOUD_STATE ?? '.localcloud');
}

const USAGE = `Usage: npm run secret -- <command>
  set <name>       set a secret (value from a hidden prompt, or piped on stdin)
  list             list the secrets' names, and those amplify/ needs that are not set
  remove <name>    remove a secret
  remove --all     remove every secret`;

/** The secrets amplify/ names (its synthesized secret fetcher), when it has been synthesized. */
export function neededSecretNames(root = ROOT): string[] {
  const assemblyDir = resolve(root, ASSEMBLY_DIR);
  return existsSync(join(assemblyDir, 'manifest.json')) ? requiredSecretNames(loadCloudAssembly(assemblyDir)) : [];
}

export class UsageError extends Error {}

export interface SecretCliIo {
  stdin: NodeJS.ReadStream | NodeJS.ReadableStream;
  out: (line: string) => void;
  isTTY?: boolean;
}

export async function runSecretCommand(args: string[], io: SecretCliIo, store: SecretStore, needed: string[] = []): Promise<void> {
  const [command, ...rest] = args;
  const name = rest[0];
  const requireName = () => {
    if (!name) throw new UsageError(`Missing secret name.\n${USAGE}`);
    if (!SECRET_NAME.test(name)) {
      throw new UsageError(`Invalid secret name provided: ${name}. Use a secret name that matches [a-zA-Z0-9_.-]+`);
    }
    return name;
  };
  switch (command) {
    case 'set': {
      const secretName = requireName();
      const value = await readSecretValue(io);
      if (value.length === 0) throw new UsageError('The secret value is empty; nothing was stored.');
      const version = store.set(secretPath(LOCAL_BACKEND, secretName), value);
      io.out(`Successfully created version ${version} of secret ${secretName}`);
      return;
    }
    case 'list': {
      const prefix = secretPrefix(LOCAL_BACKEND);
      const names = store.list(prefix).map((s) => s.name.slice(prefix.length + 1));
      if (names.length === 0) {
        io.out('No sandbox secrets found. To create a secret use npm run secret -- set <secret-name>.');
      } else {
        for (const n of names) io.out(` - ${n}`);
      }
      const unset = needed.filter((n) => !names.includes(n));
      if (unset.length > 0) {
        io.out('');
        io.out(`Needed by amplify/ but not set (the local cloud uses placeholders; for AWS see npm run sandbox-secrets):`);
        for (const n of unset) io.out(` - ${n}`);
      }
      return;
    }
    case 'remove': {
      if (name === '--all') {
        for (const s of store.list(secretPrefix(LOCAL_BACKEND))) store.remove(s.name);
        io.out('Successfully removed all secrets');
        return;
      }
      const secretName = requireName();
      if (!store.remove(secretPath(LOCAL_BACKEND, secretName))) {
        throw new UsageError(`Secret ${secretName} does not exist.`);
      }
      io.out(`Successfully removed secret ${secretName}`);
      return;
    }
    default:
      throw new UsageError(command ? `Unknown command "${command}".\n${USAGE}` : USAGE);
  }
}

async function readSecretValue(io: SecretCliIo): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream;
  if (io.isTTY ?? stdin.isTTY) return promptHidden(stdin);
  let value = '';
  for await (const chunk of io.stdin) value += chunk.toString();
  return value.replace(/\r?\n$/, '');
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(stdin: NodeJS.ReadStream): Promise<string> {
  process.stderr.write('Enter secret value: ');
  return new Promise((resolvePromise, reject) => {
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolvePromise(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('Cancelled.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const store = new SecretStore(stateDirectory());
  runSecretCommand(process.argv.slice(2), { stdin: process.stdin, out: (line) => console.log(line) }, store, neededSecretNames()).catch(
    (error: unknown) => {
      // Messages never contain the value.
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
