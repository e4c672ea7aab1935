import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Amplify } from 'aws-amplify';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildAmplifyConfig } from '../../amplify-config';
import { fakeOutputs, withSocialProviders } from '../../testing/fake-outputs';

vi.mock('aws-amplify/auth', async (importOriginal) => {
  const actual = await importOriginal<typeof import('aws-amplify/auth')>();
  return {
    ...actual,
    getCurrentUser: vi.fn(async () => {
      throw Object.assign(new Error('not signed in'), { name: 'UserUnAuthenticatedException' });
    }),
    signUp: vi.fn(),
    signIn: vi.fn(),
    confirmSignIn: vi.fn(),
    resetPassword: vi.fn(),
  };
});

import * as auth from 'aws-amplify/auth';
import { ACCOUNT_DELETED_NOTICE, noticeOnNextSignIn } from './auth-services';
import { SignInPage } from './SignInPage';

const PASSWORD = 'Correct-Horse-9!';

/** Amplify UI names each button by its icon's label and its text ("Google icon" + "Sign In with Google"). */
const SOCIAL_BUTTONS = ['Google', 'Apple', 'Amazon', 'Facebook'].map((p) => new RegExp(`^${p} icon ?Sign In with ${p}$`));

describe('SignInPage', () => {
  beforeAll(() => {
    // jsdom lacks a form's named-element properties (form.__authMethod), which the
    // Authenticator's sign-up button reads; browsers have them.
    Object.defineProperty(HTMLFormElement.prototype, '__authMethod', {
      configurable: true,
      get(this: HTMLFormElement) {
        return this.elements.namedItem('__authMethod') ?? undefined;
      },
    });
    Amplify.configure(buildAmplifyConfig(withSocialProviders(fakeOutputs(true))));
  });
  beforeEach(() => vi.mocked(auth.signUp).mockReset());

  it('signs in with email or phone', async () => {
    render(<SignInPage />);
    const username = await screen.findByLabelText('Email or phone number');
    expect(username).toHaveAttribute('type', 'text');
    expect(screen.getByRole('link', { name: /Browse public files/ })).toHaveAttribute('href', '/public');

    vi.mocked(auth.signIn).mockRejectedValueOnce(
      Object.assign(new Error('Incorrect username or password.'), { name: 'NotAuthorizedException' }),
    );
    const user = userEvent.setup({ delay: null }); // no timer between keystrokes: typing is fast, and nothing is left typing once the test ends
    await user.type(username, '+1 555 010 0199');
    await user.type(screen.getByLabelText('Password'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(auth.signIn).toHaveBeenCalled());
    expect(vi.mocked(auth.signIn).mock.calls[0][0]).toMatchObject({ username: '+15550100199', password: PASSWORD });
    expect(await screen.findByText('Incorrect username or password.')).toBeInTheDocument();
  });

  it('says once, above the sign-in form, what just happened (a deleted account)', async () => {
    noticeOnNextSignIn(ACCOUNT_DELETED_NOTICE);
    const first = render(<SignInPage />);
    expect(await screen.findByRole('status')).toHaveTextContent(ACCOUNT_DELETED_NOTICE);
    first.unmount();
    render(<SignInPage />);
    await screen.findByLabelText('Email or phone number');
    expect(screen.queryByText(ACCOUNT_DELETED_NOTICE)).not.toBeInTheDocument();
  });

  it('shows a button for each of the four social providers, on the local cloud and on AWS alike', async () => {
    for (const outputs of [withSocialProviders(fakeOutputs(true)), withSocialProviders(fakeOutputs(false), 'vault.auth.us-east-1.amazoncognito.com')]) {
      Amplify.configure(buildAmplifyConfig(outputs));
      const { unmount } = render(<SignInPage />);
      for (const name of SOCIAL_BUTTONS) expect(await screen.findByRole('button', { name })).toBeEnabled();
      unmount();
    }
    Amplify.configure(buildAmplifyConfig(withSocialProviders(fakeOutputs(true))));
  });

  it('asks for email, phone, preferred username, a birthdate date and the beta opt-in; shows trigger errors plainly', async () => {
    const user = userEvent.setup({ delay: null }); // no timer between keystrokes: typing is fast, and nothing is left typing once the test ends
    render(<SignInPage />);
    await user.click(await screen.findByRole('tab', { name: 'Create Account' }));

    const birthdate = await screen.findByLabelText('Birthdate');
    expect(birthdate).toHaveAttribute('type', 'date');
    // The password rules, stated where the new password is typed (the configured pool's policy).
    expect(screen.getByText(/^Password: At least \d+ characters/)).toBeInTheDocument();
    await user.type(screen.getByLabelText('Email'), 'kid@example.com');
    await user.type(screen.getByLabelText('Phone number'), '5550100199');
    await user.type(screen.getByLabelText('Preferred username (optional)'), 'kiddo');
    await user.type(birthdate, '2020-01-02');
    await user.type(screen.getByLabelText('Password'), PASSWORD);
    await user.type(screen.getByLabelText('Confirm Password'), PASSWORD);
    await user.click(screen.getByRole('checkbox', { name: /Join the beta/ }));

    vi.mocked(auth.signUp).mockRejectedValueOnce(
      Object.assign(new Error('PreSignUp failed with error You must be at least 13 years old to create an account..'), {
        name: 'UserLambdaValidationException',
      }),
    );
    await user.click(screen.getByRole('button', { name: 'Create Account' }));
    await waitFor(() => expect(auth.signUp).toHaveBeenCalledTimes(1));
    const input = vi.mocked(auth.signUp).mock.calls[0][0];
    expect(input.username).toBe('kid@example.com');
    expect(input.options?.userAttributes).toMatchObject({
      email: 'kid@example.com',
      phone_number: '+15550100199',
      preferred_username: 'kiddo',
      'custom:is_beta_user': 'true',
    });
    // Not an attribute people may write: the pre sign-up trigger checks it as ClientMetadata.
    expect(input.options?.userAttributes).not.toHaveProperty('birthdate');
    expect(input.options?.clientMetadata).toEqual({ birthdate: '2020-01-02' });
    expect(await screen.findByText('You must be at least 13 years old to create an account.')).toBeInTheDocument();
    expect(screen.queryByText(/PreSignUp failed/)).not.toBeInTheDocument();
  }, 30_000); // seven fields typed through the Authenticator's form: seconds of CPU on a shared machine

  it('the reset-password code step says where the code went and offers a way back to sign in', async () => {
    vi.mocked(auth.resetPassword).mockResolvedValueOnce({
      isPasswordReset: false,
      nextStep: {
        resetPasswordStep: 'CONFIRM_RESET_PASSWORD_WITH_CODE',
        codeDeliveryDetails: { deliveryMedium: 'EMAIL', destination: 'f***@e***.com', attributeName: 'email' },
      },
    });
    const user = userEvent.setup({ delay: null });
    render(<SignInPage />);
    await user.click(await screen.findByRole('button', { name: 'Forgot your password?' }));
    await user.type(await screen.findByLabelText('Email or phone number of your account'), 'forgot@example.com');
    await user.click(screen.getByRole('button', { name: 'Send code' }));

    expect(await screen.findByText('We sent a code by email to f***@e***.com.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Back to sign in' }));
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.queryByText(/We sent a code/)).not.toBeInTheDocument();
  }, 30_000);

  it('with both kinds of code on and neither preferred, lets the person choose in plain words', async () => {
    vi.mocked(auth.signIn).mockResolvedValueOnce({
      isSignedIn: false,
      nextStep: { signInStep: 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION', allowedMFATypes: ['SMS', 'TOTP'] },
    });
    vi.mocked(auth.confirmSignIn).mockResolvedValueOnce({ isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' } });
    const user = userEvent.setup({ delay: null });
    render(<SignInPage />);
    await user.type(await screen.findByLabelText('Email or phone number'), 'both@example.com');
    await user.type(screen.getByLabelText('Password'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { name: 'How do you want to get your sign-in code?' })).toBeInTheDocument();
    const text = screen.getByRole('radio', { name: 'Text message' });
    const app = screen.getByRole('radio', { name: 'Authenticator app' });
    expect(text).toBeChecked();
    expect(document.body.textContent).not.toMatch(/TOTP|SMS|Multi-Factor/);
    await user.click(app);
    await user.click(screen.getByRole('button', { name: 'Confirm' }));
    await waitFor(() => expect(auth.confirmSignIn).toHaveBeenCalledWith({ challengeResponse: 'TOTP' }));
    expect(await screen.findByRole('heading', { name: 'Enter the code from your authenticator app' })).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(/TOTP/);
  }, 30_000);
});
