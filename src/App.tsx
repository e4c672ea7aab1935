import { lazy, Suspense, useEffect } from 'react';
import { AppShell, type NavItem } from './components/AppShell';
import { ErrorMessage, Loading } from './components/Status';
import { SignInPage } from './features/auth/SignInPage';
import { useUser } from './hooks/useUser';
import { navigate, usePath } from './router';

// Storage, profile and admin code load only when a page needs them: the sign-in
// page stays as small as a bare <Authenticator>.
const FilesPage = lazy(() => import('./features/files/FilesPage'));
const PublicFilesPage = lazy(() => import('./features/files/PublicFilesPage'));
const ProfilePage = lazy(() => import('./features/profile/ProfilePage'));
const AdminPage = lazy(() => import('./features/admin/AdminPage'));

export const ADMIN_GROUP = 'ADMINS';

export function App() {
  const user = useUser();
  const path = usePath();

  useEffect(() => {
    const titles: Record<string, string> = { '/profile': 'Profile', '/admin': 'Admin', '/public': 'Public files' };
    document.title = `${titles[path] ?? (user.status === 'signedIn' ? 'Files' : 'Sign in')} · Amplify Vault`;
  }, [path, user.status]);

  if (user.status === 'loading') return <Loading label="Loading your vault…" />;

  if (user.status === 'signedOut') {
    if (path === '/public') {
      return (
        <AppShell nav={[{ to: '/public', label: 'Public files' }, { to: '/', label: 'Sign in' }]}>
          <Suspense fallback={<Loading />}>
            <PublicFilesPage />
          </Suspense>
        </AppShell>
      );
    }
    return (
      <>
        {user.error && <ErrorMessage onDismiss={user.dismissError}>{user.error}</ErrorMessage>}
        <SignInPage />
      </>
    );
  }

  const isAdmin = user.groups.includes(ADMIN_GROUP);
  const nav: NavItem[] = [
    { to: '/', label: 'Files' },
    { to: '/profile', label: 'Profile' },
    ...(isAdmin ? [{ to: '/admin', label: 'Admin' }] : []),
  ];
  const name = user.attributes.preferred_username || user.attributes.email || user.user?.username;

  let page;
  if (path === '/profile') page = <ProfilePage />;
  else if (path === '/admin' && isAdmin) page = <AdminPage />;
  else if (path === '/admin') page = <ErrorMessage>The admin page is for members of the {ADMIN_GROUP} group.</ErrorMessage>;
  else page = <FilesPage />;

  return (
    <AppShell
      nav={nav}
      account={
        <>
          <span className="who">Signed in as {name}</span>
          <button
            type="button"
            onClick={() => {
              void user.signOut().then(() => navigate('/'));
            }}
          >
            Sign out
          </button>
        </>
      }
    >
      {user.error && <ErrorMessage onRetry={() => void user.refresh()}>{user.error}</ErrorMessage>}
      <Suspense fallback={<Loading />}>{page}</Suspense>
    </AppShell>
  );
}
