import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { assetsBucketName } from '../bootstrap/resources';
import type { IamServices } from '../iam';
import type { Db } from '../store/store';
import type { ProvisionedAssembly } from '../provisioning/types';
import { buildBuckets } from './buckets';
import { ObjectStore } from './object-store';
import { createS3Handler } from './service';

/**
 * S3 as a `{ name, matches, handle }` entry: the fallback for every request no
 * other service claims. Objects live under `<stateDir>/s3/`.
 */
export function createS3Service(options: { assembly: ProvisionedAssembly; db: Db; stateDir: string; iam: IamServices; now?: () => Date }) {
  const now = options.now ?? (() => new Date());
  const objects = new ObjectStore(options.db, join(options.stateDir, 's3'));
  const { accountId, region } = options.assembly;
  // The templates' buckets, and the CDK bootstrap assets bucket every local account has (the toolkit uploads zips and templates there).
  const buckets = [...buildBuckets(options.assembly), { name: assetsBucketName(accountId, region), arn: `arn:aws:s3:::${assetsBucketName(accountId, region)}`, cors: [], toolkit: true }];
  const handle = createS3Handler({
    services: { region: options.assembly.region, accountId: options.assembly.accountId, buckets, objects, authorizer: options.iam.authorizer, now },
    credentials: options.iam.credentials,
    region: options.assembly.region,
  });
  return {
    name: 's3',
    /**
     * Requests S3 answers: a path naming one of the buckets, the bucket-less
     * `POST /?delete`, or anything signed for the s3 service (an unknown bucket then
     * gets NoSuchBucket). Other unclaimed requests fall to the server's 404.
     */
    matches: (req: IncomingMessage) => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      const first = path.split('/')[1] ?? '';
      let bucket = first;
      try {
        bucket = decodeURIComponent(first);
      } catch {
        // not a bucket name then
      }
      if (buckets.some((b) => b.name === bucket)) return true;
      if (first === '' && q !== -1 && /(^|&)delete(=|&|$)/.test(url.slice(q + 1))) return true;
      const authorization = req.headers.authorization;
      if (typeof authorization === 'string' && /Credential=[^/,]+\/\d{8}\/[^/]+\/s3\/aws4_request/.test(authorization)) return true;
      return /[?&]X-Amz-Credential=[^&]*(%2F|\/)s3(%2F|\/)aws4_request/i.test(url);
    },
    handle,
    objects,
    /** After a state reset (rows deleted): delete the now unreferenced files. */
    reset: () => objects.collectGarbage(),
  };
}
