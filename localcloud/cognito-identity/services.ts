import type { CredentialsStore } from '../iam/credentials';
import type { IamAccount } from '../iam/iam-account';
import type { IdentityPoolConfig } from './identity-pools';
import type { IdentityStore } from './identity-store';
import type { OpenIdTokens } from './open-id-tokens';

/**
 * Verifies an id token's signature (RS256, the user pool's key) and that it is
 * not revoked, and returns its claims; throws (any error) when it is not valid.
 * Issuer, audience, token use and expiry are checked by the identity service
 * against the identity pool's configuration.
 */
export type IdTokenVerifier = (token: string) => Promise<Record<string, unknown>>;

export interface IdentityServices {
  region: string;
  pools: IdentityPoolConfig[];
  iam: IamAccount;
  identities: IdentityStore;
  credentials: CredentialsStore;
  verifyIdToken: IdTokenVerifier;
  /** GetOpenIdToken's tokens (signed and verified with the state folder's key). */
  openIdTokens: OpenIdTokens;
  now: () => Date;
}
