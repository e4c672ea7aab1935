import { useState, type ComponentProps } from 'react';
import { Authenticator, CheckboxField, useAuthenticator } from '@aws-amplify/ui-react';
import { BETA_ATTRIBUTE, SIGN_UP_DIAL_CODE, authServices, takeSignInNotice } from './auth-services';
import { Link } from '../../router';
import { passwordRules } from './password-rules';
import { TOTP_ISSUER } from './totp';
import { applyPlainAuthWords } from './plain-words';

applyPlainAuthWords();

const signInUsername = {
  label: 'Email or phone number',
  placeholder: 'you@example.com or (555) 123-4567',
  type: 'text',
  isRequired: true,
  autocomplete: 'username',
};

export const formFields = {
  signIn: { username: { ...signInUsername, order: 1 } },
  forgotPassword: { username: { ...signInUsername, label: 'Email or phone number of your account' } },
  signUp: {
    email: { order: 1, isRequired: true },
    phone_number: { order: 2, isRequired: true, dialCode: SIGN_UP_DIAL_CODE, label: 'Phone number' },
    preferred_username: { order: 3, isRequired: false, label: 'Preferred username (optional)', placeholder: 'How we greet you' },
    birthdate: { order: 4, isRequired: true, type: 'date', label: 'Birthdate' },
    password: { order: 5 },
    confirm_password: { order: 6 },
  },
  setupTotp: { QR: { totpIssuer: TOTP_ISSUER } },
};

/** After a successful reset, or a deleted account, the Authenticator returns to sign-in: say what happened. */
function SignInNotice() {
  const [notice] = useState(takeSignInNotice);
  if (!notice) return null;
  return (
    <p role="status" className="status status-ok">
      {notice}
    </p>
  );
}

function SignUpFields() {
  return (
    <>
      <Authenticator.SignUp.FormFields />
      <p className="password-rules">Password: {passwordRules()}</p>
      <CheckboxField
        name={BETA_ATTRIBUTE}
        value="true"
        label="Join the beta: try new features early"
      />
    </>
  );
}

const components = {
  Header() {
    return (
      <header className="auth-header">
        <h1>Amplify Vault</h1>
        <p>Your files, private by default.</p>
      </header>
    );
  },
  Footer() {
    return (
      <p className="auth-footer">
        <Link to="/public">Browse public files without signing in</Link>
      </p>
    );
  },
  SignUp: { FormFields: SignUpFields },
  SignIn: { Header: SignInNotice },
  ConfirmResetPassword: {
    Header() {
      const { codeDeliveryDetails } = useAuthenticator((context) => [context.codeDeliveryDetails]);
      const where = codeDeliveryDetails?.Destination;
      const medium = codeDeliveryDetails?.DeliveryMedium === 'SMS' ? 'by text message' : 'by email';
      return (
        <>
          <h2 className="amplify-heading amplify-heading--3">Choose a new password</h2>
          <p>{where ? `We sent a code ${medium} to ${where}.` : 'We sent a code to the email address or phone number of your account.'}</p>
          <p className="password-rules">New password: {passwordRules()}</p>
        </>
      );
    },
    /** Amplify UI offers only "Resend Code" here: give a way back for someone who remembered their password. */
    Footer() {
      const { toSignIn } = useAuthenticator((context) => [context.toSignIn]);
      return (
        <button type="button" className="amplify-button amplify-field-group__control amplify-button--link amplify-button--small" onClick={toSignIn}>
          Back to sign in
        </button>
      );
    },
  },
  ForceNewPassword: {
    FormFields() {
      return (
        <>
          <Authenticator.ForceNewPassword.FormFields />
          <p className="password-rules">New password: {passwordRules()}</p>
        </>
      );
    },
  },
};

/**
 * The sign-in, sign-up, confirmation, MFA and password-reset screens, with a
 * button for each social provider in amplify_outputs.json (`oauth.identity_providers`):
 * the Authenticator's signInWithRedirect goes through Cognito's hosted UI, on AWS
 * or on the local cloud (https://localhost:20443 and its emulated providers).
 */
export function SignInPage() {
  return (
    <main className="auth-page">
      <Authenticator
        formFields={formFields}
        components={components}
        services={authServices as unknown as ComponentProps<typeof Authenticator>['services']}
      />
    </main>
  );
}
