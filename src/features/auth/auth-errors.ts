/**
 * Turns Cognito's and the triggers' messages into sentences for people.
 * Cognito wraps a trigger's thrown message as "PreSignUp failed with error <message>."
 */
const TRIGGER_PREFIX = /^(PreSignUp|PostConfirmation|PreAuthentication|PostAuthentication|CustomMessage|DefineAuthChallenge|PreTokenGeneration|UserMigration) failed with error /;

const BY_NAME: Record<string, string> = {
  LimitExceededException: 'Too many attempts. Please wait a few minutes and try again.',
  TooManyRequestsException: 'Too many attempts. Please wait a few minutes and try again.',
  TooManyFailedAttemptsException: 'Too many failed attempts. Please wait a few minutes and try again.',
  ExpiredCodeException: 'That code has expired. Ask for a new one and try again.',
  CodeDeliveryFailureException: 'We could not send the code. Check the address or number and try again.',
  PasswordResetRequiredException: 'You need to reset your password. Choose "Forgot your password?" to get a code.',
  NetworkError: 'We could not reach the sign-in service. Check your connection and try again.',
};

export function friendlyAuthMessage(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  if (TRIGGER_PREFIX.test(raw)) {
    // The trigger's own message is already written for people; Cognito appends a period.
    return raw.replace(TRIGGER_PREFIX, '').replace(/\.\.$/, '.').trim();
  }
  if (BY_NAME[name]) return BY_NAME[name];
  if (/^Failed to fetch|NetworkError|Network error/i.test(raw)) return BY_NAME.NetworkError;
  if (name === 'InvalidPasswordException') {
    const detail = raw.replace(/^Password did not conform with policy:\s*/i, '');
    return `Please choose a stronger password: ${detail.charAt(0).toLowerCase()}${detail.slice(1)}`.replace(/\.?$/, '.');
  }
  if (name === 'UserNotFoundException') return 'Incorrect username or password.';
  return raw || 'Something went wrong. Please try again.';
}

/** An error carrying the friendly message; keeps the Cognito name for code that branches on it. */
export function toFriendlyError(error: unknown): Error {
  const friendly = new Error(friendlyAuthMessage(error));
  if (error instanceof Error) {
    friendly.name = error.name;
    friendly.cause = error;
  }
  return friendly;
}

export async function withFriendlyErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toFriendlyError(error);
  }
}
