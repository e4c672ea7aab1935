import type { IamServices } from '../iam';
import type { BoundCredentials } from '../iam/credentials';

/** What the STS operations use: IAM's roles, credentials and authorizer, and a clock. */
export interface StsServices {
  iam: IamServices;
  now: () => Date;
}

/** The credentials a signed request was made with. */
export type StsCaller = BoundCredentials;
