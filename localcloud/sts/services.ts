import type { IamServices } from '../iam';
import type { BoundCredentials } from '../iam/credentials';
import type { CognitoWebIdentity } from '../iam/web-identity';

/** What the STS operations use: IAM's roles, credentials and authorizer, a clock, and the identity pools' token check. */
export interface StsServices {
  iam: IamServices;
  now: () => Date;
  /** The identity in a web identity token (the identity pools' GetOpenIdToken); throws OpenIdTokenError. */
  verifyWebIdentityToken(token: string): Promise<CognitoWebIdentity>;
}

/** The credentials a signed request was made with. */
export type StsCaller = BoundCredentials;
