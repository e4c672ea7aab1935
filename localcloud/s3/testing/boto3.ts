import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Runs a snippet of Python with Debian's boto3 (/usr/bin/python3; the python3 on
 * PATH may be a shim without it) — an independent S3 client. The snippet gets
 * `s3`, a path-style SigV4 client for the endpoint and credentials, and `args`
 * (the JSON given); what it prints as JSON is returned.
 */
export async function boto3<T>(
  options: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } },
  snippet: string,
  args: unknown = {},
): Promise<T> {
  const program = [
    'import json, os, sys, boto3',
    'from botocore.config import Config',
    "s3 = boto3.client('s3', region_name=os.environ['REGION'], endpoint_url=os.environ['ENDPOINT'], aws_access_key_id=os.environ['AKID'],",
    "  aws_secret_access_key=os.environ['SECRET'], aws_session_token=os.environ.get('TOKEN') or None,",
    "  config=Config(signature_version='s3v4', s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))",
    "args = json.loads(os.environ['ARGS'])",
    snippet,
  ].join('\n');
  const { stdout } = await promisify(execFile)('/usr/bin/python3', ['-c', program], {
    env: {
      PATH: '/usr/bin:/bin',
      REGION: options.region,
      ENDPOINT: options.endpoint,
      AKID: options.credentials.accessKeyId,
      SECRET: options.credentials.secretAccessKey,
      TOKEN: options.credentials.sessionToken ?? '',
      ARGS: JSON.stringify(args),
    },
  });
  return JSON.parse(stdout) as T;
}
