import {
  confirmResetPassword,
  confirmSignIn,
  confirmSignUp,
  resendSignUpCode,
  resetPassword,
  signIn,
  signUp,
  type ConfirmResetPasswordInput,
  type ConfirmSignInInput,
  type ConfirmSignUpInput,
  type ResendSignUpCodeInput,
  type ResetPasswordInput,
  type SignInInput,
  type SignUpInput,
} from 'aws-amplify/auth';
import { withFriendlyErrors } from './auth-errors';

export const BETA_ATTRIBUTE = 'custom:is_beta_user';

/** The country calling code the sign-up form starts with (the United States and Canada). */
export const SIGN_UP_DIAL_CODE = '+1';

/**
 * A sign-in name that looks like a phone number loses its spaces, dashes and brackets, and
 * one typed without a country code (`555 123 0001`, `(555) 123-0001`) gets the sign-up
 * form's (`+15551230001`); `00` before the country code is read as `+`.
 */
export function normalizeUsername(username: string, dialCode = SIGN_UP_DIAL_CODE): string {
  const trimmed = username.trim();
  if (trimmed.includes('@')) return trimmed.toLowerCase();
  if (!/^\+?[\d\s().-]{7,}$/.test(trimmed)) return trimmed;
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return `+${digits}`;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  const country = dialCode.replace(/\D/g, '');
  // Someone who types the country code without "+" (1 555 123 0001) means it too.
  if (country === '1' && digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return `+${country}${digits}`;
}

/** The beta opt-in checkbox arrives as its value when ticked and is absent otherwise. */
export function normalizeSignUpInput(input: SignUpInput): SignUpInput {
  const attributes = { ...(input.options?.userAttributes ?? {}) } as Record<string, string>;
  attributes[BETA_ATTRIBUTE] = attributes[BETA_ATTRIBUTE] ? 'true' : 'false';
  for (const key of ['preferred_username', 'birthdate']) {
    if (attributes[key] !== undefined) attributes[key] = attributes[key].trim();
    if (attributes[key] === '') delete attributes[key];
  }
  return {
    ...input,
    username: normalizeUsername(input.username),
    options: { ...input.options, userAttributes: attributes },
  };
}

let passwordJustReset = false;

/** Whether a password reset just succeeded (the sign-in screen says so, once). */
export function takePasswordResetNotice(): boolean {
  const was = passwordJustReset;
  passwordJustReset = false;
  return was;
}

/** The Authenticator's services, each showing people plain-words errors. */
export const authServices = {
  handleSignUp: (input: SignUpInput) => withFriendlyErrors(() => signUp(normalizeSignUpInput(input))),
  handleSignIn: (input: SignInInput) =>
    withFriendlyErrors(() => signIn({ ...input, username: normalizeUsername(input.username) })),
  handleConfirmSignUp: (input: ConfirmSignUpInput) => withFriendlyErrors(() => confirmSignUp(input)),
  handleConfirmSignIn: (input: ConfirmSignInInput) => withFriendlyErrors(() => confirmSignIn(input)),
  handleForgotPassword: (input: ResetPasswordInput) =>
    withFriendlyErrors(() => resetPassword({ ...input, username: normalizeUsername(input.username) })),
  handleForgotPasswordSubmit: async (input: ConfirmResetPasswordInput) => {
    await withFriendlyErrors(() => confirmResetPassword({ ...input, username: normalizeUsername(input.username) }));
    passwordJustReset = true;
  },
  handleResendSignUpCode: (input: ResendSignUpCodeInput) => withFriendlyErrors(() => resendSignUpCode(input)),
};
