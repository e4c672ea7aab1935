/**
 * Where the local cloud serves API Gateway's REST APIs: path-style under its
 * own port, `<local cloud>/_aws/execute-api/<apiId>/<stage>/<path>` for AWS's
 * `https://<apiId>.execute-api.<region>.amazonaws.com/<stage>/<path>` (README.md says why).
 */
export const EXECUTE_API_PREFIX = '/_aws/execute-api/';

/** The stage's base URL offline. */
export function localExecuteApiUrl(localCloudUrl: string, apiId: string, stage: string): string {
  return `${localCloudUrl}${EXECUTE_API_PREFIX}${apiId}/${stage}`;
}
