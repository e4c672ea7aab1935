import type { ProvisionedAssembly } from '../provisioning/types';
import { type AuthorizationResult, Authorizer, type AuthorizeRequest } from './authorizer';
import { type BoundCredentials, CredentialsStore } from './credentials';
import type { Db } from '../store/store';
import { buildIamAccount, type IamAccount } from './iam-account';

export type { AuthorizationResult, AuthorizeRequest } from './authorizer';
export type { BoundCredentials } from './credentials';
export type { IamAccount } from './iam-account';

/**
 * IAM for the local cloud, built from the assembly: temporary credentials bound
 * to a role (+ identity), and authorization of requests made with them.
 * Other services (cognito-idp Admin*, SSM, Lambda) use:
 *  - `lookupCredentials(accessKeyId)` → the bound credentials (role ARN, identity id, expiry);
 *  - `authorize({ credentials, action, resource, context })` → Allow / deny;
 *  - `issueRoleCredentials({ roleArn, sessionName, durationSeconds })` for a Lambda execution role.
 */
export interface IamServices {
  account: IamAccount;
  credentials: CredentialsStore;
  authorizer: Authorizer;
  lookupCredentials(accessKeyId: string): BoundCredentials | undefined;
  authorize(request: AuthorizeRequest): AuthorizationResult;
  issueRoleCredentials(input: { roleArn: string; sessionName: string; durationSeconds: number }): {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
    expiration: Date;
  };
}

export function createIamServices(assembly: ProvisionedAssembly, db: Db, now: () => Date = () => new Date()): IamServices {
  const account = buildIamAccount(assembly);
  const credentials = new CredentialsStore(db, now);
  const authorizer = new Authorizer(account, now);
  return {
    account,
    credentials,
    authorizer,
    lookupCredentials: (id) => credentials.lookup(id),
    authorize: (request) => authorizer.authorize(request),
    issueRoleCredentials({ roleArn, sessionName, durationSeconds }) {
      const role = account.roles.get(roleArn) ?? account.roleByName(roleArn);
      if (!role) throw new Error(`No role ${roleArn} in the cloud assembly.`);
      const c = credentials.issue({ roleArn: role.arn, roleId: role.roleId, sessionName, durationSeconds });
      return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken, expiration: c.expiration };
    },
  };
}
