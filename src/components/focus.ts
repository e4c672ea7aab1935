import { useCallback, useEffect, useRef } from 'react';

type Target = () => HTMLElement | null | undefined;

/**
 * Moves focus after the next render, once the element exists (a button that replaced the one
 * pressed, a row's action once the row is enabled again). With `onlyIfLost`, only when focus was
 * dropped to the page (the focused element went away or was disabled), never away from where the
 * person has moved it since.
 */
export function useFocusAfterRender(): (target: Target, options?: { onlyIfLost?: boolean }) => void {
  const pending = useRef<{ target: Target; onlyIfLost: boolean }>(undefined);
  useEffect(() => {
    const next = pending.current;
    if (!next) return;
    pending.current = undefined;
    if (next.onlyIfLost && !focusLost()) return;
    next.target()?.focus();
  });
  return useCallback((target: Target, options: { onlyIfLost?: boolean } = {}) => {
    pending.current = { target, onlyIfLost: options.onlyIfLost ?? false };
  }, []);
}

/** Focus is nowhere in particular: on the body, or on an element that is disabled or gone. */
export function focusLost(): boolean {
  const active = document.activeElement as HTMLElement | null;
  return !active || active === document.body || !active.isConnected || (active as HTMLButtonElement).disabled === true;
}
