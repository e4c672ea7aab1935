import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProvisionedAssembly } from '../provisioning/types';
import { UNRESOLVED } from '../provisioning/types';
import { secretPath, type BackendIdentifier } from '../secrets/parameter-paths';
import type { SecretStore } from '../secrets/secret-store';

/**
 * The social identity providers a user pool federates with, as the templates
 * declare them (AWS::Cognito::UserPoolIdentityProvider), with the secrets
 * Amplify's secret fetcher would read at deploy time resolved from the local
 * secret store (`npm run secret`). This is the one contract between the two
 * sides of federation in the local cloud: Cognito's side (hosted UI,
 * /oauth2/idpresponse) sends these credentials to a provider, and the
 * emulated providers accept exactly these as their registered app.
 */
export type SocialProviderType = 'Google' | 'SignInWithApple' | 'LoginWithAmazon' | 'Facebook';
export const SOCIAL_PROVIDER_TYPES: readonly SocialProviderType[] = ['Google', 'SignInWithApple', 'LoginWithAmazon', 'Facebook'];

export interface ProviderRegistration {
  poolId: string;
  /** ProviderName, what `identity_provider=` names and usernames are prefixed with (`Google_<sub>`). */
  providerName: string;
  providerType: SocialProviderType;
  /** User pool attribute → provider attribute, as the template maps them. */
  attributeMapping: Record<string, string>;
  /** ProviderDetails with secrets resolved: client_id, client_secret (Google, Amazon, Facebook),
   * team_id, key_id, private_key (Apple, a PEM), authorize_scopes. */
  details: Record<string, string>;
  /** Secret names that are not set and were replaced by a placeholder. */
  placeholders: string[];
}

/** The emulated provider's endpoints, under the HTTPS listener's origin (`https://localhost:20443`). */
export interface ProviderEndpoints {
  /** Where the browser is sent to sign in and consent. */
  authorize: string;
  /** Code → tokens (server to server). */
  token: string;
  /** OIDC providers: the id token's key set and issuer. */
  jwks?: string;
  issuer?: string;
  /** OAuth 2.0 providers: the profile the access token reads. */
  userInfo?: string;
}

export const PROVIDER_PATH_PREFIX = '/_providers';

export function emulatedEndpoints(origin: string, type: SocialProviderType): ProviderEndpoints {
  switch (type) {
    case 'Google': {
      const base = `${origin}${PROVIDER_PATH_PREFIX}/google`;
      return { authorize: `${base}/o/oauth2/v2/auth`, token: `${base}/token`, jwks: `${base}/oauth2/v3/certs`, issuer: 'https://accounts.google.com', userInfo: `${base}/v1/userinfo` };
    }
    case 'SignInWithApple': {
      const base = `${origin}${PROVIDER_PATH_PREFIX}/apple`;
      return { authorize: `${base}/auth/authorize`, token: `${base}/auth/token`, jwks: `${base}/auth/keys`, issuer: 'https://appleid.apple.com' };
    }
    case 'LoginWithAmazon': {
      const base = `${origin}${PROVIDER_PATH_PREFIX}/amazon`;
      return { authorize: `${base}/ap/oa`, token: `${base}/auth/o2/token`, userInfo: `${base}/user/profile` };
    }
    case 'Facebook': {
      const base = `${origin}${PROVIDER_PATH_PREFIX}/facebook`;
      return { authorize: `${base}/v17.0/dialog/oauth`, token: `${base}/v17.0/oauth/access_token`, userInfo: `${base}/v17.0/me` };
    }
  }
}

const SECRET_FETCHER = 'Custom::AmplifySecretFetcherResource';

/** A placeholder for an unset secret: stable, obviously local, and for Apple's key a real key made once per state folder. */
function placeholder(stateDir: string, secretName: string, detail: string): string {
  if (detail === 'private_key') return applePlaceholderKey(stateDir);
  return `local-placeholder-${secretName.toLowerCase().replace(/_/g, '-')}`;
}

function applePlaceholderKey(stateDir: string): string {
  const dir = join(stateDir, 'identity-providers');
  const file = join(dir, 'apple-placeholder-key.pem');
  if (existsSync(file)) return readFileSync(file, 'utf8');
  mkdirSync(dir, { recursive: true });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(file, pem, { mode: 0o600 });
  return pem;
}

export interface ProviderRegistrations {
  /** Every social provider of every pool, secrets read now (they may change while the cloud runs). */
  all(): ProviderRegistration[];
  find(poolId: string, providerName: string): ProviderRegistration | undefined;
}

export function createProviderRegistrations(deps: { assembly: ProvisionedAssembly; secrets: SecretStore; stateDir: string }): ProviderRegistrations {
  const { assembly, secrets, stateDir } = deps;
  const fetchers = new Map(assembly.ofType(SECRET_FETCHER).map((r) => [r.logicalId, r]));

  const resolveDetail = (detail: string, value: unknown, placeholders: string[]): string => {
    if (typeof value === 'string') return value;
    const what = (value as Record<string, string> | undefined)?.[UNRESOLVED];
    const [logicalId, secretName] = String(what ?? '').split('.');
    const fetcher = fetchers.get(logicalId);
    if (!fetcher || !secretName) throw new Error(`ProviderDetails.${detail} is not a string or an Amplify secret (${JSON.stringify(value)}).`);
    const p = fetcher.properties;
    const backend: BackendIdentifier = { namespace: p.namespace, name: p.name, type: p.type };
    const stored = secrets.get(secretPath(backend, secretName));
    if (stored) return stored.value;
    placeholders.push(secretName);
    return placeholder(stateDir, secretName, detail);
  };

  const all = (): ProviderRegistration[] =>
    assembly
      .ofType('AWS::Cognito::UserPoolIdentityProvider')
      .filter((r) => (SOCIAL_PROVIDER_TYPES as readonly string[]).includes(r.properties.ProviderType))
      .map((r) => {
        const placeholders: string[] = [];
        const details: Record<string, string> = {};
        for (const [k, v] of Object.entries((r.properties.ProviderDetails ?? {}) as Record<string, unknown>)) details[k] = resolveDetail(k, v, placeholders);
        return {
          poolId: r.properties.UserPoolId,
          providerName: r.properties.ProviderName,
          providerType: r.properties.ProviderType,
          attributeMapping: { ...(r.properties.AttributeMapping ?? {}) },
          details,
          placeholders,
        };
      });

  return {
    all,
    find: (poolId, providerName) => all().find((r) => r.poolId === poolId && r.providerName === providerName),
  };
}
