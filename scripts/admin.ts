import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCognitoIdp } from '../localcloud/cognito-idp/index.ts';
import { ADMIN_TARGETS } from '../localcloud/cognito-idp/admin/router.ts';
import { noTriggers } from '../localcloud/lambda/cognito-triggers.ts';
import { loadCloudAssembly } from '../localcloud/provisioning/cloud-assembly.ts';
import { systemClock } from '../localcloud/services/clock.ts';
import { loadKeys } from '../localcloud/services/keys.ts';
import { createOutbox } from '../localcloud/services/outbox.ts';
import { DATABASE_FILE, openStore } from '../localcloud/store/store.ts';
import { ASSEMBLY_DIR, LOCAL_CLOUD_URL } from './synth-context.ts';

/**
 * `npm run admin -- add EMAIL | remove EMAIL | list`: makes an existing user of
 * the local cloud an administrator (group ADMINS), or stops them being one.
 * It runs the user pool's own AdminAddUserToGroup / AdminRemoveUserFromGroup —
 * what the post-confirmation trigger calls for ADMIN_EMAILS — on the local
 * cloud's state (LOCALCLOUD_STATE, default .localcloud/), whether or not the
 * local cloud is running (SQLite in WAL mode serves both). The user gets the
 * group, and with it the ADMINS role, in the tokens of their next sign-in.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ADMIN_GROUP = 'ADMINS';

const USAGE = `Usage: npm run admin -- <command>
  add <email>      make an existing user an administrator (group ${ADMIN_GROUP})
  remove <email>   take the user out of ${ADMIN_GROUP}
  list             list the administrators

Acts on the local cloud's state (LOCALCLOUD_STATE, default .localcloud/), running or not,
provisioned from .amplify/synth/cdk.out (--assembly <dir> for another).
The change shows in the user's tokens at their next sign-in (or token refresh).
Against AWS, use: aws cognito-idp admin-add-user-to-group --user-pool-id <id> --username <email> --group-name ${ADMIN_GROUP}`;

export class UsageError extends Error {}

export interface AdminCliOptions {
  stateDir: string;
  assemblyDir: string;
  out: (line: string) => void;
}

export async function runAdminCommand(args: string[], options: AdminCliOptions): Promise<void> {
  const [command, email, ...extra] = args;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    options.out(USAGE);
    return;
  }
  if (!['add', 'remove', 'list'].includes(command)) throw new UsageError(`Unknown command "${command}".\n${USAGE}`);
  if (command !== 'list' && !email) throw new UsageError(`Missing the user's email.\n${USAGE}`);
  if (extra.length > 0 || (command === 'list' && email)) throw new UsageError(`Too many arguments.\n${USAGE}`);
  if (!existsSync(join(options.assemblyDir, 'manifest.json'))) {
    throw new UsageError(`No cloud assembly at ${options.assemblyDir}: run \`npm run synth\` (or \`npm start\`) first.`);
  }
  if (!existsSync(join(options.stateDir, DATABASE_FILE))) {
    throw new UsageError(`The local cloud has no state in ${options.stateDir} yet: run \`npm start\` and sign up first.`);
  }

  const assembly = loadCloudAssembly(options.assemblyDir);
  const store = openStore(options.stateDir);
  try {
    const cognito = createCognitoIdp({
      store,
      clock: systemClock,
      keys: loadKeys(store),
      outbox: createOutbox(store, systemClock),
      triggers: noTriggers,
      assembly,
      baseUrl: () => LOCAL_CLOUD_URL,
    });
    const pool = cognito.pools.all().find((p) => p.groups.some((g) => g.name === ADMIN_GROUP));
    if (!pool) throw new UsageError(`No user pool of the backend has a group ${ADMIN_GROUP}.`);
    const call = (operation: string, input: Record<string, unknown>) =>
      ADMIN_TARGETS[operation](cognito.services)({ operation, sourceIp: '127.0.0.1' }, { UserPoolId: pool.id, GroupName: ADMIN_GROUP, ...input }) as Promise<Record<string, unknown>>;

    try {
      if (command === 'list') {
        const members = (await call('ListUsersInGroup', {})).Users as { Username: string; Attributes: { Name: string; Value: string }[] }[];
        if (members.length === 0) options.out(`No administrators (group ${ADMIN_GROUP} of ${pool.id} is empty).`);
        for (const member of members) {
          options.out(` - ${member.Attributes.find((a) => a.Name === 'email')?.Value ?? member.Username}`);
        }
        return;
      }
      const user = cognito.users.bySignInName(pool, email!);
      if (command === 'add') {
        if (user && cognito.users.groupsOf(pool, user.username).includes(ADMIN_GROUP)) {
          options.out(`${email} is already in ${ADMIN_GROUP}.`);
          return;
        }
        await call('AdminAddUserToGroup', { Username: email });
        options.out(`Added ${email} to ${ADMIN_GROUP}: the ADMINS role applies from their next sign-in.`);
      } else {
        if (user && !cognito.users.groupsOf(pool, user.username).includes(ADMIN_GROUP)) {
          options.out(`${email} is not in ${ADMIN_GROUP}.`);
          return;
        }
        await call('AdminRemoveUserFromGroup', { Username: email });
        options.out(`Removed ${email} from ${ADMIN_GROUP}: tokens they already hold keep the group until they expire.`);
      }
    } catch (error) {
      if (error instanceof Error && error.name === 'UserNotFoundException') {
        throw new UsageError(`No user ${email} in ${pool.id}: they must sign up first.`);
      }
      throw error;
    }
  } finally {
    store.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--assembly');
  const assemblyDir = at >= 0 ? resolve(args.splice(at, 2)[1] ?? '') : join(ROOT, ASSEMBLY_DIR);
  runAdminCommand(args, {
    stateDir: resolve(ROOT, process.env.LOCALCLOUD_STATE ?? '.localcloud'),
    assemblyDir,
    out: (line) => console.log(line),
  }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
