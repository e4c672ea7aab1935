import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import { SIGNED_OUT, UserContext, type UseUser } from '../hooks/useUser';

/** A signed-in user for component tests; override any field. */
export function fakeUser(overrides: Partial<UseUser> = {}): UseUser {
  return {
    ...SIGNED_OUT,
    status: 'signedIn',
    user: { username: 'sub-alice', userId: 'sub-alice' },
    attributes: { email: 'alice@example.com', email_verified: 'true', phone_number: '+15550100', phone_number_verified: 'false' },
    attributesLoaded: true,
    groups: [],
    identityId: 'us-east-1:11111111-1111-4111-8111-111111111111',
    sessionExpiresAt: new Date(2_000_000_000_000),
    refresh: vi.fn(async () => {}),
    updateAttributes: vi.fn(async () => ({}) as Awaited<ReturnType<UseUser['updateAttributes']>>),
    deleteAttributes: vi.fn(async () => {}),
    signOut: vi.fn(async () => {}),
    dismissError: vi.fn(),
    ...overrides,
  };
}

export function renderWithUser(ui: ReactElement, user: UseUser = fakeUser()) {
  return { user, ...render(<UserContext.Provider value={user}>{ui}</UserContext.Provider>) };
}
