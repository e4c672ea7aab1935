import { readFileSync } from 'node:fs';
import type { ServiceContext, LocalCloudService } from '../server';
import type { ObjectStore } from '../s3/object-store';
import type { ProvisionedAssembly } from '../provisioning/types';
import type { Store } from '../store/store';

/**
 * The local cloud's side of a deployment (server.ts wires these into the
 * engine's DeploymentTarget): reading the local S3, forgetting what a deleted
 * stack owned, and carrying over what no stack provisions.
 */

function objectStoreOf(services: readonly LocalCloudService[]): ObjectStore | undefined {
  return (services.find((s) => s.name === 's3') as (LocalCloudService & { objects?: ObjectStore }) | undefined)?.objects;
}

/** An object's bytes from the local S3, or undefined when there is none. */
export function readObjectBytes(services: readonly LocalCloudService[], bucket: string, key: string): Buffer | undefined {
  const objects = objectStoreOf(services);
  const object = objects?.get(bucket, key);
  if (!objects || !object) return undefined;
  if (object.data) return object.data;
  return Buffer.concat(object.segments.map((segment) => readFileSync(objects.blobPath(segment.file))));
}

/**
 * A deleted stack's data: the users, groups, devices, codes and tokens of its
 * user pools, the identities of its identity pools (every table keyed by
 * `pool_id`), and its buckets' objects (Custom::S3AutoDeleteObjects' work; a
 * stack without it could not delete a full bucket on AWS either, offline it is emptied).
 */
export function forgetOwnedState(store: Store, owned: ProvisionedAssembly, services: readonly LocalCloudService[]): void {
  const pools = [...owned.ofType('AWS::Cognito::UserPool'), ...owned.ofType('AWS::Cognito::IdentityPool')].map((r) => r.ref);
  const buckets = owned.ofType('AWS::S3::Bucket').map((r) => r.ref);
  const db = store.db;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  const columns = (table: string) => (db.prepare(`PRAGMA table_info("${table.replace(/"/g, '""')}")`).all() as { name: string }[]).map((c) => c.name);
  db.transaction(() => {
    // Rows reference each other (an identity's logins): checked once all are gone, at commit.
    db.pragma('defer_foreign_keys = ON');
    for (const { name } of tables) {
      const has = columns(name);
      const quoted = `"${name.replace(/"/g, '""')}"`;
      if (pools.length > 0 && has.includes('pool_id')) {
        db.prepare(`DELETE FROM ${quoted} WHERE pool_id IN (${pools.map(() => '?').join(',')})`).run(...pools);
      }
      if (buckets.length > 0 && name.startsWith('s3_') && has.includes('bucket')) {
        db.prepare(`DELETE FROM ${quoted} WHERE bucket IN (${buckets.map(() => '?').join(',')})`).run(...buckets);
      }
    }
  })();
  // The objects' files, now unreferenced.
  objectStoreOf(services)?.collectGarbage();
}

/** Roles the local cloud added itself (no stack provisions them: CDK bootstrap roles, test roles) outlive a rebuild. */
export function keepRuntimeRoles(previous: ServiceContext, next: ServiceContext): void {
  if (!previous.iam) return;
  for (const [arn, role] of previous.iam.account.roles) {
    if (next.iam.account.roles.has(arn) || previous.assembly.find(arn)) continue;
    next.iam.account.addRole(role);
  }
}

/** An account with nothing deployed (every stack deleted, the startup assembly replaced). */
export function emptyAssemblyLike(assembly: ProvisionedAssembly): ProvisionedAssembly {
  return {
    ...assembly,
    resources: [],
    ofType: () => [],
    find: () => undefined,
    rootOutputs: {},
    rootMetadata: {},
    assetPath: () => undefined,
  };
}
