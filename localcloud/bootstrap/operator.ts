import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IamRole } from '../iam/iam-account';

/**
 * The operator: the local cloud's one long-term access key (AKIA...), for the
 * tools (ampx, cdk, the AWS CLI, boto3). Generated once per state folder and
 * written there as the AWS profile `localcloud` — `<state>/aws/credentials`
 * and `<state>/aws/config`, which `npm run sandbox` points AWS_SHARED_CREDENTIALS_FILE
 * and AWS_CONFIG_FILE at (never ~/.aws). Requests signed with it are verified
 * by SigV4 like every other key; its identity is the IAM user
 * `localcloud-operator` with an administrator policy.
 */
export const OPERATOR_PROFILE = 'localcloud';
export const OPERATOR_USER = 'localcloud-operator';

export interface OperatorKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface OperatorFiles {
  configFile: string;
  credentialsFile: string;
}

export const operatorFiles = (stateDir: string): OperatorFiles => ({
  configFile: join(stateDir, 'aws', 'config'),
  credentialsFile: join(stateDir, 'aws', 'credentials'),
});

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const randomId = (length: number) => [...randomBytes(length)].map((b) => ALPHABET[b % ALPHABET.length]).join('');

/** The `[localcloud]` section of an AWS credentials file, if it has one with both keys. */
function readProfile(text: string): OperatorKey | undefined {
  let inSection = false;
  const found: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      inSection = header[1].trim() === OPERATOR_PROFILE;
      continue;
    }
    const pair = /^([\w-]+)\s*=\s*(.*)$/.exec(line);
    if (inSection && pair) found[pair[1]] = pair[2].trim();
  }
  const { aws_access_key_id: accessKeyId, aws_secret_access_key: secretAccessKey } = found;
  return accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}

function writePrivate(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

/** The state folder's operator key: read from its credentials file, or generated and written there on first use. */
export function loadOperatorKey(stateDir: string): OperatorKey {
  const files = operatorFiles(stateDir);
  mkdirSync(join(stateDir, 'aws'), { recursive: true, mode: 0o700 });
  let key = existsSync(files.credentialsFile) ? readProfile(readFileSync(files.credentialsFile, 'utf8')) : undefined;
  if (!key) {
    key = { accessKeyId: `AKIA${randomId(16)}`, secretAccessKey: randomBytes(30).toString('base64') };
    writePrivate(files.credentialsFile, `[${OPERATOR_PROFILE}]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`);
  }
  return key;
}

/** The profile's config (region, endpoint), rewritten on every start: the port may differ. */
export function writeOperatorConfig(stateDir: string, profile: { region: string; endpointUrl: string }): void {
  const config = [`[profile ${OPERATOR_PROFILE}]`, `region = ${profile.region}`, `endpoint_url = ${profile.endpointUrl}`];
  writePrivate(operatorFiles(stateDir).configFile, `${config.join('\n')}\n`);
}

/** The operator as IAM sees it: a user with an administrator policy (AdministratorAccess). */
export function operatorPrincipal(accountId: string, key: OperatorKey): IamRole {
  return {
    name: OPERATOR_USER,
    arn: `arn:aws:iam::${accountId}:user/${OPERATOR_USER}`,
    // AIDA + 17, derived from the key so it is stable per state folder.
    roleId: `AIDA${key.accessKeyId.slice(4, 21)}`,
    logicalId: OPERATOR_USER,
    trustPolicy: { Statement: [] },
    policies: [{ name: 'AdministratorAccess', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
    unknownManagedPolicies: [],
  };
}

/** The environment that makes the AWS SDKs, the CLI and the CDK use the operator profile against the local cloud. */
export function operatorEnvironment(stateDir: string, options: { region: string; endpointUrl: string }): Record<string, string> {
  const files = operatorFiles(stateDir);
  return {
    AWS_CONFIG_FILE: files.configFile,
    AWS_SHARED_CREDENTIALS_FILE: files.credentialsFile,
    AWS_PROFILE: OPERATOR_PROFILE,
    AWS_REGION: options.region,
    AWS_ENDPOINT_URL: options.endpointUrl,
  };
}
