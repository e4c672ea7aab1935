import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveOperation } from '../http/dispatch';
import { AwsJsonError, BodyTooLargeError, readBody, sendAwsJsonError, sendJson } from '../http/http';
import { AssociateSoftwareToken } from './associate-software-token';
import { ChangePassword } from './change-password';
import { ConfirmForgotPassword } from './confirm-forgot-password';
import { ConfirmSignUp } from './confirm-sign-up';
import { DeleteUser } from './delete-user';
import { DeleteUserAttributes } from './delete-user-attributes';
import { CognitoError } from './errors';
import { ForgotPassword } from './forgot-password';
import { GetTokensFromRefreshToken } from './get-tokens-from-refresh-token';
import { GetUser } from './get-user';
import { GetUserAttributeVerificationCode } from './get-user-attribute-verification-code';
import { GlobalSignOut } from './global-sign-out';
import { InitiateAuth } from './initiate-auth';
import { COGNITO_IDP_OPERATIONS } from './operations';
import { ConfirmDevice } from './confirm-device';
import { ForgetDevice } from './forget-device';
import { GetDevice } from './get-device';
import { ListDevices } from './list-devices';
import { UpdateDeviceStatus } from './update-device-status';
import { ResendConfirmationCode } from './resend-confirmation-code';
import { RespondToAuthChallenge } from './respond-to-auth-challenge';
import { RevokeToken } from './revoke-token';
import type { Handler, Services, Target } from './services';
import { SetUserMFAPreference } from './set-user-mfa-preference';
import { SignUp } from './sign-up';
import { UpdateUserAttributes } from './update-user-attributes';
import { VerifySoftwareToken } from './verify-software-token';
import { VerifyUserAttribute } from './verify-user-attribute';
import { requestObject } from './validate';

/** The operations the local user pool serves, by x-amz-target name. */
export const TARGETS: Record<string, Target> = {
  AssociateSoftwareToken,
  ChangePassword,
  ConfirmDevice,
  ConfirmForgotPassword,
  ConfirmSignUp,
  DeleteUser,
  DeleteUserAttributes,
  ForgetDevice,
  ForgotPassword,
  GetDevice,
  GetTokensFromRefreshToken,
  GetUser,
  GetUserAttributeVerificationCode,
  GlobalSignOut,
  InitiateAuth,
  ListDevices,
  ResendConfirmationCode,
  RespondToAuthChallenge,
  RevokeToken,
  SetUserMFAPreference,
  SignUp,
  UpdateDeviceStatus,
  UpdateUserAttributes,
  VerifySoftwareToken,
  VerifyUserAttribute,
};

export const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

export function createCognitoIdpRouter(services: Services) {
  const handlers = new Map<string, Handler>(Object.entries(TARGETS).map(([name, target]) => [name, target(services)]));

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const operation = String(req.headers['x-amz-target'] ?? '').slice(TARGET_PREFIX.length);
    try {
      if (req.method !== 'POST') throw new CognitoError('InvalidAction', `${req.method} is not supported; use POST.`);
      // Cognito operations the local cloud does not serve (the administrative ones it does are in
      // admin/, registered before this router) say so (501), never a fake success; other names are unknown (400).
      const handler = resolveOperation(handlers, operation, { targetPrefix: TARGET_PREFIX, serviceOperations: COGNITO_IDP_OPERATIONS });
      const body = await readBody(req);
      const input = requestObject(body);
      const output = await handler({ operation, sourceIp: req.socket.remoteAddress }, input);
      sendJson(res, 200, output, 'application/x-amz-json-1.1');
    } catch (error) {
      sendError(res, operation, error);
    }
  };
}

/** The one place errors become wire responses: typed errors as themselves, anything else as a logged 500. */
function sendError(res: ServerResponse, operation: string, error: unknown): void {
  if (error instanceof AwsJsonError) return sendAwsJsonError(res, error.status, error.code, error.message);
  if (error instanceof BodyTooLargeError) return sendAwsJsonError(res, 413, 'RequestEntityTooLargeException', error.message);
  console.error(`localcloud cognito-idp ${operation} failed:`, error);
  sendAwsJsonError(res, 500, 'InternalErrorException', 'The local cloud failed to process the request; see its console.');
}
