/**
 * A social sign-in that comes back failed, through the real aws-amplify: Cognito
 * redirects to the app with `?error=…&error_description=…`, Amplify's OAuth
 * listener (started by Amplify.configure, as on a page load) raises
 * signInWithRedirect_failure, and the sign-in page says what happened in plain
 * words, lets the person dismiss it and try again.
 */
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Amplify } from 'aws-amplify';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../App';
import { buildAmplifyConfig } from '../../amplify-config';
import { clearRedirectFailure, UserProvider, watchRedirectFailures } from '../../hooks/useUser';
import { fakeOutputs, withSocialProviders } from '../../testing/fake-outputs';

// jsdom's page is http://localhost:3000/: the registered callback aws-amplify picks must be on its origin.
const outputs = withSocialProviders(fakeOutputs(true), 'localhost:20443', 'http://localhost:3000/');
const config = buildAmplifyConfig(outputs);
/** Where aws-amplify marks a redirect in flight (set by signInWithRedirect before it leaves the page). */
const INFLIGHT = `CognitoIdentityServiceProvider.${outputs.auth!.user_pool_client_id}.inflightOAuth`;

/**
 * The person comes back from Cognito to `/?<query>` after having left through signInWithRedirect.
 * As on the real page (main.tsx), Amplify is configured before React mounts, and that is what
 * starts completing the redirect; `mountFirst` mounts the app before instead.
 */
async function comeBackWith(query: Record<string, string>, { mountFirst = false } = {}) {
  localStorage.setItem(INFLIGHT, 'true');
  window.history.replaceState(null, '', `/?${new URLSearchParams({ ...query, state: 'abc123' })}`);
  const mount = () =>
    render(
      <UserProvider>
        <App />
      </UserProvider>,
    );
  if (mountFirst) mount();
  act(() => Amplify.configure(config));
  if (!mountFirst) mount();
  return screen.findByRole('alert');
}

const CASES: Array<{ what: string; query: Record<string, string>; says: string }> = [
  {
    what: 'the person cancelled on the provider page',
    query: { error: 'access_denied' },
    says: 'Signing in was cancelled. Choose a way to sign in to try again.',
  },
  {
    what: 'the provider did not share the email address',
    query: { error: 'invalid_request', error_description: 'attributes required: [email]' },
    says: 'The provider did not share your email address, which Amplify Vault needs. Allow sharing it and try again, or create an account with your email.',
  },
  {
    what: 'the user is disabled',
    query: { error: 'invalid_request', error_description: 'User is disabled.' },
    says: 'Your account has been disabled. Contact an administrator if you think this is a mistake.',
  },
  {
    what: 'the provider answered an error',
    query: { error: 'invalid_request', error_description: 'Facebook Error - 500 server_error Something broke' },
    says: 'Facebook could not sign you in. Please try again, or choose another way to sign in.',
  },
  {
    what: 'the linking trigger refused',
    query: { error: 'invalid_request', error_description: 'PreSignUp failed with error This email is not verified with Google, so it cannot be linked to your account. ' },
    says: 'This email is not verified with Google, so it cannot be linked to your account.',
  },
];

describe('a failed social sign-in on the sign-in page', () => {
  beforeAll(() => {
    watchRedirectFailures(); // as main.tsx does, before Amplify is configured
  });
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
    clearRedirectFailure();
  });
  afterEach(() => {
    window.history.replaceState(null, '', '/');
  });

  it.each(CASES)('$what: plain words, no codes, the address bar cleaned', async ({ query, says }) => {
    const alert = await comeBackWith(query);
    expect(alert).toHaveTextContent(says);
    expect(alert.textContent).not.toMatch(/access_denied|invalid_request|server_error|PreSignUp|attributes required/);
    // The redirect's parameters are gone: a reload shows the sign-in page, not the error again.
    expect(window.location.search).toBe('');
    expect(localStorage.getItem(INFLIGHT)).toBeNull();
  });

  it('is shown as well when the app was already mounted as the failure arrived', async () => {
    const alert = await comeBackWith({ error: 'invalid_request', error_description: 'User is disabled.' }, { mountFirst: true });
    expect(alert).toHaveTextContent('Your account has been disabled.');
  });

  it('can be dismissed, and the person can try again with a provider', async () => {
    const user = userEvent.setup({ delay: null });
    const alert = await comeBackWith({ error: 'access_denied', error_description: 'The user denied the request.' });
    expect(alert).toHaveTextContent('Signing in was cancelled.');
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument());

    // The provider buttons are still there; choosing one starts a new redirect (aws-amplify marks it in flight
    // before leaving the page, which jsdom cannot do).
    const google = await screen.findByRole('button', { name: /Sign In with Google$/ });
    await user.click(google);
    await waitFor(() => expect(localStorage.getItem(INFLIGHT)).toBe('true'));
  });

  it('signs in again once, by itself, when the first sign-in only linked the provider to an existing account', async () => {
    const linked = { error: 'invalid_request', error_description: 'Already found an entry for username Google_110169484474386276334 ' };
    localStorage.setItem(INFLIGHT, 'true');
    window.history.replaceState(null, '', `/?${new URLSearchParams({ ...linked, state: 'abc123' })}`);
    act(() => Amplify.configure(config));
    // aws-amplify's signInWithRedirect for Google is under way again (jsdom cannot leave the page).
    await waitFor(() => expect(sessionStorage.getItem('vault.linkRetry')).toBe('Google'));
    await waitFor(() => expect(localStorage.getItem(INFLIGHT)).toBe('true'));

    // Failing the same way again, the person reads what happened instead of a loop.
    const alert = await comeBackWith(linked);
    expect(alert).toHaveTextContent('Your account is now linked to this provider. Choose the provider again to sign in.');
  });
});
