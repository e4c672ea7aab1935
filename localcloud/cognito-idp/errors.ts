import { notEmulatedMessage } from '../http/dispatch';
import { AwsJsonError } from '../http/http';

/**
 * Cognito's errors, each carrying the AWS exception name the client
 * switches on and Cognito's own message (the Authenticator shows it).
 * They are turned into `{"__type","message"}` in one place: router.ts.
 */
export class CognitoError extends AwsJsonError {}

const error = (code: string) => (message: string) => new CognitoError(code, message);

export const NotAuthorized = error('NotAuthorizedException');
export const InvalidParameter = error('InvalidParameterException');
export const InvalidPassword = error('InvalidPasswordException');
export const ResourceNotFound = error('ResourceNotFoundException');
export const UsernameExists = error('UsernameExistsException');
export const UserNotFound = error('UserNotFoundException');
export const UserNotConfirmed = error('UserNotConfirmedException');
export const CodeMismatch = error('CodeMismatchException');
export const ExpiredCode = error('ExpiredCodeException');
export const LimitExceeded = error('LimitExceededException');
export const AliasExists = error('AliasExistsException');
export const EnableSoftwareTokenMFA = error('EnableSoftwareTokenMFAException');
export const UserLambdaValidation = error('UserLambdaValidationException');
export const Unsupported = error('UnsupportedOperationException');
export const Serialization = error('SerializationException');
export const InvalidUserPoolConfiguration = error('InvalidUserPoolConfigurationException');
export const UnsupportedTokenType = error('UnsupportedTokenTypeException');

/**
 * What Cognito has but the local cloud does not emulate (an operation, an
 * auth flow, a challenge): UnsupportedOperationException naming it, with
 * HTTP 501 — the local cloud's one status for "not emulated" (Cognito's own
 * UnsupportedOperationException, e.g. RevokeToken on a client without
 * revocation, stays a 400: `Unsupported`).
 */
export function notEmulated(what: string): CognitoError {
  return new CognitoError('UnsupportedOperationException', notEmulatedMessage(what), 501);
}

export const messages = {
  incorrectCredentials: 'Incorrect username or password.',
  userDoesNotExist: 'User does not exist.',
  notConfirmed: 'User is not confirmed.',
  disabled: 'User is disabled.',
  attemptsExceeded: 'Password attempts exceeded',
  codeMismatch: 'Invalid verification code provided, please try again.',
  codeExpired: 'Invalid code provided, please request a code again.',
  limitExceeded: 'Attempt limit exceeded, please try after some time.',
  invalidSession: 'Invalid session for the user, session is expired.',
  invalidAccessToken: 'Invalid Access Token',
  invalidRefreshToken: 'Invalid Refresh Token',
} as const;

/** "1 validation error detected: Value null at 'clientId' ..." — what AWS says for a missing member. */
export function missingMember(member: string): CognitoError {
  const path = member.charAt(0).toLowerCase() + member.slice(1);
  return InvalidParameter(
    `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`,
  );
}
