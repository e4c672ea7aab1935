import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeUser, renderWithUser } from './testing/render-with-user';

// Pages are replaced so the test sees routing and code-splitting decisions only.
const loaded = vi.hoisted(() => new Set<string>());
vi.mock('./features/files/FilesPage', () => {
  loaded.add('files');
  return { default: () => <h1>Files page</h1> };
});
vi.mock('./features/files/PublicFilesPage', () => {
  loaded.add('public');
  return { default: () => <h1>Public files page</h1> };
});
vi.mock('./features/profile/ProfilePage', () => {
  loaded.add('profile');
  return { default: () => <h1>Profile page</h1> };
});
vi.mock('./features/admin/AdminPage', () => {
  loaded.add('admin');
  return { default: () => <h1>Admin page</h1> };
});
vi.mock('./features/auth/SignInPage', () => ({ SignInPage: () => <h1>Sign-in form</h1> }));

import { App } from './App';
import { navigate } from './router';

describe('App routing', () => {
  afterEach(() => act(() => navigate('/')));

  it('shows the sign-in form to visitors without loading any signed-in page', async () => {
    renderWithUser(<App local />, fakeUser({ status: 'signedOut', user: null }));
    expect(screen.getByRole('heading', { name: 'Sign-in form' })).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 20));
    expect([...loaded]).toEqual([]);
  });

  it('lets guests browse public files at /public', async () => {
    act(() => navigate('/public'));
    renderWithUser(<App local />, fakeUser({ status: 'signedOut', user: null }));
    expect(await screen.findByRole('heading', { name: 'Public files page' })).toBeInTheDocument();
    expect(loaded.has('files')).toBe(false);
  });

  it('shows the session error after a failed token refresh', () => {
    renderWithUser(<App local />, fakeUser({ status: 'signedOut', user: null, error: 'Your session has expired. Please sign in again.' }));
    expect(screen.getByRole('alert')).toHaveTextContent('session has expired');
  });

  it('shows a loading state first', () => {
    renderWithUser(<App local />, fakeUser({ status: 'loading', user: null }));
    expect(screen.getByRole('status')).toHaveTextContent('Loading your vault');
  });

  it('routes signed-in people between files and profile; no admin link outside ADMINS', async () => {
    const user = userEvent.setup();
    renderWithUser(<App local />, fakeUser({ groups: ['EDITORS'] }));
    expect(await screen.findByRole('heading', { name: 'Files page' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Admin' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Profile' }));
    expect(await screen.findByRole('heading', { name: 'Profile page' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Profile' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('main')).toHaveFocus();
    expect(document.title).toBe('Profile · Amplify Vault');
    act(() => navigate('/admin'));
    expect(screen.getByRole('alert')).toHaveTextContent('admin page is for members of the ADMINS group');
    expect(loaded.has('admin')).toBe(false);
  });

  it('gives ADMINS the admin page and signs out', async () => {
    const user = userEvent.setup();
    const me = fakeUser({ groups: ['ADMINS'] });
    renderWithUser(<App local />, me);
    await user.click(screen.getByRole('link', { name: 'Admin' }));
    expect(await screen.findByRole('heading', { name: 'Admin page' })).toBeInTheDocument();
    expect(screen.getByText('Signed in as alice@example.com')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(me.signOut).toHaveBeenCalledWith();
  });
});
