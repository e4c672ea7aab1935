import { describe, expect, it } from 'vitest';
import { friendlyAuthMessage, toFriendlyError, withFriendlyErrors } from './auth-errors';

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
