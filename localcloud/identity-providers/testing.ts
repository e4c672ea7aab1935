import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ASSEMBLY_DIR } from '../../scripts/synth-context';
import { startLocalCloud, type LocalCloud } from '../server';
import { ManualClock } from '../services/clock';
import { HttpsBrowser } from '../testing/https-browser';
import { emulatedEndpoints, type ProviderEndpoints, type ProviderRegistration, type SocialProviderType } from './registrations';

/**
 * Test support for the emulated providers: the real local cloud on port 0
 * (the synthesized backend, whose pool has a domain, so the HTTPS listener
 * with the providers is served) with a manual clock, and browsers that
 * trust its CA.
 */
export interface ProviderCloud {
  cloud: LocalCloud;
  clock: ManualClock;
  poolId: string;
  /** Cognito's /oauth2/idpresponse: the one redirect URI the providers accept. */
  idpResponse: string;
  registration(providerName: string): ProviderRegistration;
  endpoints(type: SocialProviderType): ProviderEndpoints;
  browser(): HttpsBrowser;
  stop(): Promise<void>;
}

export async function startProviderCloud(): Promise<ProviderCloud> {
  const stateDir = mkdtempSync(join(tmpdir(), 'providers-'));
  const clock = new ManualClock();
  const cloud = await startLocalCloud({ stateDir, assemblyDir: ASSEMBLY_DIR, port: 0, oauthPort: 0, clock, functionLog: () => {} });
  const poolId = cloud.cognitoIdp.pools.all()[0].id;
  return {
    cloud,
    clock,
    poolId,
    idpResponse: `${cloud.oauthUrl}/oauth2/idpresponse`,
    registration: (name) => cloud.context.providerRegistrations.find(poolId, name)!,
    endpoints: (type) => emulatedEndpoints(cloud.oauthUrl, type),
    browser: () => new HttpsBrowser(cloud.oauthUrl, cloud.tls!.caCertificate),
    async stop() {
      await cloud.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The query parameters of a redirect's Location. */
export const redirectParams = (location: string | undefined): URLSearchParams => new URL(location ?? 'about:blank').searchParams;
