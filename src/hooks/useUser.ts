import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  fetchAuthSession,
  fetchUserAttributes,
  getCurrentUser,
  signInWithRedirect,
  deleteUserAttributes,
  signOut as amplifySignOut,
  updateUserAttributes,
  type AuthUser,
  type FetchUserAttributesOutput,
  type UpdateUserAttributesOutput,
} from 'aws-amplify/auth';
import { Hub } from 'aws-amplify/utils';
import { friendlyRedirectMessage, providerToRetryAfterLink } from '../features/auth/auth-errors';

export type UserStatus = 'loading' | 'signedOut' | 'signedIn';

export interface UserSnapshot {
  status: UserStatus;
  user: AuthUser | null;
  attributes: FetchUserAttributesOutput;
  /** False when the attributes could not be fetched: `attributes` is then empty, not the person's. */
  attributesLoaded: boolean;
  /** `cognito:groups` from the id token, without the group Cognito adds each federated user to (`<userPoolId>_Google`). */
  groups: string[];
  /** The identity-pool id (`region:uuid`): storage's `{entity_id}`. */
  identityId: string | undefined;
  /** When the id token expires. */
  sessionExpiresAt: Date | undefined;
  /**
   * The social provider (Cognito's name: Google, SignInWithApple, LoginWithAmazon, Facebook) of a
   * federated user, who signs in only there: Cognito gives them no password and no two-step sign-in.
   * Undefined for password accounts, also those a provider is linked to.
   */
  federatedProvider: string | undefined;
  /** Why the last load or refresh failed, in plain words. */
  error: string | undefined;
}

export interface UserActions {
  /** Reloads the user; `forceRefresh` also renews the tokens (e.g. after a group change). */
  refresh: (options?: { forceRefresh?: boolean }) => Promise<void>;
  updateAttributes: (attributes: Record<string, string>) => Promise<UpdateUserAttributesOutput>;
  /** Clears attributes (an emptied field), then reloads. */
  deleteAttributes: (keys: string[]) => Promise<void>;
  /** Signs out this browser, or every device with `{ global: true }`. */
  signOut: (options?: { global?: boolean }) => Promise<void>;
  /** Forgets the error shown (the person dismissed it). */
  dismissError: () => void;
}

export type UseUser = UserSnapshot & UserActions;

export const SIGNED_OUT: UserSnapshot = {
  status: 'signedOut',
  user: null,
  attributes: {},
  attributesLoaded: false,
  groups: [],
  identityId: undefined,
  sessionExpiresAt: undefined,
  federatedProvider: undefined,
  error: undefined,
};

const LOADING: UserSnapshot = { ...SIGNED_OUT, status: 'loading' };

export const SESSION_EXPIRED_MESSAGE = 'Your session has expired. Please sign in again.';

export const SESSION_ENDED_MESSAGE = 'Your session has ended. Please sign in again.';

export const RECONNECTING_MESSAGE = 'We could not reach the server to renew your session. Trying again…';

/** Errors after which Amplify forgets the tokens (as its TokenOrchestrator decides): the session is over. */
const SESSION_OVER_ERRORS = [
  'NotAuthorizedException',
  'TokenRevokedException',
  'UserNotFoundException',
  'PasswordResetRequiredException',
  'UserNotConfirmedException',
  'RefreshTokenReuseException',
];

