import { Suspense, useEffect } from 'react';
import { AppShell, type NavItem } from './components/AppShell';
import { LocalModeBanner } from './components/LocalModeBanner';
import { lazyPage, PageBoundary } from './components/PageBoundary';
import { ErrorMessage, Loading } from './components/Status';
import { SignInPage } from './features/auth/SignInPage';
import { isFilesPath, sectionAt, sectionsFor } from './features/files/file-sections';
import { useUser } from './hooks/useUser';
import { Link, navigate, usePath } from './router';

// Storage, profile and admin code load only when a page needs them: the sign-in
// page stays as small as a bare <Authenticator>.
const FilesPage = lazyPage(() => import('./features/files/FilesPage'));
const PublicFilesPage = lazyPage(() => import('./features/files/PublicFilesPage'));
const ProfilePage = lazyPage(() => import('./features/profile/ProfilePage'));
const AdminPage = lazyPage(() => import('./features/admin/AdminPage'));

export const ADMIN_GROUP = 'ADMINS';

/** The paths the signed-in app has; anything else is not found. */
const PAGE_TITLES: Record<string, string> = { '/': 'Files', '/profile': 'Profile', '/admin': 'Admin', '/public': 'Public files' };

function NotFound() {
  return (
    <section aria-labelledby="not-found-title">
      <h1 id="not-found-title">Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/">Go to your files</Link>.
      </p>
    </section>
  );
}

export function App() {
  const user = useUser();
  const path = usePath();

  const isAdmin = user.groups.includes(ADMIN_GROUP);
  useEffect(() => {
    let title: string;
    if (user.status !== 'signedIn') title = path === '/public' ? PAGE_TITLES['/public'] : 'Sign in';
    else if (path === '/admin' && !isAdmin) title = 'Not allowed';
    else if (isFilesPath(path)) {
      // A place of the file browser is titled by the place shown.
      const sections = sectionsFor({ signedIn: true, groups: user.groups, identityId: user.identityId });
      title = sectionAt(sections, path)?.title ?? 'Page not found';
    } else title = PAGE_TITLES[path] ?? 'Page not found';
    document.title = `${title} · Amplify Vault`;
  }, [path, user.status, isAdmin, user.groups, user.identityId]);

  if (user.status === 'loading') return <Loading label="Loading your vault…" />;

  if (user.status === 'signedOut') {
    if (path === '/public') {
      return (
        <AppShell nav={[{ to: '/public', label: 'Public files' }, { to: '/', label: 'Sign in' }]}>
          <PageBoundary>
            <Suspense fallback={<Loading />}>
              <PublicFilesPage />
            </Suspense>
          </PageBoundary>
        </AppShell>
      );
    }
    return (
      <>
        <LocalModeBanner />
        {user.error && <ErrorMessage onDismiss={user.dismissError}>{user.error}</ErrorMessage>}
        <SignInPage />
      </>
    );
  }

  const nav: NavItem[] = [
    { to: '/', label: 'Files', current: isFilesPath },
    { to: '/profile', label: 'Profile' },
    ...(isAdmin ? [{ to: '/admin', label: 'Admin' }] : []),
  ];
  const name = user.attributes.preferred_username || user.attributes.email || user.user?.username;

  let page;
  if (path === '/profile') page = <ProfilePage />;
  else if (path === '/admin' && isAdmin) page = <AdminPage />;
  else if (path === '/admin') page = <ErrorMessage>The admin page is for members of the {ADMIN_GROUP} group.</ErrorMessage>;
  else if (isFilesPath(path)) page = <FilesPage />;
  else page = <NotFound />;

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
      <LocalModeBanner />
      {user.error && <ErrorMessage onRetry={() => void user.refresh()}>{user.error}</ErrorMessage>}
      {/* Moving between places of the file browser keeps the page (and the places list) mounted. */}
      <PageBoundary key={isFilesPath(path) ? '/' : path}>
        <Suspense fallback={<Loading />}>{page}</Suspense>
      </PageBoundary>
    </AppShell>
  );
}
