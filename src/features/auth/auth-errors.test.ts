import { describe, expect, it } from 'vitest';
import { LOCKED_OUT_MESSAGE, REDIRECT_FAILED_MESSAGE, friendlyAuthMessage, friendlyRedirectMessage, providerToRetryAfterLink, toFriendlyError, withFriendlyErrors } from './auth-errors';

function cognitoError(name: string, message: string) {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe('friendlyAuthMessage', () => {
  it("shows a trigger's own message without Cognito's wrapper", () => {
    const error = cognitoError(
      'UserLambdaValidationException',
      'PreSignUp failed with error You must be at least 13 years old to create an account..',
    );
    expect(friendlyAuthMessage(error)).toBe('You must be at least 13 years old to create an account.');
    expect(
      friendlyAuthMessage(cognitoError('UserLambdaValidationException', 'PreSignUp failed with error Your birth date cannot be in the future.')),
    ).toBe('Your birth date cannot be in the future.');
  });

  it('explains password policy failures and rate limits in plain words', () => {
    expect(
      friendlyAuthMessage(cognitoError('InvalidPasswordException', 'Password did not conform with policy: Password must have symbol characters')),
    ).toBe('Please choose a stronger password: password must have symbol characters.');
    expect(friendlyAuthMessage(cognitoError('LimitExceededException', 'Attempt limit exceeded, please try after some time.'))).toMatch(
      /Too many attempts/,
    );
    expect(friendlyAuthMessage(new TypeError('Failed to fetch'))).toMatch(/could not reach/);
  });

  it('says a lockout is temporary and how long it lasts at most; codes and attributes in plain words', () => {
    expect(friendlyAuthMessage(cognitoError('NotAuthorizedException', 'Password attempts exceeded'))).toBe(LOCKED_OUT_MESSAGE);
    expect(LOCKED_OUT_MESSAGE).toMatch(/temporary: it ends by itself within 15 minutes at most/);
    expect(friendlyAuthMessage(cognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.'))).toMatch(/That code is not right/);
    expect(friendlyAuthMessage(cognitoError('EnableSoftwareTokenMFAException', 'Code mismatch'))).not.toMatch(/mismatch/i);
    expect(friendlyAuthMessage(cognitoError('AliasExistsException', 'An account with the given phone_number already exists.'))).toBe(
      'That email address or phone number already belongs to another account.',
    );
    expect(friendlyAuthMessage(cognitoError('InvalidParameterException', 'Invalid phone number format.'))).toMatch(/country code/);
    expect(friendlyAuthMessage(cognitoError('InvalidParameterException', 'phone_number: is required'))).toBe('phone number: is required');
  });

  it("does not reveal whether an account exists", () => {
    expect(friendlyAuthMessage(cognitoError('UserNotFoundException', 'User does not exist.'))).toBe('Incorrect username or password.');
  });

  it("keeps Cognito's messages that are already plain", () => {
    expect(friendlyAuthMessage(cognitoError('NotAuthorizedException', 'Incorrect username or password.'))).toBe(
      'Incorrect username or password.',
    );
    expect(friendlyAuthMessage('odd')).toBe('odd');
    expect(friendlyAuthMessage(undefined)).toMatch(/Something went wrong/);
  });

  it('rethrows with the friendly message, keeping the error name', async () => {
    const original = cognitoError('UserLambdaValidationException', 'PreSignUp failed with error Nope.');
    expect(toFriendlyError(original).name).toBe('UserLambdaValidationException');
    await expect(withFriendlyErrors(() => Promise.reject(original))).rejects.toThrow(/^Nope\.$/);
    await expect(withFriendlyErrors(() => Promise.resolve(7))).resolves.toBe(7);
  });
});

describe('friendlyRedirectMessage', () => {
  // What aws-amplify raises on signInWithRedirect_failure: an OAuthSignInError whose message is
  // Cognito's error_description, or the bare error code when there is none.
  const redirectError = (message: string) => cognitoError('OAuthSignInError', message);

  it('says the person cancelled, whatever the provider or Amplify called it', () => {
    for (const message of ['access_denied', 'Google Error - 400 access_denied The user denied access', 'User cancelled OAuth flow.']) {
      expect(friendlyRedirectMessage(redirectError(message))).toBe('Signing in was cancelled. Choose a way to sign in to try again.');
    }
  });

  it('names the attributes a provider did not share, in words', () => {
    expect(friendlyRedirectMessage(redirectError('attributes required: [email]'))).toBe(
      'The provider did not share your email address, which Amplify Vault needs. Allow sharing it and try again, or create an account with your email.',
    );
    expect(friendlyRedirectMessage(redirectError('attributes required: [email, phone_number, custom:team_name]'))).toMatch(
      /did not share your email address, phone number and team name,/,
    );
  });

  it("says a disabled user is disabled, and a provider's own error in the provider's name", () => {
    expect(friendlyRedirectMessage(redirectError('User is disabled.'))).toBe(
      'Your account has been disabled. Contact an administrator if you think this is a mistake.',
    );
    expect(
      friendlyRedirectMessage(redirectError('LoginWithAmazon Error - 400 invalid_request The request is missing a required parameter : client_secret')),
    ).toBe('Amazon could not sign you in. Please try again, or choose another way to sign in.');
    expect(friendlyRedirectMessage(redirectError('SignInWithApple Error - 500 server_error'))).toMatch(/^Apple could not sign you in/);
    // A provider that says its client was disabled is not the person's account being disabled.
    expect(friendlyRedirectMessage(redirectError('Google Error - 401 disabled_client The OAuth client was disabled.'))).toMatch(/^Google could not/);
  });

  it("shows a trigger's own message, Cognito's wrapper and trailing period and space removed", () => {
    expect(friendlyRedirectMessage(redirectError('PreSignUp failed with error Sign in with your password once to link Google. '))).toBe(
      'Sign in with your password once to link Google.',
    );
    expect(friendlyRedirectMessage(redirectError('PreSignUp failed with error Not today..'))).toBe('Not today.');
  });

  it('never shows codes or unknown texts: a plain sentence instead', () => {
    for (const message of ['invalid_request', 'server_error', 'Bad id_token issuer https://accounts.google.com', '']) {
      expect(friendlyRedirectMessage(redirectError(message))).toBe(REDIRECT_FAILED_MESSAGE);
    }
    expect(friendlyRedirectMessage(undefined)).toBe(REDIRECT_FAILED_MESSAGE);
  });

  it('names the provider to retry with after a first sign-in that only linked accounts, and no other', () => {
    expect(providerToRetryAfterLink(redirectError('Already found an entry for username SignInWithApple_000123.abc '))).toBe('Apple');
    expect(providerToRetryAfterLink(redirectError('Already found an entry for username LoginWithAmazon_amzn1.account.X'))).toBe('Amazon');
    expect(providerToRetryAfterLink(redirectError('Already found an entry for username Google_1'))).toBe('Google');
    expect(providerToRetryAfterLink(redirectError('User is disabled.'))).toBeUndefined();
    expect(providerToRetryAfterLink(redirectError('Already found an entry for username ada@example.com'))).toBeUndefined();
  });
});