/** Whether a `tokenRefresh_failure` ended the session; any other failure (offline, 5xx, throttling) keeps the tokens. */
export function refreshFailureEndsSession(error: unknown): boolean {
  const name = error instanceof Error ? error.name : (error as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string') return true;
  return SESSION_OVER_ERRORS.some((n) => name.startsWith(n));
}

/** The first retry after a failed refresh waits this long, doubling each time up to RETRY_MAX_MS. */
export const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 60_000;

/** Amplify's token keys in localStorage (`CognitoIdentityServiceProvider.<client>.<user>.accessToken`, `….LastAuthUser`). */
function isTokenKey(key: string | null): boolean {
  if (key === null) return true; // localStorage.clear()
  return key.startsWith('CognitoIdentityServiceProvider.') && (key.endsWith('.accessToken') || key.endsWith('.LastAuthUser'));
}

/** Cognito refused the stored tokens (revoked by "sign out everywhere", user disabled or deleted). */
export class SessionEndedError extends Error {}

function isSessionEnded(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NotAuthorizedException' || error.name === 'UserNotFoundException');
}

async function loadSnapshot(forceRefresh: boolean): Promise<UserSnapshot> {
  let user: AuthUser;
  try {
    user = await getCurrentUser();
  } catch {
    return SIGNED_OUT;
  }
  const [sessionResult, attributesResult] = await Promise.allSettled([
    fetchAuthSession({ forceRefresh }),
    fetchUserAttributes(),
  ]);
  for (const result of [sessionResult, attributesResult]) {
    if (result.status === 'rejected' && isSessionEnded(result.reason)) throw new SessionEndedError(messageOf(result.reason));
  }
  const attributes = attributesResult.status === 'fulfilled' ? attributesResult.value : {};
  if (sessionResult.status === 'rejected' || attributesResult.status === 'rejected') {
    // Still signed in (the tokens are there), but something is unreachable: say so, keep what loaded.
    const reason = sessionResult.status === 'rejected' ? sessionResult.reason : (attributesResult as PromiseRejectedResult).reason;
    return { ...SIGNED_OUT, status: 'signedIn', user, attributes, attributesLoaded: attributesResult.status === 'fulfilled', error: `We could not load your account: ${messageOf(reason)}` };
  }
  const session = sessionResult.value;
  const idToken = session.tokens?.idToken;
  const rawGroups = idToken?.payload['cognito:groups'];
  const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string' && !isProviderGroup(g, idToken?.payload.iss)) : [];
  const exp = idToken?.payload.exp;
  return {
    status: 'signedIn',
    user,
    attributes,
    attributesLoaded: true,
    groups,
    identityId: session.identityId,
    sessionExpiresAt: typeof exp === 'number' ? new Date(exp * 1000) : undefined,
    federatedProvider: federatedProviderOf(idToken?.payload),
    error: undefined,
  };
}

/**
 * Whether a group is the one Cognito makes for an identity provider and puts each of its federated
 * users in, `<userPoolId>_<providerName>` (e.g. `us-east-1_AbC123_Google`): nobody chose it, and its
 * name is an id, not something to show people.
 */
function isProviderGroup(group: string, issuer: unknown): boolean {
  const poolId = typeof issuer === 'string' ? issuer.slice(issuer.lastIndexOf('/') + 1) : '';
  return poolId !== '' && group.startsWith(`${poolId}_`);
}

/**
 * The provider of a federated user, from the id token: Cognito names such a user `<providerName>_<userId>`
 * after the identity in its `identities` claim (lower-cased in a case-insensitive pool). A password
 * account with a linked provider has the claim too, under its own username.
 */
export function federatedProviderOf(payload: Record<string, unknown> | undefined): string | undefined {
  const username = payload?.['cognito:username'];
  const identities = payload?.identities;
  if (typeof username !== 'string' || !Array.isArray(identities)) return undefined;
  for (const identity of identities as unknown[]) {
    if (typeof identity !== 'object' || identity === null) continue;
    const { providerName, userId } = identity as Record<string, unknown>;
    if (typeof providerName === 'string' && typeof userId === 'string' && username.toLowerCase() === `${providerName}_${userId}`.toLowerCase()) {
      return providerName;
    }
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The parameters Cognito's redirect back to the app carries; none of them means anything once handled. */
const REDIRECT_PARAMS = ['code', 'state', 'error', 'error_description'];

/** Takes a failed redirect's `?error=…&error_description=…` out of the address bar (a reload must not show it again). */
function forgetRedirectParams(): void {
  const url = new URL(window.location.href);
  if (!REDIRECT_PARAMS.some((p) => url.searchParams.has(p))) return;
  for (const p of REDIRECT_PARAMS) url.searchParams.delete(p);
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
}

/**
 * Failed social sign-ins, heard from the moment Amplify is configured. A
 * redirect that comes back with `?error=…` fails without a network call, so
 * aws-amplify raises signInWithRedirect_failure right after
 * `Amplify.configure()` — before React has mounted anything. main.tsx starts
 * this watch first; the message stays until the person dismisses it or signs
 * in, so a component mounted later (or mounted twice, as StrictMode does) shows it.
 */
let watchingRedirects = false;
/** Set while the one automatic retry after a first sign-in that linked accounts is under way. */
const LINK_RETRY_KEY = 'vault.linkRetry';
let redirectFailure: string | undefined;
const redirectFailureListeners = new Set<(message: string) => void>();

export function watchRedirectFailures(): void {
  if (watchingRedirects) return;
  watchingRedirects = true;
  Hub.listen('auth', ({ payload }) => {
    if (payload.event === 'signedIn') {
      redirectFailure = undefined;
      sessionStorage.removeItem(LINK_RETRY_KEY);
    }
    if (payload.event !== 'signInWithRedirect_failure') return;
    forgetRedirectParams();
    const error = (payload.data as { error?: unknown } | undefined)?.error;
    const retry = providerToRetryAfterLink(error);
    if (retry && sessionStorage.getItem(LINK_RETRY_KEY) === null) {
      // Linked to the person's existing account on the way: the same provider again lands there, once.
      sessionStorage.setItem(LINK_RETRY_KEY, retry);
      void signInWithRedirect({ provider: retry });
      return;
    }
    sessionStorage.removeItem(LINK_RETRY_KEY);
    redirectFailure = friendlyRedirectMessage(error);
    for (const listener of redirectFailureListeners) listener(redirectFailure);
  });
}

/** Forgets the failed social sign-in's message (dismissed; and between tests, which share the module). */
export function clearRedirectFailure(): void {
  redirectFailure = undefined;
}

/** Calls `listener` with each failed social sign-in's message, at once with one not yet dismissed. */
function onRedirectFailure(listener: (message: string) => void): () => void {
  redirectFailureListeners.add(listener);
  if (redirectFailure !== undefined) listener(redirectFailure);
  return () => redirectFailureListeners.delete(listener);
}

/**
 * The signed-in user's state, loaded once and then kept current by the auth Hub.
 * Results that arrive after unmount, or after a newer load started, are dropped.
 */
export function useUserSession(): UseUser {
  const [snapshot, setSnapshot] = useState<UserSnapshot>(LOADING);
  const mounted = useRef(true);
  const generation = useRef(0);

  const load = useCallback(async (forceRefresh = false) => {
    const mine = ++generation.current;
    const apply = (next: UserSnapshot) => {
      if (mounted.current && mine === generation.current) setSnapshot(next);
    };
    try {
      apply(await loadSnapshot(forceRefresh));
    } catch (error) {
      if (!(error instanceof SessionEndedError)) {
        apply({ ...SIGNED_OUT, error: messageOf(error) });
        return;
      }
      // Forget the dead tokens so the Authenticator starts from sign-in again.
      try {
        await amplifySignOut();
      } catch {
        // nothing more to clear
      }
      if (!mounted.current || generation.current > mine + 1) return;
      generation.current++;
      setSnapshot({ ...SIGNED_OUT, error: SESSION_ENDED_MESSAGE });
    }
  }, []);

  useEffect(() => {
    mounted.current = true;
    void load();
    // A refresh that failed for a network reason: Amplify kept the tokens, so the person stays
    // signed in while we retry, sooner when the browser says it is back online.
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let retries = 0;
    const stopRetrying = () => {
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      retryTimer = undefined;
    };
    const retryNow = () => {
      stopRetrying();
      void load(true);
    };
    const scheduleRetry = () => {
      stopRetrying();
      retryTimer = setTimeout(retryNow, Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** retries));
      retries++;
    };
    const onOnline = () => {
      if (retryTimer !== undefined) retryNow();
    };
    // Signing out (or in) in another tab changes Amplify's tokens in localStorage: follow it here.
    const onStorage = (event: StorageEvent) => {
      if (event.storageArea !== null && event.storageArea !== window.localStorage) return;
      if (isTokenKey(event.key)) void load();
    };
    window.addEventListener('online', onOnline);
    window.addEventListener('storage', onStorage);
    const stop = Hub.listen('auth', ({ payload }) => {
      switch (payload.event) {
        case 'signedIn':
        case 'signInWithRedirect':
        case 'tokenRefresh':
          stopRetrying();
          retries = 0;
          void load();
          break;
        case 'signedOut':
          stopRetrying();
          generation.current++;
          if (mounted.current) setSnapshot(SIGNED_OUT);
          break;
        case 'tokenRefresh_failure': {
          const error = (payload.data as { error?: unknown } | undefined)?.error;
          if (!refreshFailureEndsSession(error)) {
            if (mounted.current) setSnapshot((current) => (current.status === 'signedIn' ? { ...current, error: RECONNECTING_MESSAGE } : current));
            scheduleRetry();
            break;
          }
          stopRetrying();
          generation.current++;
          if (mounted.current) setSnapshot({ ...SIGNED_OUT, error: SESSION_EXPIRED_MESSAGE });
          break;
        }
      }
    });
    const stopFailures = onRedirectFailure((message) => {
      generation.current++;
      if (mounted.current) setSnapshot({ ...SIGNED_OUT, error: message });
    });
    return () => {
      mounted.current = false;
      stopRetrying();
      window.removeEventListener('online', onOnline);
      window.removeEventListener('storage', onStorage);
      stop();
      stopFailures();
    };
  }, [load]);

  const refresh = useCallback((options?: { forceRefresh?: boolean }) => load(options?.forceRefresh ?? false), [load]);

  const updateAttributes = useCallback(
    async (attributes: Record<string, string>) => {
      const output = await updateUserAttributes({ userAttributes: attributes });
      await load();
      return output;
    },
    [load],
  );

  const deleteAttributes = useCallback(
    async (keys: string[]) => {
      await deleteUserAttributes({ userAttributeKeys: keys as never });
      await load();
    },
    [load],
  );

  const signOut = useCallback(async (options?: { global?: boolean }) => {
    await amplifySignOut({ global: options?.global ?? false });
    // The Hub's signedOut event updates the state.
  }, []);

  const dismissError = useCallback(() => {
    clearRedirectFailure();
    if (mounted.current) setSnapshot((current) => (current.error === undefined ? current : { ...current, error: undefined }));
  }, []);

  return useMemo(
    () => ({ ...snapshot, refresh, updateAttributes, deleteAttributes, signOut, dismissError }),
    [snapshot, refresh, updateAttributes, deleteAttributes, signOut, dismissError],
  );
}

/** Exported for tests, which provide a fixed user; the app uses UserProvider. */
export const UserContext = createContext<UseUser | null>(null);

/** Holds the one user session every component reads with useUser(). */
export function UserProvider({ children }: { children: ReactNode }) {
  const value = useUserSession();
  return createElement(UserContext.Provider, { value }, children);
}

/** The user session from the nearest UserProvider. */
export function useUser(): UseUser {
  const value = useContext(UserContext);
  if (!value) throw new Error('useUser() must be used inside <UserProvider>.');
  return value;
}
