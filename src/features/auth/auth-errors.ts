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
  CodeMismatchException: 'That code is not right. Check it and try again, or ask for a new one.',
  EnableSoftwareTokenMFAException: 'That code is not right. Type the 6-digit code your authenticator app shows now (check that your device’s clock is right).',
  AliasExistsException: 'That email address or phone number already belongs to another account.',
};

/**
 * Cognito's lockout ("Password attempts exceeded"), as AWS documents it and the local cloud does it:
 * after five failed sign-in attempts (wrong password or wrong code) sign-in is locked for one
 * second, doubling with each further failure to at most 15 minutes; attempts during a lock are
 * refused without lengthening it; 15 minutes without trying start the count afresh. A password
 * reset does not lift it.
 */
export const LOCKOUT_MAX_MINUTES = 15;
export const LOCKED_OUT_MESSAGE =
  `Too many wrong attempts, so signing in to this account is paused. The pause is temporary: it ends by itself within ${LOCKOUT_MAX_MINUTES} minutes at most, and each further wrong attempt makes the next one longer. Wait a few minutes, then try again.`;

/** Attribute names in Cognito's messages, in words. */
const ATTRIBUTE_IN_MESSAGE: [RegExp, string][] = [
  [/\bphone_number\b/g, 'phone number'],
  [/\bpreferred_username\b/g, 'preferred username'],
  [/\bcustom:is_beta_user\b/g, 'beta choice'],
];

function attributeWords(raw: string): string {
  return ATTRIBUTE_IN_MESSAGE.reduce((text, [pattern, words]) => text.replace(pattern, words), raw);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : typeof error === 'string' ? error : '';
}

/** A trigger's own message (already written for people) without Cognito's wrapper and appended period. */
function triggerMessage(raw: string): string | undefined {
  if (!TRIGGER_PREFIX.test(raw)) return undefined;
  return raw.replace(TRIGGER_PREFIX, '').trim().replace(/\.\.$/, '.');
}

export function friendlyAuthMessage(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const raw = messageOf(error);
  const fromTrigger = triggerMessage(raw);
  if (fromTrigger) return fromTrigger;
  if (BY_NAME[name]) return BY_NAME[name];
  if (/^Failed to fetch|NetworkError|Network error/i.test(raw)) return BY_NAME.NetworkError;
  if (name === 'InvalidPasswordException') {
    const detail = raw.replace(/^Password did not conform with policy:\s*/i, '');
    return `Please choose a stronger password: ${detail.charAt(0).toLowerCase()}${detail.slice(1)}`.replace(/\.?$/, '.');
  }
  if (name === 'UserNotFoundException') return 'Incorrect username or password.';
  if (name === 'NotAuthorizedException' && /attempts exceeded/i.test(raw)) return LOCKED_OUT_MESSAGE;
  if (/invalid phone number format/i.test(raw)) return 'Enter the phone number with its country code, for example +1 555 123 4567.';
  return attributeWords(raw) || 'Something went wrong. Please try again.';
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

/** The social providers as Cognito names them (`identity_provider=`, error prefixes), as people know them. */
const PROVIDER_NAMES: Record<string, string> = {
  Google: 'Google',
  SignInWithApple: 'Apple',
  LoginWithAmazon: 'Amazon',
  Facebook: 'Facebook',
};

/** User-pool attributes a provider may fail to share, in words. */
const ATTRIBUTE_WORDS: Record<string, string> = {
  email: 'email address',
  phone_number: 'phone number',
  given_name: 'first name',
  family_name: 'last name',
  preferred_username: 'preferred username',
};

/** A provider as people know it (`SignInWithApple` → Apple); an unknown name as it is. */
export function providerInWords(cognitoName: string): string {
  return knownProviderInWords(cognitoName) ?? cognitoName;
}

/** The provider, as people know it, that a federated user's username names (`Google_…`, `signinwithapple_…`), if any. */
export function providerOfFederatedUsername(username: string): string | undefined {
  const prefix = /^([A-Za-z]+)_/.exec(username)?.[1];
  return prefix === undefined ? undefined : knownProviderInWords(prefix);
}

/** One of our providers by Cognito's name, in any case (usernames may be lower-cased), as people know it. */
function knownProviderInWords(cognitoName: string): string | undefined {
  return Object.entries(PROVIDER_NAMES).find(([key]) => key.toLowerCase() === cognitoName.toLowerCase())?.[1];
}

function listInWords(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const ALREADY_LINKED = /already found an entry for username (Google|SignInWithApple|LoginWithAmazon|Facebook)_/i;

/**
 * The provider to sign in with again when a first sign-in failed only because
 * the pre sign-up trigger linked it to an existing user: AWS long answered that
 * first sign-in `Already found an entry for username Google_…` and let the
 * retry land (the local cloud lands the first), so the app retries once.
 */
export function providerToRetryAfterLink(error: unknown): 'Google' | 'Apple' | 'Amazon' | 'Facebook' | undefined {
  const cognitoName = ALREADY_LINKED.exec(messageOf(error))?.[1];
  return cognitoName === undefined ? undefined : (providerInWords(cognitoName) as ReturnType<typeof providerToRetryAfterLink>);
}

export const REDIRECT_FAILED_MESSAGE = 'Signing in with that provider did not work. Please try again, or choose another way to sign in.';

/**
 * What a person reads when a social sign-in comes back failed. Cognito returns
 * to the app with `?error=…&error_description=…` and aws-amplify raises
 * `signInWithRedirect_failure` with the description (or the bare error code) as
 * the message. Cognito's descriptions are not fixed strings, so this looks for
 * the documented kinds — the person cancelled at the provider, the provider
 * shared too little (`attributes required: [email]`), the user is disabled, a
 * trigger refused (`PreSignUp failed with error …`), the provider reported an
 * error (`LoginWithAmazon Error - 400 …`) — and never shows codes.
 */
export function friendlyRedirectMessage(error: unknown): string {
  const raw = messageOf(error).trim();
  const fromTrigger = triggerMessage(raw);
  if (fromTrigger) return fromTrigger;
  if (/access_denied|\bdenied\b|\bcancel/i.test(raw)) {
    return 'Signing in was cancelled. Choose a way to sign in to try again.';
  }
  const provider = PROVIDER_NAMES[/^(\w+) Error\b/.exec(raw)?.[1] ?? ''];
  const required = /attributes? required:?\s*\[([^\]]*)\]/i.exec(raw);
  if (required) {
    const names = required[1].split(',').map((n) => n.trim()).filter(Boolean);
    const words = listInWords(names.map((n) => ATTRIBUTE_WORDS[n] ?? n.replace(/^custom:/, '').replace(/_/g, ' ')));
    return `${provider ?? 'The provider'} did not share your ${words || 'details'}, which Amplify Vault needs. Allow sharing it and try again, or create an account with your email.`;
  }
  // "<Provider> Error - <status> <error> <description>": what the provider itself answered.
  if (provider) return `${provider} could not sign you in. Please try again, or choose another way to sign in.`;
  if (/\buser is disabled\b/i.test(raw)) {
    return 'Your account has been disabled. Contact an administrator if you think this is a mistake.';
  }
  if (/already found an entry for username/i.test(raw)) {
    return 'Your account is now linked to this provider. Choose the provider again to sign in.';
  }
  if (/^Failed to fetch|NetworkError|Network error/i.test(raw)) return BY_NAME.NetworkError;
  return REDIRECT_FAILED_MESSAGE;
}
