import type { ApiErrorBody } from '../../api/contract';

/** A refusal or failure the API answers with a status and a sentence for people (ApiErrorBody). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get body(): ApiErrorBody {
    return { message: this.message, code: this.code };
  }
}

export const badRequest = (code: string, message: string) => new ApiError(400, code, message);
export const forbidden = (message: string) => new ApiError(403, 'Forbidden', message);
export const notFound = (code: string, message: string) => new ApiError(404, code, message);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);

/**
 * Cognito's errors, in words a person acts on. Anything else (IAM refusing
 * the function, a bug) is a 500 whose details go to the function's log only.
 */
export function fromCognito(error: unknown): ApiError | undefined {
  if (!(error instanceof Error)) return undefined;
  switch (error.name) {
    case 'UserNotFoundException':
      return notFound('UserNotFound', 'That user does not exist (any more).');
    case 'ResourceNotFoundException':
      return notFound('GroupNotFound', 'That group does not exist.');
    case 'InvalidParameterException':
      if (/no registered\/verified email or phone_number/.test(error.message)) {
        return conflict('NoVerifiedContact', 'This person has no verified email address or phone number to send a reset code to.');
      }
      return badRequest('InvalidParameter', error.message);
    case 'NotAuthorizedException':
      return conflict('NotAllowed', error.message);
    case 'LimitExceededException':
    case 'TooManyRequestsException':
      return new ApiError(429, 'TooManyRequests', 'Too many requests for this person right now; try again later.');
    default:
      return undefined;
  }
}
