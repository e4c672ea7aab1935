import { useEffect, useRef, type ReactNode } from 'react';
import { Link, usePath } from '../router';

export interface NavItem {
  to: string;
  label: string;
  /** Which paths this item is current for (default: its own). */
  current?: (path: string) => boolean;
}

/** Page frame: skip link, header with navigation, and the main landmark. */
export function AppShell({ nav, account, children }: { nav: NavItem[]; account?: ReactNode; children: ReactNode }) {
  const path = usePath();
  const main = useRef<HTMLElement>(null);
  const previous = useRef(path);
  // After in-app navigation, move focus to the new page so screen readers announce it.
  useEffect(() => {
    if (previous.current !== path) main.current?.focus();
    previous.current = path;
  }, [path]);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          Amplify Vault
        </Link>
        <nav aria-label="Main">
          <ul>
            {nav.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={(item.current ? item.current(path) : path === item.to) ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {account && <div className="account">{account}</div>}
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        {children}
      </main>
    </>
  );
}
