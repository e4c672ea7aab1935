import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digest } from '../provisioning/ids';
import type { ProvisionedAssembly, ProvisionedResource } from '../provisioning/types';

/** A Lambda function as the templates declare it, ready to run locally. */
export interface LambdaFunction {
  /** Physical name (what `Ref` returns). */
  name: string;
  arn: string;
  /** Amplify's `amplify:friendly-name` tag (e.g. "pre-sign-up"), else the logical id. */
  friendlyName: string;
  logicalId: string;
  /** Folder holding the code it runs (the asset in the cloud assembly, or what UpdateFunctionCode gave it). */
  codeDirectory: string;
  /** The template's code: `s3:<S3Key>` (the asset's content hash) or `inline:<digest>`; a deployment changes the code only when this changes. */
  codeSource: string;
  /** e.g. "index.handler". */
  handler: string;
  /** e.g. "nodejs22.x". */
  runtime: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** Environment.Variables from the template (resolved). */
  environment: Record<string, string>;
  /** The execution role's ARN. */
  roleArn: string;
  /** ReservedConcurrentExecutions: the most invocations in flight at once (else the account's limit). */
  reservedConcurrency?: number;
}

/** Lambda's defaults when a template leaves a property out. */
const DEFAULT_TIMEOUT_SECONDS = 3;
const DEFAULT_MEMORY_MB = 128;

export class FunctionDefinitionError extends Error {}

/**
 * Every AWS::Lambda::Function of the assembly that the local cloud can run:
 * Node.js runtimes with their code in an asset folder or inline (ZipFile).
 * Others are reported in `skipped` with the reason.
 */
export function functionsFromAssembly(assembly: ProvisionedAssembly): {
  functions: LambdaFunction[];
  skipped: { logicalId: string; reason: string }[];
} {
  const functions: LambdaFunction[] = [];
  const skipped: { logicalId: string; reason: string }[] = [];
  for (const resource of assembly.ofType('AWS::Lambda::Function')) {
    try {
      functions.push(functionFromResource(assembly, resource));
    } catch (error) {
      if (!(error instanceof FunctionDefinitionError)) throw error;
      skipped.push({ logicalId: resource.logicalId, reason: error.message });
    }
  }
  return { functions, skipped };
}

export function functionFromResource(assembly: ProvisionedAssembly, resource: ProvisionedResource): LambdaFunction {
  const p = resource.properties;
  const runtime = typeof p.Runtime === 'string' ? p.Runtime : '';
  if (!runtime.startsWith('nodejs')) {
    throw new FunctionDefinitionError(`runtime "${runtime || '(none)'}" is not supported locally (Node.js only)`);
  }
  const code = p.Code ?? {};
  let codeDirectory: string | undefined;
  let codeSource: string;
  if (typeof code.S3Key === 'string') {
    codeSource = `s3:${code.S3Key}`;
    codeDirectory = assembly.assetPath(code.S3Key);
    if (!codeDirectory) throw new FunctionDefinitionError(`no asset for ${code.S3Key} in the cloud assembly`);
  } else if (typeof code.ZipFile === 'string') {
    const hash = digest(code.ZipFile).toString('hex').slice(0, 16);
    codeSource = `inline:${hash}`;
    codeDirectory = join(tmpdir(), 'localcloud-inline-functions', hash);
    mkdirSync(codeDirectory, { recursive: true });
    writeFileSync(join(codeDirectory, 'index.js'), code.ZipFile);
  } else {
    throw new FunctionDefinitionError('its Code is neither an S3 asset nor inline');
  }
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries<unknown>(p.Environment?.Variables ?? {})) {
    if (typeof value === 'string') environment[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') environment[key] = String(value);
    // Unresolvable values (deploy-time only) are left out, as an empty variable would mislead.
  }
  const tags: { Key: string; Value: string }[] = Array.isArray(p.Tags) ? p.Tags : [];
  return {
    name: resource.ref,
    arn: resource.arn ?? resource.ref,
    friendlyName: tags.find((t) => t.Key === 'amplify:friendly-name')?.Value ?? resource.logicalId,
    logicalId: resource.logicalId,
    codeDirectory,
    codeSource,
    handler: typeof p.Handler === 'string' ? p.Handler : 'index.handler',
    runtime,
    timeoutSeconds: Number(p.Timeout ?? DEFAULT_TIMEOUT_SECONDS),
    memoryMb: Number(p.MemorySize ?? DEFAULT_MEMORY_MB),
    environment,
    roleArn: typeof p.Role === 'string' ? p.Role : '',
    reservedConcurrency: Number.isInteger(p.ReservedConcurrentExecutions) && p.ReservedConcurrentExecutions >= 0 ? p.ReservedConcurrentExecutions : undefined,
  };
}
