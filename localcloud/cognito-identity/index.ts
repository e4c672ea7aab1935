import { randomBytes } from 'node:crypto';
import type { IamServices } from '../iam';
import { generateRsaKeyPair, type Keys } from '../services/keys';
import type { Db } from '../store/store';
import type { ProvisionedAssembly } from '../provisioning/types';
import { buildIdentityPools } from './identity-pools';
import { IdentityStore } from './identity-store';
import { createOpenIdTokens } from './open-id-tokens';
import { createCognitoIdentityHandler, matchesCognitoIdentity } from './service';
import type { IdTokenVerifier } from './services';

export type { IdTokenVerifier } from './services';
export { OpenIdTokenError, type OpenIdTokens } from './open-id-tokens';
export { matchesCognitoIdentity } from './service';

/** The cognito-identity service of the local cloud, as a `{ name, matches, handle }` entry. */
export function createCognitoIdentityService(options: {
  assembly: ProvisionedAssembly;
  db: Db;
  iam: IamServices;
  verifyIdToken: IdTokenVerifier;
  /** Signs GetOpenIdToken's tokens: the state folder's key (default: a key made for this process). */
  signingKey?: Keys['signing'];
  now?: () => Date;
}) {
  const now = options.now ?? (() => new Date());
  const openIdTokens = createOpenIdTokens(options.signingKey ?? { kid: randomBytes(16).toString('base64url'), ...generateRsaKeyPair() }, now);
  const handle = createCognitoIdentityHandler({
    region: options.assembly.region,
    pools: buildIdentityPools(options.assembly),
    iam: options.iam.account,
    identities: new IdentityStore(options.db, now),
    credentials: options.iam.credentials,
    verifyIdToken: options.verifyIdToken,
    openIdTokens,
    now,
  });
  return {
    name: 'cognito-identity',
    matches: matchesCognitoIdentity,
    handle,
    /** The identity in a GetOpenIdToken token (for STS AssumeRoleWithWebIdentity); throws OpenIdTokenError. */
    verifyOpenIdToken: openIdTokens.verify,
    /** After a state reset (rows deleted): forget credentials cached in memory. */
    reset: () => options.iam.credentials.clearCache(),
  };
}
