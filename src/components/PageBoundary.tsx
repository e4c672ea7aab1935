import { Component, lazy, type ComponentType, type ReactNode } from 'react';
import { ErrorMessage } from './Status';

type Loader = () => Promise<{ default: ComponentType }>;

const retryables = new Set<() => void>();

/**
 * React.lazy() remembers a failed import for good, so a page whose code could not be fetched
 * (offline, a deploy replaced the chunks) would stay broken until reload. This page component
 * starts a fresh import after `retryLazyPages()`.
 */
export function lazyPage(load: Loader): ComponentType {
  let Lazy = lazy(load);
  retryables.add(() => {
    Lazy = lazy(load);
  });
  return function LazyPage() {
    return <Lazy />;
  };
}

/** Makes every lazyPage() import again the next time it renders. */
export function retryLazyPages(): void {
  for (const reset of retryables) reset();
}

export const PAGE_FAILED_MESSAGE = 'This page could not be loaded. Check your connection and try again.';

/** Catches a page that failed to load (or to render) and offers to try again, instead of a blank app. */
export class PageBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  retry = () => {
    retryLazyPages();
    this.setState({ failed: false });
  };

  render() {
    if (!this.state.failed) return this.props.children;
    return <ErrorMessage onRetry={this.retry}>{PAGE_FAILED_MESSAGE}</ErrorMessage>;
  }
}
