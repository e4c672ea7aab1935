import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize, synthInputHash } from '../../../scripts/synth';
import { ASSEMBLY_DIR, SYNTH_DIR } from '../../../scripts/synth-context';
import { loadCloudAssembly } from '../../provisioning/cloud-assembly';
import type { ProvisionedAssembly } from '../../provisioning/types';

/**
 * The synthesized backend for tests, with ADMIN_EMAILS as given: the project's
 * own .amplify/synth/cdk.out when it was synthesized from the same input (vitest's
 * global setup keeps it current), otherwise synthesized once per input
 * (amplify/, lockfile, ADMIN_EMAILS) into the temp folder and shared by the test
 * files that ask for the same input.
 */
export function synthesizedAssembly(adminEmails = ''): ProvisionedAssembly {
  const previous = process.env.ADMIN_EMAILS;
  process.env.ADMIN_EMAILS = adminEmails;
  try {
    const input = synthInputHash();
    const projectHash = join(SYNTH_DIR, 'input-hash');
    if (existsSync(join(ASSEMBLY_DIR, 'manifest.json')) && existsSync(projectHash) && readFileSync(projectHash, 'utf8') === input) {
      return loadCloudAssembly(ASSEMBLY_DIR);
    }
    const key = createHash('sha256').update(input).digest('hex').slice(0, 16);
    const root = join(tmpdir(), 'localcloud-test-assemblies');
    const dir = join(root, key);
    if (!existsSync(join(dir, 'manifest.json'))) {
      mkdirSync(root, { recursive: true });
      const mine = `${dir}.${process.pid}`;
      synthesize(mine);
      try {
        renameSync(mine, dir);
      } catch {
        rmSync(mine, { recursive: true, force: true }); // another test file won the race
      }
    }
    return loadCloudAssembly(dir);
  } finally {
    if (previous === undefined) delete process.env.ADMIN_EMAILS;
    else process.env.ADMIN_EMAILS = previous;
  }
}
