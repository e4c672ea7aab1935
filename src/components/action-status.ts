import { useCallback, useState, useSyncExternalStore } from 'react';

/**
 * Status lines (a success notice or an error) that clear when the person's next action starts,
 * anywhere on the page: each line remembers the action it answered, and a newer action hides it.
 * Loading errors with a "Try again" are not action results and do not use this.
 */
let generation = 0;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A new action starts: every status line shown so far goes away. */
export function startAction(): void {
  generation++;
  for (const listener of listeners) listener();
}

interface Line {
  kind: 'ok' | 'error';
  text: string;
  action: number;
}

export interface ActionStatus {
  /** The success notice of the latest action, if this component's. */
  notice?: string;
  /** The error of the latest action, if this component's. */
  error?: string;
  /** Call when an action starts (before any await): clears this and every other status line. */
  start: () => void;
  succeed: (text: string) => void;
  fail: (text: string) => void;
}

export function useActionStatus(): ActionStatus {
  const current = useSyncExternalStore(subscribe, () => generation);
  const [line, setLine] = useState<Line>();
  const start = useCallback(() => {
    startAction();
    setLine(undefined);
  }, []);
  const succeed = useCallback((text: string) => setLine({ kind: 'ok', text, action: generation }), []);
  const fail = useCallback((text: string) => setLine({ kind: 'error', text, action: generation }), []);
  const shown = line && line.action === current ? line : undefined;
  return {
    notice: shown?.kind === 'ok' ? shown.text : undefined,
    error: shown?.kind === 'error' ? shown.text : undefined,
    start,
    succeed,
    fail,
  };
}
