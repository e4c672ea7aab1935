import type { IamServices } from '../iam';
import { bootstrapRoles } from './resources';
import { loadOperatorKey, operatorPrincipal, type OperatorKey } from './operator';

export * from './resources';
export * from './operator';

/** Far enough: the operator key does not expire. */
const NEVER = new Date('9999-12-31T23:59:59Z');

/**
 * Puts what the tools expect of an account into IAM: the CDK bootstrap roles
 * and the operator (its key registered as a long-term credential). The
 * bootstrap bucket and version parameter are S3's and SSM's (see resources.ts).
 */
export function installBootstrap(iam: IamServices, stateDir: string): OperatorKey {
  const { accountId, region } = iam.account;
  for (const role of bootstrapRoles(accountId, region)) iam.account.addRole(role);
  const key = loadOperatorKey(stateDir);
  const user = operatorPrincipal(accountId, key);
  iam.account.addRole(user);
  iam.credentials.addLongTerm({
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    roleArn: user.arn,
    roleId: user.roleId,
    sessionName: '',
    amr: [],
    issuedAt: new Date(0),
    expiration: NEVER,
  });
  return key;
}
