import { DEFAULT_CLIENT_CONFIG_VERSION, generateClientConfig } from '@aws-amplify/client-config';
import { localExecuteApiUrl } from '../apigateway/url';
import type { ProvisionedAssembly } from './types';

/** Endpoints the web app's config module points aws-amplify at in local mode. */
export interface LocalCloudEndpoints {
  endpoint: string;
  userPoolEndpoint: string;
  identityPoolEndpoint: string;
  s3Endpoint: string;
  outbox: string;
}

export function localCloudEndpoints(endpoint: string): LocalCloudEndpoints {
  return {
    endpoint,
    userPoolEndpoint: endpoint,
    identityPoolEndpoint: endpoint,
    s3Endpoint: endpoint,
    outbox: `${endpoint}/_localcloud/outbox`,
  };
}

/**
 * amplify_outputs.json for the provisioned assembly, made, in the schema version ampx writes, by Amplify's own
 * generator (`@aws-amplify/client-config`): its CloudFormation client is
 * answered from the templates instead of a deployed stack. Local endpoints go
 * in `custom.local_cloud`; an outputs file without it means "talk to AWS".
 */
export async function generateLocalClientOutputs(
  assembly: ProvisionedAssembly,
  endpoint: string,
  /** The user pool's domain offline (`localhost:20443`): where aws-amplify opens the hosted UI. */
  oauthDomain?: string,
): Promise<Record<string, unknown>> {
  const cloudFormation = {
    send: async (command: { constructor: { name: string } }) => {
      switch (command.constructor.name) {
        case 'GetTemplateSummaryCommand':
          return { Metadata: JSON.stringify(assembly.rootMetadata) };
        case 'DescribeStacksCommand':
          return {
            Stacks: [
              {
                StackName: assembly.rootStackName,
                StackStatus: 'CREATE_COMPLETE',
                Outputs: Object.entries(assembly.rootOutputs).map(([OutputKey, OutputValue]) => ({
                  OutputKey,
                  OutputValue,
                })),
              },
            ],
          };
        default:
          throw new Error(`The local cloud cannot answer ${command.constructor.name} offline.`);
      }
    },
  };
  const offline = {
    send: async () => {
      throw new Error('Generating outputs offline needs no S3 or Amplify service calls.');
    },
  };
  const backendId = backendIdentifierOf(assembly.rootStackName);
  const config = await generateClientConfig(backendId, DEFAULT_CLIENT_CONFIG_VERSION, {
    getCloudFormationClient: () => cloudFormation as never,
    getS3Client: () => offline as never,
    getAmplifyClient: () => offline as never,
  });
  const auth = (config as { auth?: { oauth?: { domain?: string } } }).auth;
  if (auth?.oauth && oauthDomain) auth.oauth.domain = oauthDomain;
  const local = localExecuteApiUrls(assembly, endpoint, { ...config, custom: { ...(config as { custom?: object }).custom, local_cloud: localCloudEndpoints(endpoint) } });
  return local as Record<string, unknown>;
}

/**
 * Every execute-api URL of a REST API of the assembly, wherever the backend
 * put it (`custom`, `API.REST`, ...): `https://<apiId>.execute-api.<region>.amazonaws.com/<stage>/...`
 * becomes the local cloud's `<endpoint>/_aws/execute-api/<apiId>/<stage>/...`.
 */
export function localExecuteApiUrls(assembly: ProvisionedAssembly, endpoint: string, value: unknown): unknown {
  const ids = new Set(assembly.ofType('AWS::ApiGateway::RestApi').map((api) => api.ref));
  if (ids.size === 0) return value;
  const suffix = `.execute-api.${assembly.region}.amazonaws.com`.replace(/\./g, '\\.');
  const url = new RegExp(`https://([a-z0-9]+)${suffix}(?=/|$|[^A-Za-z0-9.-])`, 'g');
  const rewrite = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(url, (whole, id: string) => (ids.has(id) ? localExecuteApiUrl(endpoint, id, '').slice(0, -1) : whole));
    if (Array.isArray(v)) return v.map(rewrite);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rewrite(x)]));
    return v;
  };
  return rewrite(value);
}

/**
 * An amplify_outputs.json that the real ampx wrote after deploying into the
 * local cloud (`npm run sandbox`), made to send the app there: the local
 * endpoints in `custom.local_cloud`, the pool's domain on the local HTTPS
 * listener, and every execute-api URL on the local cloud's path-style form.
 * Everything this file names was deployed into the local cloud, so every API is local.
 */
export function localizeDeployedOutputs(outputs: Record<string, unknown>, endpoint: string, oauthDomain?: string): Record<string, unknown> {
  const url = /https:\/\/([a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com(?=\/|$)/g;
  const rewrite = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(url, (_whole, id: string) => localExecuteApiUrl(endpoint, id, '').slice(0, -1));
    if (Array.isArray(v)) return v.map(rewrite);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rewrite(x)]));
    return v;
  };
  const local = rewrite(outputs) as { auth?: { oauth?: { domain?: string } }; custom?: Record<string, unknown> };
  if (local.auth?.oauth && oauthDomain) local.auth.oauth.domain = oauthDomain;
  return { ...local, custom: { ...local.custom, local_cloud: localCloudEndpoints(endpoint) } };
}

/** amplify-<namespace>-<name>-<type>-<hash> → the backend identifier. */
function backendIdentifierOf(stackName: string) {
  const match = /^amplify-([^-]+)-(.+)-(sandbox|branch)-[0-9a-f]+$/.exec(stackName);
  if (!match) return { stackName };
  return { namespace: match[1], name: match[2], type: match[3] as 'sandbox' | 'branch' };
}
