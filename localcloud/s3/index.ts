import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { IamServices } from '../iam';
import type { SqliteDatabase } from '../iam/database';
import type { ProvisionedAssembly } from '../provisioning/types';
import { buildBuckets } from './buckets';
import { ObjectStore } from './object-store';
import { createS3Handler } from './service';

/**
 * S3 as a `{ name, matches, handle }` entry: the fallback for every request no
 * other service claims. Objects live under `<stateDir>/s3/`.
 */
export function createS3Service(options: { assembly: ProvisionedAssembly; db: SqliteDatabase; stateDir: string; iam: IamServices; now?: () => Date }) {
  const now = options.now ?? (() => new Date());
  const objects = new ObjectStore(options.db, join(options.stateDir, 's3'));
  const handle = createS3Handler({
    services: { buckets: buildBuckets(options.assembly), objects, authorizer: options.iam.authorizer, now },
    credentials: options.iam.credentials,
    region: options.assembly.region,
  });
  return { name: 's3', matches: (_req: IncomingMessage) => true, handle, objects };
}
