import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody, sendAwsJsonError, sendJson } from '../../http/http';
import { AwsJsonAuthError, type AwsJsonAuth } from '../../ssm/aws-json-auth';
import { CognitoError, missingMember } from '../errors';
import { TARGET_PREFIX } from '../router';
import type { Services, Target } from '../services';
import { requestObject } from '../validate';
import { AdminAddUserToGroup } from './admin-add-user-to-group';
import { AdminConfirmSignUp } from './admin-confirm-sign-up';
import { AdminCreateUser } from './admin-create-user';
import { AdminDeleteUser } from './admin-delete-user';
import { AdminDeleteUserAttributes } from './admin-delete-user-attributes';
import { AdminDisableProviderForUser } from './admin-disable-provider-for-user';
import { AdminDisableUser } from './admin-disable-user';
import { AdminEnableUser } from './admin-enable-user';
import { AdminGetUser } from './admin-get-user';
import { AdminLinkProviderForUser } from './admin-link-provider-for-user';
import { AdminListGroupsForUser } from './admin-list-groups-for-user';
import { AdminRemoveUserFromGroup } from './admin-remove-user-from-group';
import { AdminResetUserPassword } from './admin-reset-user-password';
import { AdminSetUserPassword } from './admin-set-user-password';
import { AdminUpdateUserAttributes } from './admin-update-user-attributes';
import { AdminUserGlobalSignOut } from './admin-user-global-sign-out';
import { GetGroup } from './get-group';
import { ListGroups } from './list-groups';
import { ListUsers } from './list-users';
import { ListUsersInGroup } from './list-users-in-group';

/**
 * The user pool's administrative operations: unlike the operations a user
 * calls with a client id or an access token, these are AWS calls, SigV4-signed
 * with IAM credentials (a Lambda execution role, an identity pool role) and
 * authorized by IAM as `cognito-idp:<Operation>` on the pool's ARN.
 */
export const ADMIN_TARGETS: Record<string, Target> = {
  AdminAddUserToGroup,
  AdminConfirmSignUp,
  AdminCreateUser,
  AdminDeleteUser,
  AdminDeleteUserAttributes,
  AdminDisableProviderForUser,
  AdminDisableUser,
  AdminEnableUser,
  AdminGetUser,
  AdminLinkProviderForUser,
  AdminListGroupsForUser,
  AdminRemoveUserFromGroup,
  AdminResetUserPassword,
  AdminSetUserPassword,
  AdminUpdateUserAttributes,
  AdminUserGlobalSignOut,
  GetGroup,
  ListGroups,
  ListUsers,
  ListUsersInGroup,
};

export interface CognitoIdpAdminDeps {
  services: Services;
  auth: AwsJsonAuth;
  region: string;
  accountId: string;
}

export interface CognitoIdpAdmin {
  name: string;
  matches(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

const operationOf = (req: IncomingMessage) => String(req.headers['x-amz-target'] ?? '').slice(TARGET_PREFIX.length);

export function createCognitoIdpAdmin(deps: CognitoIdpAdminDeps): CognitoIdpAdmin {
  const handlers = new Map(Object.entries(ADMIN_TARGETS).map(([name, target]) => [name, target(deps.services)]));
  return {
    name: 'cognito-idp-admin',
    matches: (req) => String(req.headers['x-amz-target'] ?? '').startsWith(TARGET_PREFIX) && handlers.has(operationOf(req)),
    async handle(req, res) {
      const operation = operationOf(req);
      try {
        if (req.method !== 'POST') throw new CognitoError('InvalidAction', `${req.method} is not supported; use POST.`);
        const body = await readBody(req);
        const caller = deps.auth.authenticate(req, body, 'cognito-idp');
        const input = requestObject(body);
        const poolId = input.UserPoolId;
        if (poolId === undefined || poolId === null) throw missingMember('UserPoolId');
        if (typeof poolId !== 'string' || !/^[\w-]+_[0-9a-zA-Z]+$/.test(poolId)) {
          throw new CognitoError(
            'InvalidParameterException',
            `1 validation error detected: Value '${String(poolId).slice(0, 64)}' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+`,
          );
        }
        const poolArn = `arn:aws:cognito-idp:${deps.region}:${deps.accountId}:userpool/${poolId}`;
        deps.auth.authorize(caller, `cognito-idp:${operation}`, poolArn, req.socket.remoteAddress);
        const output = await handlers.get(operation)!({ operation, sourceIp: req.socket.remoteAddress }, input);
        sendJson(res, 200, output, 'application/x-amz-json-1.1');
      } catch (error) {
        if (error instanceof CognitoError) return sendAwsJsonError(res, error.status, error.code, error.message);
        if (error instanceof AwsJsonAuthError) return sendAwsJsonError(res, error.status, error.code, error.message);
        if (error instanceof BodyTooLargeError) return sendAwsJsonError(res, 413, 'RequestEntityTooLargeException', error.message);
        console.error(`localcloud cognito-idp ${operation} failed:`, error);
        sendAwsJsonError(res, 500, 'InternalErrorException', 'The local cloud failed to process the request; see its console.');
      }
    },
  };
}
