import type { S3Client } from '@aws-sdk/client-s3';
import type { ProvisionedAssembly } from '../../provisioning/types';
import type { Clock } from '../../services/clock';
import type { LocalCloud } from '../../server';
import { startRealCloud } from '../../testing/real-cloud';

/**
 * The real local cloud and identity-pool credentials for a user who really
 * signed up, confirmed with the outbox's code and signed in with SRP — or for
 * a guest: a narrower view of localcloud/testing/real-cloud.ts.
 */
export interface Caller {
  identityId: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  s3: S3Client;
}

export interface SignedInCloud {
  cloud: LocalCloud;
  assembly: ProvisionedAssembly;
  bucket: string;
  region: string;
  /** A new user (unique email per call), signed in. */
  user(name: string): Promise<Caller>;
  /** A new user (unique email per call), signed in with SRP: their id token. */
  idToken(name: string): Promise<string>;
  guest(): Promise<Caller>;
  close(): Promise<void>;
}

/** `assemblyDir`: a variant of the synthesized backend (default: the synthesized one); `clock`: the server's (tests that move time). */
export async function startSignedInCloud(options: { assemblyDir?: string; clock?: Clock } = {}): Promise<SignedInCloud> {
  const real = await startRealCloud({ assemblyDir: options.assemblyDir, clock: options.clock });
  const caller = async (idToken?: string): Promise<Caller> => {
    const { identityId, credentials } = await real.credentialsFor(idToken);
    return { identityId, credentials, s3: real.s3Client(credentials) };
  };
  return {
    cloud: real.cloud,
    assembly: real.assembly,
    region: real.region,
    bucket: real.bucket,
    user: async (name) => caller((await real.signedInUser(name)).idToken),
    idToken: async (name) => (await real.signedInUser(name)).idToken,
    guest: () => caller(),
    close: () => real.close(),
  };
}
