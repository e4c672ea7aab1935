import type { ReactNode } from 'react';

/** A polite live region announcing that something is loading. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p role="status" className="status status-loading">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** An error shown to the person, announced by screen readers; optionally retried or dismissed. */
export function ErrorMessage({ children, onRetry, onDismiss }: { children: ReactNode; onRetry?: () => void; onDismiss?: () => void }) {
  return (
    <div role="alert" className="status status-error">
      <span>{children}</span>
      {onRetry && (
        <button type="button" className="link-button" onClick={onRetry}>
          Try again
        </button>
      )}
      {onDismiss && (
        <button type="button" className="link-button" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="status status-ok">
      {children}
    </p>
  );
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
