import { dirname, join } from 'node:path';
import type { RoleCredentials } from './credentials';
import type { LambdaFunction } from './functions';

export interface EnvironmentContext {
  region: string;
  /** Where the function's AWS SDK calls go (the local cloud). */
  endpointUrl: string;
  credentials: RoleCredentials;
  /** Folder of the runtime's bootstrap (LAMBDA_RUNTIME_DIR). */
  runtimeDirectory: string;
  /** Log stream of this execution environment. */
  logStreamName: string;
}

/**
 * The environment Lambda gives a function: its template variables, then the
 * reserved variables (which a template cannot override), then the local
 * cloud's routing (`AWS_ENDPOINT_URL`). Nothing of the local cloud's own
 * environment leaks in; in particular no AWS credentials or profiles of the
 * developer's machine.
 */
export function lambdaEnvironment(fn: LambdaFunction, context: EnvironmentContext): Record<string, string> {
  const nodeBin = dirname(process.execPath);
  const runtimeName = fn.runtime.startsWith('nodejs') ? fn.runtime : 'nodejs22.x';
  return {
    ...fn.environment,
    // Reserved by Lambda.
    _HANDLER: fn.handler,
    AWS_REGION: context.region,
    AWS_DEFAULT_REGION: context.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${runtimeName}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: context.logStreamName,
    AWS_ACCESS_KEY_ID: context.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: context.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: context.credentials.sessionToken,
    LAMBDA_TASK_ROOT: fn.codeDirectory,
    LAMBDA_RUNTIME_DIR: context.runtimeDirectory,
    // Unreserved but always set by Lambda.
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    PATH: `${nodeBin}:/usr/local/bin:/usr/bin/:/bin:/opt/bin`,
    // Local routing: every AWS SDK v3 client sends its calls to the local cloud.
    AWS_ENDPOINT_URL: context.endpointUrl,
    // No shared config or credentials files: only the execution role's credentials count.
    AWS_CONFIG_FILE: join(context.runtimeDirectory, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(context.runtimeDirectory, 'no-aws-credentials'),
  };
}
