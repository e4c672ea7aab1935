import { createPrivateKey } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASSEMBLY_DIR as ASSEMBLY } from '../../scripts/synth-context';
import { loadCloudAssembly } from '../provisioning/cloud-assembly';
import { secretPath } from '../secrets/parameter-paths';
import { SecretStore } from '../secrets/secret-store';
import { createProviderRegistrations } from './registrations';

describe('provider registrations from the synthesized backend', () => {
  const assembly = loadCloudAssembly(ASSEMBLY);
  const pool = assembly.ofType('AWS::Cognito::UserPool')[0].ref;
  const fetcher = assembly.ofType('Custom::AmplifySecretFetcherResource')[0].properties;
  const backend = { namespace: fetcher.namespace, name: fetcher.name, type: fetcher.type };

  it('lists the four providers with their mapping, placeholders for unset secrets and a real Apple key', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'idp-'));
    const registrations = createProviderRegistrations({ assembly, secrets: new SecretStore(stateDir), stateDir });
    expect(registrations.all().map((r) => [r.providerName, r.providerType]).sort()).toEqual([
      ['Facebook', 'Facebook'],
      ['Google', 'Google'],
      ['LoginWithAmazon', 'LoginWithAmazon'],
      ['SignInWithApple', 'SignInWithApple'],
    ]);
    const google = registrations.find(pool, 'Google')!;
    expect(google.details).toMatchObject({ client_id: 'local-placeholder-google-client-id', authorize_scopes: 'openid email profile' });
    expect(google.placeholders).toEqual(['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET']);
    expect(google.attributeMapping).toEqual({ email: 'email', email_verified: 'email_verified', name: 'name' });
    const apple = registrations.find(pool, 'SignInWithApple')!;
    expect(createPrivateKey(apple.details.private_key).asymmetricKeyType).toBe('ec');
    expect(registrations.find(pool, 'SignInWithApple')!.details.private_key).toBe(apple.details.private_key); // made once
  });

  it('reads set secrets at each call', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'idp-'));
    const secrets = new SecretStore(stateDir);
    const registrations = createProviderRegistrations({ assembly, secrets, stateDir });
    secrets.set(secretPath(backend, 'GOOGLE_CLIENT_ID'), 'real-id.apps.googleusercontent.com');
    const google = registrations.find(pool, 'Google')!;
    expect(google.details.client_id).toBe('real-id.apps.googleusercontent.com');
    expect(google.placeholders).toEqual(['GOOGLE_CLIENT_SECRET']);
  });
});
