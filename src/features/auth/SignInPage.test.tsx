import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Amplify } from 'aws-amplify';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildAmplifyConfig } from '../../amplify-config';
import { fakeOutputs } from '../../testing/fake-outputs';

vi.mock('aws-amplify/auth', async (importOriginal) => {
  const actual = await importOriginal<typeof import('aws-amplify/auth')>();
  return {
    ...actual,
    getCurrentUser: vi.fn(async () => {
      throw Object.assign(new Error('not signed in'), { name: 'UserUnAuthenticatedException' });
    }),
    signUp: vi.fn(),
    signIn: vi.fn(),
  };
});

import * as auth from 'aws-amplify/auth';
import { SignInPage } from './SignInPage';

const PASSWORD = 'Correct-Horse-9!';

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
    const outputs = fakeOutputs(true);
    // The backend configures social providers; the local cloud has no hosted UI.
    Object.assign(outputs.auth!, {
      oauth: {
        identity_providers: ['GOOGLE'],
        redirect_sign_in_uri: ['http://localhost:5173/'],
        redirect_sign_out_uri: ['http://localhost:5173/'],
        response_type: 'code',
        scopes: ['openid'],
        domain: 'example.auth.us-east-1.amazoncognito.com',
      },
    });
    Amplify.configure(buildAmplifyConfig(outputs));
  });
  beforeEach(() => vi.mocked(auth.signUp).mockReset());

  it('signs in with email or phone', async () => {
    render(<SignInPage local />);
    const username = await screen.findByLabelText('Email or phone number');
    expect(username).toHaveAttribute('type', 'text');
    expect(screen.getByRole('link', { name: /Browse public files/ })).toHaveAttribute('href', '/public');
    expect(screen.queryByRole('button', { name: /Google/ })).not.toBeInTheDocument();

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

  it('shows the social buttons the backend configures when running on AWS', async () => {
    render(<SignInPage local={false} />);
    expect(await screen.findByRole('button', { name: /Google/ })).toBeInTheDocument();
  });

  it('asks for email, phone, preferred username, a birthdate date and the beta opt-in; shows trigger errors plainly', async () => {
    const user = userEvent.setup({ delay: null }); // no timer between keystrokes: typing is fast, and nothing is left typing once the test ends
    render(<SignInPage local />);
    await user.click(await screen.findByRole('tab', { name: 'Create Account' }));

    const birthdate = await screen.findByLabelText('Birthdate');
    expect(birthdate).toHaveAttribute('type', 'date');
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
      birthdate: '2020-01-02',
      'custom:is_beta_user': 'true',
    });
    expect(await screen.findByText('You must be at least 13 years old to create an account.')).toBeInTheDocument();
    expect(screen.queryByText(/PreSignUp failed/)).not.toBeInTheDocument();
  }, 30_000); // seven fields typed through the Authenticator's form: seconds of CPU on a shared machine
});
