import type { IamServices } from '../iam';
import type { Db } from '../store/store';
import type { ProvisionedAssembly } from '../provisioning/types';
import { buildIdentityPools } from './identity-pools';
import { IdentityStore } from './identity-store';
import { createCognitoIdentityHandler, matchesCognitoIdentity } from './service';
import type { IdTokenVerifier } from './services';

export type { IdTokenVerifier } from './services';
export { matchesCognitoIdentity } from './service';

/** The cognito-identity service of the local cloud, as a `{ name, matches, handle }` entry. */
export function createCognitoIdentityService(options: {
  assembly: ProvisionedAssembly;
  db: Db;
  iam: IamServices;
  verifyIdToken: IdTokenVerifier;
  now?: () => Date;
}) {
  const now = options.now ?? (() => new Date());
  const handle = createCognitoIdentityHandler({
    region: options.assembly.region,
    pools: buildIdentityPools(options.assembly),
    iam: options.iam.account,
    identities: new IdentityStore(options.db, now),
    credentials: options.iam.credentials,
    verifyIdToken: options.verifyIdToken,
    now,
  });
  return {
    name: 'cognito-identity',
    matches: matchesCognitoIdentity,
    handle,
    /** After a state reset (rows deleted): forget credentials cached in memory. */
    reset: () => options.iam.credentials.clearCache(),
  };
}
