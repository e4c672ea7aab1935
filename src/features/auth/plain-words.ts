import { I18n } from 'aws-amplify/utils';

/**
 * The Authenticator's own words for the second sign-in step, in plain words
 * (Amplify UI looks every phrase up through I18n). Cognito's SELECT_MFA_TYPE
 * (TOTP and SMS both on, neither preferred) becomes aws-amplify's
 * CONTINUE_SIGN_IN_WITH_MFA_SELECTION, which the Authenticator shows as one
 * radio button per allowed type; the same labels serve MFA set-up selection.
 */
export const PLAIN_AUTH_WORDS: Record<string, string> = {
  'Multi-Factor Authentication': 'How do you want to get your sign-in code?',
  'Multi-Factor Authentication Setup': 'How do you want to get sign-in codes?',
  'Select MFA Type': 'Where to get your sign-in code',
  'Text Message (SMS)': 'Text message',
  'Authenticator App (TOTP)': 'Authenticator app',
  'Email Message': 'Email',
  'Confirm SMS Code': 'Enter the code we texted you',
  'Confirm TOTP Code': 'Enter the code from your authenticator app',
  'Confirm Email Code': 'Enter the code we emailed you',
};

let applied = false;

/** Adds the plain words to the English vocabulary (once; the Authenticator reads them at render). */
export function applyPlainAuthWords(): void {
  if (applied) return;
  I18n.putVocabulariesForLanguage('en', PLAIN_AUTH_WORDS);
  applied = true;
}
