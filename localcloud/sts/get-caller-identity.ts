import { isUserArn } from '../iam/authorizer';
import type { StsCaller, StsServices } from './services';

/** GetCallerIdentity: who signed the request. Needs no permission (as in AWS). */
export const GetCallerIdentity = (services: StsServices) => (caller: StsCaller) => ({
  UserId: isUserArn(caller.roleArn) ? caller.roleId : `${caller.roleId}:${caller.sessionName}`,
  Account: services.iam.account.accountId,
  Arn: services.iam.authorizer.principalArn(caller),
});
