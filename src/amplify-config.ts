import { Amplify, type ResourcesConfig } from 'aws-amplify';
import { parseAmplifyConfig } from 'aws-amplify/utils';

/** The endpoints the local cloud writes into `amplify_outputs.json` → `custom.local_cloud`. */
export interface LocalCloudEndpoints {
  endpoint: string;
  userPoolEndpoint: string;
  identityPoolEndpoint: string;
  s3Endpoint: string;
  outbox: string;
}

/** The slice of the Gen 2 outputs file this app reads (the rest passes through to Amplify). */
export interface VaultOutputs {
  auth?: {
    aws_region: string;
    user_pool_id: string;
    user_pool_client_id: string;
    identity_pool_id?: string;
    groups?: Array<Record<string, { precedence?: number } | undefined>>;
    [key: string]: unknown;
  };
  storage?: { bucket_name: string; aws_region: string; [key: string]: unknown };
  custom?: {
    local_cloud?: Partial<LocalCloudEndpoints>;
    /** REST APIs added with `backend.addOutput({ custom: { API } })` (the admin API), as Amplify's REST config. */
    API?: Record<string, { endpoint: string; region?: string; apiName?: string }>;
    [key: string]: unknown;
  };
  version: string;
  [key: string]: unknown;
}

export type Backend =
  | { mode: 'aws'; region: string; userPoolId: string; groups: string[] }
  | { mode: 'local'; region: string; userPoolId: string; groups: string[]; localCloud: LocalCloudEndpoints };

/**
 * aws-amplify's S3 client accepts only this exact value as a custom endpoint
 * (path-style, plain HTTP): anything else throws InvalidCustomEndpoint.
 */
export const LOCAL_S3_ENDPOINT = 'http://localhost:20005';

const LOCAL_KEYS: Array<keyof LocalCloudEndpoints> = [
  'endpoint',
  'userPoolEndpoint',
  'identityPoolEndpoint',
  's3Endpoint',
  'outbox',
];

/** Local mode is exactly "the outputs carry custom.local_cloud"; AWS otherwise. */
export function describeBackend(outputs: VaultOutputs): Backend {
  if (!outputs.auth) {
    throw new Error('amplify_outputs.json has no "auth" section: run `npm run synth` or `npx ampx sandbox`.');
  }
  const base = {
    region: outputs.auth.aws_region,
    userPoolId: outputs.auth.user_pool_id,
    groups: (outputs.auth.groups ?? []).flatMap((entry) => Object.keys(entry)),
  };
  const local = outputs.custom?.local_cloud;
  if (local === undefined) return { mode: 'aws', ...base };
  const missing = LOCAL_KEYS.filter((key) => typeof local[key] !== 'string' || local[key] === '');
  if (missing.length > 0) {
    throw new Error(
      `amplify_outputs.json custom.local_cloud lacks ${missing.join(', ')}: regenerate it with \`npm run synth\`.`,
    );
  }
  const endpoints = local as LocalCloudEndpoints;
  if (endpoints.s3Endpoint.replace(/\/$/, '') !== LOCAL_S3_ENDPOINT) {
    throw new Error(
      `custom.local_cloud.s3Endpoint is ${endpoints.s3Endpoint}, but aws-amplify can only reach S3 over HTTP at ${LOCAL_S3_ENDPOINT}.`,
    );
  }
  return { mode: 'local', ...base, localCloud: endpoints };
}

/** The Amplify configuration for these outputs, with the local endpoints set in local mode. */
export function buildAmplifyConfig(outputs: VaultOutputs): ResourcesConfig {
  const backend = describeBackend(outputs);
  const parsed = parseAmplifyConfig(outputs as Parameters<typeof parseAmplifyConfig>[0]);
  // The REST APIs the backend put in `custom.API` (Amplify's documented way for a CDK REST API).
  const config: ResourcesConfig = outputs.custom?.API ? { ...parsed, API: { ...parsed.API, REST: outputs.custom.API } } : parsed;
  if (backend.mode === 'aws') return config;
  const cognito = config.Auth?.Cognito;
  if (!cognito) throw new Error('amplify_outputs.json has no Cognito configuration.');
  const s3 = config.Storage?.S3;
  return {
    ...config,
    Auth: {
      ...config.Auth,
      Cognito: {
        ...cognito,
        userPoolEndpoint: backend.localCloud.userPoolEndpoint,
        identityPoolEndpoint: backend.localCloud.identityPoolEndpoint,
      },
    } as ResourcesConfig['Auth'],
    ...(s3 ? { Storage: { ...config.Storage, S3: { ...s3, dangerouslyConnectToHttpEndpointForTesting: LOCAL_S3_ENDPOINT } } } : {}),
  };
}

let configured: Backend | undefined;

/** Configures Amplify once for the whole app (called from main.tsx). */
export function configureAmplify(outputs: VaultOutputs): Backend {
  if (configured) return configured;
  const backend = describeBackend(outputs);
  Amplify.configure(buildAmplifyConfig(outputs));
  configured = backend;
  return backend;
}

/** What configureAmplify chose; pages that call AWS SDK clients directly (admin) read it. */
export function currentBackend(): Backend {
  if (!configured) throw new Error('configureAmplify() has not run yet.');
  return configured;
}

/** Test hook: forget the configured backend. */
export function resetConfiguredBackendForTests(): void {
  configured = undefined;
}
