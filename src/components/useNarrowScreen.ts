import { useCallback, useSyncExternalStore } from 'react';

/** The width below which the app lays out for a phone (styles.css uses the same 40rem). */
export const NARROW_QUERY = '(max-width: 40rem)';
/** A tablet or a narrow window: too narrow for a wide table's row of buttons. */
export const MEDIUM_QUERY = '(max-width: 60rem)';

function mediaList(query: string): MediaQueryList | undefined {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia(query) : undefined;
}

/** True on a phone-sized screen (or below `query`), also after rotating into one; false where media queries are unknown. */
export function useNarrowScreen(query: string = NARROW_QUERY): boolean {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const list = mediaList(query);
      list?.addEventListener('change', onChange);
      return () => list?.removeEventListener('change', onChange);
    },
    [query],
  );
  return useSyncExternalStore(subscribe, () => mediaList(query)?.matches ?? false, () => false);
}
