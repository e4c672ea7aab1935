import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Debian's AWS CLI (/usr/bin/aws; the `aws` on PATH may be a shim) with a
 * caller's credentials against the local cloud, in a home of its own: path-style
 * addressing, parts of 5 MiB from 5 MiB on (the smallest S3 takes). Resolves
 * with stdout; rejects with the error (its `stderr` holds the CLI's message).
 */
export function awsCli(options: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } }) {
  const home = mkdtempSync(join(tmpdir(), 'aws-cli-'));
  writeFileSync(join(home, 'config'), '[default]\ns3 =\n  addressing_style = path\n  multipart_threshold = 5MB\n  multipart_chunksize = 5MB\n');
  const env = {
    PATH: '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_ACCESS_KEY_ID: options.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: options.credentials.sessionToken ?? '',
    AWS_DEFAULT_REGION: options.region,
    AWS_PAGER: '',
  };
  return {
    home,
    run: async (...args: string[]) => (await promisify(execFile)('/usr/bin/aws', [...args, '--endpoint-url', options.endpoint], { env, maxBuffer: 16 * 1024 * 1024 })).stdout,
  };
}
