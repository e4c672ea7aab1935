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
import { BIRTHDATE_METADATA_KEY } from '../../../amplify/auth/pre-sign-up/birthdate';
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

const PENDING_BIRTHDATE = 'vault.signUpBirthdate.';

/**
 * The birthdate given at sign-up, kept until the sign-up is confirmed (in this
 * tab's sessionStorage, so a reload between the two keeps it too).
 */
export const pendingBirthdates = {
  remember(username: string, birthdate: string): void {
    try {
      sessionStorage.setItem(PENDING_BIRTHDATE + username, birthdate);
    } catch {
      // No storage (private mode): the person can add it from the profile page.
    }
  },
  recall(username: string): string | undefined {
    try {
      return sessionStorage.getItem(PENDING_BIRTHDATE + username) ?? undefined;
    } catch {
      return undefined;
    }
  },
  forget(username: string): void {
    try {
      sessionStorage.removeItem(PENDING_BIRTHDATE + username);
    } catch {
      // Nothing was kept.
    }
  },
};

/**
 * The beta opt-in checkbox arrives as its value when ticked and is absent otherwise.
 * The birthdate is not an attribute people may write (amplify/overrides.ts): it
 * goes as ClientMetadata, which the pre sign-up trigger checks; ConfirmSignUp
 * sends it again for the post-confirmation trigger to store.
 */
export function normalizeSignUpInput(input: SignUpInput): SignUpInput {
  const attributes = { ...(input.options?.userAttributes ?? {}) } as Record<string, string>;
  attributes[BETA_ATTRIBUTE] = attributes[BETA_ATTRIBUTE] ? 'true' : 'false';
  for (const key of ['preferred_username', 'birthdate']) {
    if (attributes[key] !== undefined) attributes[key] = attributes[key].trim();
    if (attributes[key] === '') delete attributes[key];
  }
  const { birthdate, ...writable } = attributes;
  const clientMetadata = { ...input.options?.clientMetadata, ...(birthdate ? { [BIRTHDATE_METADATA_KEY]: birthdate } : {}) };
  return {
    ...input,
    username: normalizeUsername(input.username),
    options: {
      ...input.options,
      userAttributes: writable,
      ...(Object.keys(clientMetadata).length > 0 ? { clientMetadata } : {}),
    },
  };
}

/** ConfirmSignUp with the birthdate this tab's sign-up gave, for the post-confirmation trigger. */
export function confirmSignUpInput(input: ConfirmSignUpInput): ConfirmSignUpInput {
  const birthdate = pendingBirthdates.recall(normalizeUsername(input.username));
  if (!birthdate) return input;
  return { ...input, options: { ...input.options, clientMetadata: { ...input.options?.clientMetadata, [BIRTHDATE_METADATA_KEY]: birthdate } } };
}

export const PASSWORD_RESET_NOTICE = 'Your password is changed. Sign in with your new password.';
export const ACCOUNT_DELETED_NOTICE = 'Your account and all your files are deleted.';

let signInNotice: string | undefined;

/** A sentence for the sign-in screen to show the next time it appears (once): a reset worked, an account is gone. */
export function noticeOnNextSignIn(message: string | undefined): void {
  signInNotice = message;
}

/** The sign-in screen's one-time notice, if any (taken: it is shown once). */
export function takeSignInNotice(): string | undefined {
  const notice = signInNotice;
  signInNotice = undefined;
  return notice;
}

/** The Authenticator's services, each showing people plain-words errors. */
export const authServices = {
  handleSignUp: (input: SignUpInput) =>
    withFriendlyErrors(async () => {
      const normalized = normalizeSignUpInput(input);
      const result = await signUp(normalized);
      const birthdate = normalized.options?.clientMetadata?.[BIRTHDATE_METADATA_KEY];
      if (birthdate) pendingBirthdates.remember(normalized.username, birthdate);
      return result;
    }),
  handleSignIn: (input: SignInInput) =>
    withFriendlyErrors(() => signIn({ ...input, username: normalizeUsername(input.username) })),
  handleConfirmSignUp: (input: ConfirmSignUpInput) =>
    withFriendlyErrors(async () => {
      const result = await confirmSignUp(confirmSignUpInput(input));
      pendingBirthdates.forget(normalizeUsername(input.username));
      return result;
    }),
  handleConfirmSignIn: (input: ConfirmSignInInput) => withFriendlyErrors(() => confirmSignIn(input)),
  handleForgotPassword: (input: ResetPasswordInput) =>
    withFriendlyErrors(() => resetPassword({ ...input, username: normalizeUsername(input.username) })),
  handleForgotPasswordSubmit: async (input: ConfirmResetPasswordInput) => {
    await withFriendlyErrors(() => confirmResetPassword({ ...input, username: normalizeUsername(input.username) }));
    noticeOnNextSignIn(PASSWORD_RESET_NOTICE);
  },
  handleResendSignUpCode: (input: ResendSignUpCodeInput) => withFriendlyErrors(() => resendSignUpCode(input)),
};
