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
  notice?: string;
  error?: string;
  action: number;
}

/** What a component reported for the latest action, or nothing once a newer one started. */
function latest(line: Line | undefined): Line | undefined {
  return line?.action === generation ? line : undefined;
}

export interface ActionStatus {
  /** The success notice of the latest action, if this component's. */
  notice?: string;
  /** The error of the latest action, if this component's. */
  error?: string;
  /** Call when an action starts (before any await): clears this and every other status line. */
  start: () => void;
  /** The action's notice (an error it reported already stays beside it). */
  succeed: (text: string) => void;
  /** The action's error (a notice it reported already stays beside it). */
  fail: (text: string) => void;
  /** Both at once, for an action that partly worked: each replaces what this action reported before. */
  report: (notice: string | undefined, error: string | undefined) => void;
}

export function useActionStatus(): ActionStatus {
  const current = useSyncExternalStore(subscribe, () => generation);
  const [line, setLine] = useState<Line>();
  const start = useCallback(() => {
    startAction();
    setLine(undefined);
  }, []);
  const succeed = useCallback((text: string) => setLine((previous) => ({ ...latest(previous), notice: text, action: generation })), []);
  const fail = useCallback((text: string) => setLine((previous) => ({ ...latest(previous), error: text, action: generation })), []);
  const report = useCallback((notice: string | undefined, error: string | undefined) => setLine({ notice, error, action: generation }), []);
  const shown = line && line.action === current ? line : undefined;
  return { notice: shown?.notice, error: shown?.error, start, succeed, fail, report };
}
