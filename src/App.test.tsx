import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// Pages are replaced so the test sees routing and code-splitting decisions only. A page module is
// evaluated (and so `loaded`) the first time App's lazy() imports it in the test's module graph.
const loaded = new Set<string>();
const page = (name: string, heading: string) => () => {
  loaded.add(name);
  return { default: () => <h1>{heading}</h1> };
};

let App: typeof import('./App').App;
let navigate: typeof import('./router').navigate;
let fakeUser: typeof import('./testing/render-with-user').fakeUser;
let renderWithUser: typeof import('./testing/render-with-user').renderWithUser;

describe('App routing', () => {
  // Each test gets a module graph of its own, so what one test's routes loaded (lazy() imports a
  // page once per graph) is not another's, and starts at /: no test depends on which ran before.
  beforeEach(async () => {
    vi.resetModules();
    loaded.clear();
    vi.doMock('./features/files/FilesPage', page('files', 'Files page'));
    vi.doMock('./features/files/PublicFilesPage', page('public', 'Public files page'));
    vi.doMock('./features/profile/ProfilePage', page('profile', 'Profile page'));
    vi.doMock('./features/admin/AdminPage', page('admin', 'Admin page'));
    vi.doMock('./features/auth/SignInPage', () => ({ SignInPage: () => <h1>Sign-in form</h1> }));
    window.history.replaceState(null, '', '/');
    ({ App } = await import('./App'));
    ({ navigate } = await import('./router'));
    ({ fakeUser, renderWithUser } = await import('./testing/render-with-user'));
  });

  it('shows the sign-in form to visitors without loading any signed-in page', async () => {
    renderWithUser(<App />, fakeUser({ status: 'signedOut', user: null }));
    expect(screen.getByRole('heading', { name: 'Sign-in form' })).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 20));
    expect([...loaded]).toEqual([]);
  });

  it('lets guests browse public files at /public', async () => {
    act(() => navigate('/public'));
    renderWithUser(<App />, fakeUser({ status: 'signedOut', user: null }));
    expect(await screen.findByRole('heading', { name: 'Public files page' })).toBeInTheDocument();
    expect([...loaded]).toEqual(['public']);
  });

  it('shows the session error after a failed token refresh', () => {
    renderWithUser(<App />, fakeUser({ status: 'signedOut', user: null, error: 'Your session has expired. Please sign in again.' }));
    expect(screen.getByRole('alert')).toHaveTextContent('session has expired');
  });

  it('shows a loading state first', () => {
    renderWithUser(<App />, fakeUser({ status: 'loading', user: null }));
    expect(screen.getByRole('status')).toHaveTextContent('Loading your vault');
  });

  it('routes signed-in people between files and profile; no admin link outside ADMINS', async () => {
    const user = userEvent.setup();
    renderWithUser(<App />, fakeUser({ groups: ['EDITORS'] }));
    expect(await screen.findByRole('heading', { name: 'Files page' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Admin' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Profile' }));
    expect(await screen.findByRole('heading', { name: 'Profile page' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Profile' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('main')).toHaveFocus();
    expect(document.title).toBe('Profile · Amplify Vault');
    act(() => navigate('/admin'));
    expect(screen.getByRole('alert')).toHaveTextContent('admin page is for members of the ADMINS group');
    expect([...loaded].sort()).toEqual(['files', 'profile']);
  });

  it("shows the file browser's places at their addresses, titled by the place", async () => {
    act(() => navigate('/files/team'));
    renderWithUser(<App />, fakeUser({ groups: [] }));
    expect(await screen.findByRole('heading', { name: 'Files page' })).toBeInTheDocument();
    expect(document.title).toBe('Team files · Amplify Vault');
    expect(screen.getByRole('link', { name: 'Files' })).toHaveAttribute('aria-current', 'page');
    act(() => navigate('/files/shared-by-me/everyone'));
    expect(document.title).toBe('Shared with everyone · Amplify Vault');
    act(() => navigate('/'));
    expect(document.title).toBe('My files · Amplify Vault');
    // A place this person may not use is titled as not found (the page says why).
    act(() => navigate('/files/admin'));
    expect(document.title).toBe('Page not found · Amplify Vault');
    expect(screen.getByRole('heading', { name: 'Files page' })).toBeInTheDocument();
  });

  it('shows a not-found page, titled so, at an unknown path', async () => {
    act(() => navigate('/no-such-page'));
    renderWithUser(<App />, fakeUser({ groups: [] }));
    expect(screen.getByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
    expect(document.title).toBe('Page not found · Amplify Vault');
    expect(screen.getByRole('link', { name: 'Go to your files' })).toHaveAttribute('href', '/');
    expect([...loaded]).toEqual([]);
  });

  it('offers to retry a page whose code failed to load, and loads it on retry', async () => {
    let attempts = 0;
    vi.doMock('./features/profile/ProfilePage', () => {
      attempts++;
      if (attempts === 1) throw new TypeError('Failed to fetch dynamically imported module');
      return { default: () => <h1>Profile page</h1> };
    });
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const user = userEvent.setup();
    act(() => navigate('/profile'));
    renderWithUser(<App />, fakeUser({ groups: [] }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This page could not be loaded');
    // The header is still there: not a blank app.
    expect(screen.getByRole('link', { name: 'Files' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'Profile page' })).toBeInTheDocument();
    expect(attempts).toBe(2);
  });

  it('gives ADMINS the admin page and signs out', async () => {
    const user = userEvent.setup();
    const me = fakeUser({ groups: ['ADMINS'] });
    renderWithUser(<App />, me);
    await user.click(screen.getByRole('link', { name: 'Admin' }));
    expect(await screen.findByRole('heading', { name: 'Admin page' })).toBeInTheDocument();
    expect(loaded.has('admin')).toBe(true);
    expect(screen.getByText('Signed in as alice@example.com')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(me.signOut).toHaveBeenCalledWith();
  });
});
