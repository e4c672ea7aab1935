import { afterEach, vi } from 'vitest';

/**
 * Makes `matchMedia` answer as a phone-sized screen (390 px wide) for the rest of the test:
 * components that lay out for a phone (useNarrowScreen) then do so. Restored after each test.
 */
export function onPhoneScreen(): void {
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: /max-width/.test(query),
    media: query,
    onchange: null,
    addEventListener: () => {},
    removeEventListener: () => {},
    addListener: () => {},
    removeListener: () => {},
    dispatchEvent: () => false,
  }));
}

afterEach(() => {
  vi.unstubAllGlobals();
});
