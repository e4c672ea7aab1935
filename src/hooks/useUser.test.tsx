import { act, renderHook, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeHub } from '../testing/fake-hub';
import { fakeSession } from '../testing/tokens';

const hub = vi.hoisted(() => ({ current: undefined as unknown as ReturnType<typeof createFakeHub> }));
vi.mock('aws-amplify/utils', () => ({
  Hub: { listen: (channel: string, cb: never) => hub.current.listen(channel, cb) },
}));
vi.mock('aws-amplify/auth', () => ({
  getCurrentUser: vi.fn(),
  fetchAuthSession: vi.fn(),
  fetchUserAttributes: vi.fn(),
  updateUserAttributes: vi.fn(),
  signOut: vi.fn(),
}));

import * as auth from 'aws-amplify/auth';
import {
  RECONNECTING_MESSAGE,
  RETRY_FIRST_MS,
  SESSION_ENDED_MESSAGE,
  SESSION_EXPIRED_MESSAGE,
  UserProvider, useUser, useUserSession } from './useUser';

const mocked = vi.mocked(auth);
const alice = { username: 'sub-1', userId: 'sub-1' };

function signedInAs(groups: string[] = [], attributes: Record<string, string> = { email: 'alice@example.com' }) {
  mocked.getCurrentUser.mockResolvedValue(alice);
  mocked.fetchAuthSession.mockResolvedValue(fakeSession({ groups, exp: 1_900_000_000 }) as never);
  mocked.fetchUserAttributes.mockResolvedValue(attributes);
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('useUser', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    hub.current = createFakeHub();
  });

  it('starts loading, then reports a signed-out visitor', async () => {
    mocked.getCurrentUser.mockRejectedValue(new Error('UserUnAuthenticatedException'));
    const { result } = renderHook(() => useUserSession());
    expect(result.current.status).toBe('loading');
    await waitFor(() => expect(result.current.status).toBe('signedOut'));
    expect(result.current.user).toBeNull();
    expect(result.current.groups).toEqual([]);
    expect(mocked.fetchAuthSession).not.toHaveBeenCalled();
  });

  it('loads the user, attributes, groups from the id token, identity id and expiry once', async () => {
    signedInAs(['EDITORS'], { email: 'alice@example.com', 'custom:is_beta_user': 'true' });
    const { result, rerender } = renderHook(() => useUser(), { wrapper: UserProvider });
    await waitFor(() => expect(result.current.status).toBe('signedIn'));
    rerender();
    expect(result.current.user).toEqual(alice);
    expect(result.current.attributes['custom:is_beta_user']).toBe('true');
    expect(result.current.groups).toEqual(['EDITORS']);
    expect(result.current.identityId).toBe('us-east-1:11111111-1111-4111-8111-111111111111');
    expect(result.current.sessionExpiresAt).toEqual(new Date(1_900_000_000_000));
    expect(mocked.getCurrentUser).toHaveBeenCalledTimes(1);
    expect(mocked.fetchAuthSession).toHaveBeenCalledTimes(1);
  });

  it("leaves out the group Cognito puts every federated user in (<userPoolId>_<provider>): nobody chose it", async () => {
    signedInAs(['us-east-1_TestPool1_Google', 'EDITORS']);
    const { result } = renderHook(() => useUserSession());
    await waitFor(() => expect(result.current.status).toBe('signedIn'));
    expect(result.current.groups).toEqual(['EDITORS']);
  });

  it('tells a federated user (named after their identity) from a password account a provider is linked to', async () => {
    const google = { userId: '1170', providerName: 'Google', providerType: 'Google', issuer: null, primary: 'true', dateCreated: '1' };
    mocked.getCurrentUser.mockResolvedValue({ username: 'google_1170', userId: 'sub-1' });
    mocked.fetchUserAttributes.mockResolvedValue({ email: 'grace@example.com' });
    mocked.fetchAuthSession.mockResolvedValue(fakeSession({ username: 'google_1170', identities: [google] }) as never);
    const federated = renderHook(() => useUserSession());
    await waitFor(() => expect(federated.result.current.status).toBe('signedIn'));
    expect(federated.result.current.federatedProvider).toBe('Google');

    signedInAs([]);
    mocked.fetchAuthSession.mockResolvedValue(fakeSession({ identities: [google] }) as never);
    const linked = renderHook(() => useUserSession());
    await waitFor(() => expect(linked.result.current.status).toBe('signedIn'));
    expect(linked.result.current.federatedProvider).toBeUndefined();

    signedInAs([]);
    const plain = renderHook(() => useUserSession());
    await waitFor(() => expect(plain.result.current.status).toBe('signedIn'));
    expect(plain.result.current.federatedProvider).toBeUndefined();
  });

  it('follows the auth Hub: signedIn, tokenRefresh, signedOut, tokenRefresh_failure', async () => {
    mocked.getCurrentUser.mockRejectedValue(new Error('not signed in'));
    const { result } = renderHook(() => useUserSession());
    await waitFor(() => expect(result.current.status).toBe('signedOut'));

    signedInAs([]);
    act(() => hub.current.emit('auth', 'signedIn'));
    await waitFor(() => expect(result.current.status).toBe('signedIn'));
    expect(result.current.groups).toEqual([]);

    signedInAs(['ADMINS']);
    act(() => hub.current.emit('auth', 'tokenRefresh'));
    await waitFor(() => expect(result.current.groups).toEqual(['ADMINS']));

    act(() => hub.current.emit('auth', 'signedOut'));
    expect(result.current.status).toBe('signedOut');
    expect(result.current.user).toBeNull();

    act(() => hub.current.emit('auth', 'signedIn'));
    await waitFor(() => expect(result.current.status).toBe('signedIn'));
    act(() => hub.current.emit('auth', 'tokenRefresh_failure'));
    expect(result.current.status).toBe('signedOut');
    expect(result.current.error).toBe(SESSION_EXPIRED_MESSAGE);
  });

  it('keeps only the newest of overlapping loads', async () => {
    const slow = deferred<typeof alice>();
    mocked.getCurrentUser.mockReturnValueOnce(slow.promise).mockRejectedValue(new Error('signed out'));
    const { result } = renderHook(() => useUserSession());
    // A sign-out arrives while the first load is still running.
    act(() => hub.current.emit('auth', 'signedOut'));
    signedInAs(['ADMINS']);
    await act(async () => {
      slow.resolve(alice);
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(result.current.status).toBe('signedOut');
  });

  it('refresh(forceRefresh) renews tokens; updateAttributes reloads; signOut passes global', async () => {
    signedInAs([]);
    const { result } = renderHook(() => useUserSession());
    await waitFor(() => expect(result.current.status).toBe('signedIn'));

    signedInAs(['EDITORS']);
    await act(() => result.current.refresh({ forceRefresh: true }));
    expect(mocked.fetchAuthSession).toHaveBeenLastCalledWith({ forceRefresh: true });
    expect(result.current.groups).toEqual(['EDITORS']);

    mocked.updateUserAttributes.mockResolvedValue({} as never);
    mocked.fetchUserAttributes.mockResolvedValue({ preferred_username: 'ally' });
    await act(() => result.current.updateAttributes({ preferred_username: 'ally' }));
    expect(mocked.updateUserAttributes).toHaveBeenCalledWith({ userAttributes: { preferred_username: 'ally' } });
    expect(result.current.attributes.preferred_username).toBe('ally');

    await act(() => result.current.signOut({ global: true }));
    expect(mocked.signOut).toHaveBeenCalledWith({ global: true });
  });

  it('stays signed in but reports what is unreachable (e.g. the identity pool)', async () => {
    mocked.getCurrentUser.mockResolvedValue(alice);
    mocked.fetchAuthSession.mockRejectedValue(new Error('Failed to fetch'));
    mocked.fetchUserAttributes.mockResolvedValue({ email: 'alice@example.com' });
    const { result } = renderHook(() => useUserSession());
    await waitFor(() => expect(result.current.status).toBe('signedIn'));
    expect(result.current.user).toEqual(alice);
    expect(result.current.attributes.email).toBe('alice@example.com');
    expect(result.current.identityId).toBeUndefined();
    expect(result.current.error).toBe('We could not load your account: Failed to fetch');
    expect(mocked.signOut).not.toHaveBeenCalled();
  });

  it('signs out locally when Cognito refuses the stored tokens (signed out everywhere)', async () => {
    mocked.getCurrentUser.mockResolvedValue(alice);
    mocked.fetchAuthSession.mockResolvedValue(fakeSession() as never);
    mocked.fetchUserAttributes.mockRejectedValue(
      Object.assign(new Error('Access Token has been revoked'), { name: 'NotAuthorizedException' }),
    );
    // The real signOut announces itself on the Hub.
    mocked.signOut.mockImplementation(async () => hub.current.emit('auth', 'signedOut'));
    const { result } = renderHook(() => useUserSession());
    await waitFor(() => expect(result.current.status).toBe('signedOut'));
    expect(mocked.signOut).toHaveBeenCalledWith();
    expect(result.current.error).toBe(SESSION_ENDED_MESSAGE);
  });

  it('stays signed in when a refresh fails for a network reason, and retries until it works', async () => {
    signedInAs(['EDITORS']);
    const { result } = renderHook(() => useUserSession());
    await waitFor(() => expect(result.current.status).toBe('signedIn'));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const offline = Object.assign(new Error('Network error'), { name: 'NetworkError' });
      act(() => hub.current.emit('auth', 'tokenRefresh_failure', { error: offline }));
      expect(result.current.status).toBe('signedIn');
      expect(result.current.groups).toEqual(['EDITORS']);
      expect(result.current.error).toBe(RECONNECTING_MESSAGE);
      expect(mocked.signOut).not.toHaveBeenCalled();

      mocked.fetchAuthSession.mockClear();
      await act(() => vi.advanceTimersByTimeAsync(RETRY_FIRST_MS));
      expect(mocked.fetchAuthSession).toHaveBeenCalledWith({ forceRefresh: true });
      expect(result.current.status).toBe('signedIn');
      expect(result.current.error).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('retries at once when the browser comes back online', async () => {
    signedInAs([]);
    const { result } = renderHook(() => useUserSession());
    await waitFor(() => expect(result.current.status).toBe('signedIn'));
    act(() => hub.current.emit('auth', 'tokenRefresh_failure', { error: Object.assign(new Error('x'), { name: 'NetworkError' }) }));
    mocked.fetchAuthSession.mockClear();
    act(() => window.dispatchEvent(new Event('online')));
    await waitFor(() => expect(result.current.error).toBeUndefined());
    expect(mocked.fetchAuthSession).toHaveBeenCalledWith({ forceRefresh: true });
  });

  it('signs out when the refresh token was refused (revoked, expired)', async () => {
    signedInAs([]);
    const { result } = renderHook(() => useUserSession());
    await waitFor(() => expect(result.current.status).toBe('signedIn'));
    const refused = Object.assign(new Error('Refresh Token has expired'), { name: 'NotAuthorizedException' });
    act(() => hub.current.emit('auth', 'tokenRefresh_failure', { error: refused }));
    expect(result.current.status).toBe('signedOut');
    expect(result.current.error).toBe(SESSION_EXPIRED_MESSAGE);
  });

  it("follows a sign-out in another tab (Amplify's tokens leave localStorage)", async () => {
    signedInAs([]);
    const { result } = renderHook(() => useUserSession());
    await waitFor(() => expect(result.current.status).toBe('signedIn'));
    mocked.getCurrentUser.mockRejectedValue(new Error('UserUnAuthenticatedException'));
    // An unrelated key changes nothing.
    act(() => window.dispatchEvent(new StorageEvent('storage', { key: 'theme', newValue: null, storageArea: window.localStorage })));
    expect(result.current.status).toBe('signedIn');
    act(() =>
      window.dispatchEvent(
        new StorageEvent('storage', { key: 'CognitoIdentityServiceProvider.client.sub-1.accessToken', oldValue: 'a', newValue: null, storageArea: window.localStorage }),
      ),
    );
    await waitFor(() => expect(result.current.status).toBe('signedOut'));
    expect(result.current.error).toBeUndefined();
  });

  it('useUser outside the provider explains itself', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => renderHook(() => useUser())).toThrow(/UserProvider/);
  });
});
