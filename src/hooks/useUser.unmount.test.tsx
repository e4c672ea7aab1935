import { act, renderHook } from '@testing-library/react';
import { expect, it, vi } from 'vitest';
import { createFakeHub } from '../testing/fake-hub';
import { fakeSession } from '../testing/tokens';

// Record every state update the hook makes, so a late one after unmount is visible
// (React 19 no longer warns about it).
const probe = vi.hoisted(() => ({ updates: 0, hub: undefined as unknown as ReturnType<typeof createFakeHub> }));
vi.mock('react', async (importOriginal) => {
  const actual = await importOriginal<typeof import('react')>();
  return {
    ...actual,
    useState: <S,>(initial: S | (() => S)) => {
      const [state, set] = actual.useState(initial);
      const counted = actual.useCallback((value: S | ((prev: S) => S)) => {
        probe.updates++;
        set(value);
      }, []);
      return [state, counted] as const;
    },
  };
});
vi.mock('aws-amplify/utils', () => ({
  Hub: { listen: (channel: string, cb: never) => probe.hub.listen(channel, cb) },
}));
vi.mock('aws-amplify/auth', () => ({
  getCurrentUser: vi.fn(),
  fetchAuthSession: vi.fn(),
  fetchUserAttributes: vi.fn(),
  updateUserAttributes: vi.fn(),
  signOut: vi.fn(),
}));

import * as auth from 'aws-amplify/auth';
import { useUserSession } from './useUser';

it('never sets state after unmount, and stops following the Hub', async () => {
  probe.hub = createFakeHub();
  let release!: (user: { username: string; userId: string }) => void;
  vi.mocked(auth.getCurrentUser).mockReturnValue(new Promise((r) => (release = r)));
  vi.mocked(auth.fetchAuthSession).mockResolvedValue(fakeSession() as never);
  vi.mocked(auth.fetchUserAttributes).mockResolvedValue({});

  const { unmount } = renderHook(() => useUserSession());
  expect(probe.hub.listenerCount('auth')).toBe(1);
  const before = probe.updates;
  unmount();
  expect(probe.hub.listenerCount('auth')).toBe(0);

  await act(async () => {
    release({ username: 'sub-1', userId: 'sub-1' });
    await new Promise((r) => setTimeout(r, 10));
  });
  expect(vi.mocked(auth.fetchAuthSession)).toHaveBeenCalled(); // the load did finish…
  expect(probe.updates).toBe(before); // …and its result was dropped
});
