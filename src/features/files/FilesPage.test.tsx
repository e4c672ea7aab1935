import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { onPhoneScreen } from '../../testing/narrow-screen';
import { fakeUser, renderWithUser } from '../../testing/render-with-user';

vi.mock('aws-amplify/storage', () => ({
  list: vi.fn(),
  uploadData: vi.fn(),
  getUrl: vi.fn(),
  remove: vi.fn(),
  copy: vi.fn(),
}));

import * as storage from 'aws-amplify/storage';
import FilesPage from './FilesPage';
import { PAGE_SIZE } from './FileBrowser';
import PublicFilesPage from './PublicFilesPage';

const ID = 'us-east-1:11111111-1111-4111-8111-111111111111';
const OTHER = 'us-east-1:22222222-2222-4222-8222-222222222222';
const s = vi.mocked(storage);

type Obj = { path: string; size?: number; lastModified?: Date };
let bucket: Obj[];

function fakeList() {
  s.list.mockImplementation((async (input: { path: string; options?: { subpathStrategy?: unknown } }) => {
    const prefix = input.path;
    const under = bucket.filter((o) => o.path.startsWith(prefix));
    // Without the exclude strategy S3 lists everything under the prefix.
    if (!input.options?.subpathStrategy) return { items: under };
    const items: Obj[] = [];
    const subpaths = new Set<string>();
    for (const o of under) {
      const rest = o.path.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash >= 0) subpaths.add(prefix + rest.slice(0, slash + 1));
      else items.push(o);
    }
    return { items, excludedSubpaths: [...subpaths] };
  }) as never);
}

/** copy, remove and (folder-marker) uploads acting on the fake bucket, as S3 and aws-amplify do. */
function fakeWrites() {
  s.copy.mockImplementation((async (input: { source: { path: string }; destination: { path: string } }) => {
    // The copy source arrives URL-encoded, as x-amz-copy-source wants it; S3 decodes it.
    const from = bucket.find((o) => o.path === decodeURIComponent(input.source.path));
    if (!from) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    bucket = bucket.filter((o) => o.path !== input.destination.path);
    bucket.push({ ...from, path: input.destination.path });
    return { path: input.destination.path };
  }) as never);
  s.remove.mockImplementation((async (input: { path: string }) => {
    // aws-amplify's remove() of a key ending in "/" empties that folder.
    bucket = bucket.filter((o) => (input.path.endsWith('/') ? !o.path.startsWith(input.path) : o.path !== input.path));
    return { path: input.path };
  }) as never);
  s.uploadData.mockImplementation(((input: { path: string; data: { size?: number; length?: number } }) => {
    bucket.push({ path: input.path, size: input.data.size ?? input.data.length ?? 0 });
    return { result: Promise.resolve({ path: input.path }), cancel: vi.fn() };
  }) as never);
}

function section(name: string) {
  return screen.getByRole('region', { name });
}

/** Opens the app at a place's address, as a link, back/forward or reload would. */
function at(url: string) {
  window.history.replaceState(null, '', url);
}

function placeNames() {
  return within(screen.getByRole('navigation', { name: 'Places' }))
    .getAllByRole('link')
    .map((a) => a.textContent);
}

describe('FilesPage', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    bucket = [
      { path: `public/${ID}/readme.txt`, size: 2048, lastModified: new Date('2026-01-02T03:04:05Z') },
      { path: `private/${ID}/cat.png`, size: 1000, lastModified: new Date('2026-01-02T03:04:05Z') },
      { path: `private/${ID}/docs/plan.pdf`, size: 5, lastModified: new Date('2026-01-02T03:04:05Z') },
    ];
    fakeList();
    at('/');
    delete (window as { matchMedia?: unknown }).matchMedia;
  });

  it('offers only the places the person may use, one at a time, the place in the address', async () => {
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ groups: [], identityId: ID }));
    expect(placeNames()).toEqual(['My files', 'With signed-in people', 'With everyone', 'From others', 'Team', 'Public']);
    expect(within(screen.getByRole('navigation', { name: 'Places' })).getByRole('list', { name: 'Shared by me' })).toBeInTheDocument();
    // One place shown: My files, at /.
    expect(screen.getAllByRole('heading', { level: 1 }).map((h) => h.textContent)).toEqual(['My files']);
    expect(screen.getByRole('link', { name: 'My files' })).toHaveAttribute('aria-current', 'page');
    await within(section('My files')).findByText('cat.png');
    expect(within(section('My files')).getByLabelText('Upload files')).toBeInTheDocument();

    // Team is read-only for people outside EDITORS/ADMINS: no upload control.
    await user.click(screen.getByRole('link', { name: 'Team' }));
    expect(window.location.pathname).toBe('/files/team');
    expect(screen.getByRole('link', { name: 'Team' })).toHaveAttribute('aria-current', 'page');
    expect(await within(section('Team files')).findByText(/No files here yet/)).toBeInTheDocument();
    expect(within(section('Team files')).queryByLabelText(/Upload/)).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'My files' })).not.toBeInTheDocument();

    // Shared with everyone is mine to upload and delete; everyone's public folders are read-only,
    // and mine is not listed among them.
    await user.click(screen.getByRole('link', { name: 'With everyone' }));
    expect(window.location.pathname).toBe('/files/shared-by-me/everyone');
    await within(section('Shared with everyone')).findByText('readme.txt');
    expect(within(section('Shared with everyone')).getByRole('button', { name: 'Delete readme.txt' })).toBeInTheDocument();
    expect(within(section('Shared with everyone')).getByLabelText('Upload files')).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Public' }));
    expect(await within(section('Public files')).findByText('Nobody shares public files yet.')).toBeInTheDocument();
    expect(within(section('Public files')).queryByLabelText(/Upload/)).not.toBeInTheDocument();

    // Back goes to the place before.
    act(() => {
      window.history.back();
    });
    expect(await within(await screen.findByRole('region', { name: 'Shared with everyone' })).findByText('readme.txt')).toBeInTheDocument();
  });

  it('keeps the folder in the history: back and forward move between folders, a reload stays in it', async () => {
    const user = userEvent.setup();
    const { unmount } = renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await user.click(await within(priv).findByRole('button', { name: 'docs' }));
    expect(await within(priv).findByText('plan.pdf')).toBeInTheDocument();
    // The address stays the place's: no folder (or identity id) in it.
    expect(window.location.pathname).toBe('/');
    act(() => window.history.back());
    expect(await within(priv).findByText('cat.png')).toBeInTheDocument();
    expect(within(priv).queryByText('plan.pdf')).not.toBeInTheDocument();
    act(() => window.history.forward());
    expect(await within(priv).findByText('plan.pdf')).toBeInTheDocument();
    unmount();
    // A reload (a fresh page on the same history entry) opens the same folder.
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    expect(await within(section('My files')).findByText('plan.pdf')).toBeInTheDocument();
    expect(within(section('My files')).getByRole('navigation', { name: 'My files folders' })).toHaveTextContent('docs');
  });

  it('opens the place a reloaded address names; an unknown or forbidden place says so', async () => {
    at('/files/from-others');
    const { unmount } = renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    expect(screen.getByRole('heading', { level: 1, name: 'From others' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'From others' })).toHaveAttribute('aria-current', 'page');
    unmount();
    at('/files/admin');
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    expect(screen.getByRole('heading', { level: 1, name: 'No such place' })).toBeInTheDocument();
    expect(screen.getByText(/for members of the ADMINS group/)).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Admin files' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'go to my files' })).toHaveAttribute('href', '/');
  });

  it("shows another person's public files read-only, their folder named without the identity id; EDITORS may delete", async () => {
    bucket.push({ path: `public/${OTHER}/photo.png`, size: 9 });
    const user = userEvent.setup();
    at('/public');
    const { unmount } = renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const pub = section('Public files');
    await user.click(await within(pub).findByRole('button', { name: 'Person 1' }));
    await within(pub).findByText('photo.png');
    expect(pub).not.toHaveTextContent(OTHER);
    expect(within(pub).getByRole('navigation', { name: 'Public files folders' })).toHaveTextContent('Person 1');
    expect(within(pub).queryByRole('button', { name: 'Delete photo.png' })).not.toBeInTheDocument();
    unmount();
    at('/public');
    renderWithUser(<FilesPage />, fakeUser({ groups: ['EDITORS'], identityId: ID }));
    const asEditor = section('Public files');
    await user.click(await within(asEditor).findByRole('button', { name: 'Person 1' }));
    expect(await within(asEditor).findByRole('button', { name: 'Delete photo.png' })).toBeInTheDocument();
    expect(within(asEditor).queryByLabelText(/Upload/)).not.toBeInTheDocument();
  });

  it("shows invisible characters in others' file and folder names, so a right-to-left override cannot disguise one, and saves the download under the shown name", async () => {
    // "invoice\u202efdp.exe" reads "invoiceexe.pdf" when rendered as is.
    bucket.push({ path: `public/${OTHER}/invoice\u202efdp.exe`, size: 9 }, { path: `public/${OTHER}/re\u200bports/a.txt`, size: 1 });
    s.getUrl.mockResolvedValue({ url: new URL('http://localhost:20005/bucket/x?sig=1'), expiresAt: new Date() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const user = userEvent.setup();
    at('/public');
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const pub = section('Public files');
    await user.click(await within(pub).findByRole('button', { name: 'Person 1' }));
    expect(await within(pub).findByText('invoice\ufffdfdp.exe')).toBeInTheDocument();
    expect(within(pub).getByRole('button', { name: 're\ufffdports' })).toBeInTheDocument();
    expect(pub.textContent).not.toMatch(/[\u202e\u200b]/);
    await user.click(within(pub).getByRole('button', { name: 'Download invoice\ufffdfdp.exe' }));
    await waitFor(() => expect(s.getUrl).toHaveBeenCalled());
    // The key is the real one; the saved name is the visible one.
    expect(s.getUrl).toHaveBeenCalledWith({
      path: `public/${OTHER}/invoice\u202efdp.exe`,
      options: { expiresIn: 300, contentDisposition: "attachment;filename*=UTF-8''invoice%EF%BF%BDfdp.exe" },
    });
    click.mockRestore();
  });

  it("never shows an older folder's listing that arrives after a newer one", async () => {
    const pending: Array<() => void> = [];
    const real = s.list.getMockImplementation()!;
    s.list.mockImplementation((async (input: { path: string }) => {
      const answer = await real(input as never);
      // docs/ is answered only when released; everything else at once.
      if (input.path === `private/${ID}/docs/`) await new Promise<void>((resolve) => pending.push(resolve));
      return answer;
    }) as never);
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await user.click(await within(priv).findByRole('button', { name: 'docs' }));
    await waitFor(() => expect(pending).toHaveLength(1));
    // Back to the top before docs/ answers: the top level lands first, then docs/ late.
    await user.click(within(priv).getByRole('button', { name: 'My files' }));
    expect(await within(priv).findByText('cat.png')).toBeInTheDocument();
    pending.shift()!();
    // Let the late answer land and React render what it would (one macrotask is past its promise's microtasks).
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(within(priv).queryByText('plan.pdf')).not.toBeInTheDocument();
    expect(within(priv).getByText('cat.png')).toBeInTheDocument();
  });

  it('shows the admin place to ADMINS and lets EDITORS upload to the team', async () => {
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ groups: ['ADMINS'], identityId: ID }));
    await user.click(screen.getByRole('link', { name: 'Admin files' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Admin files' })).toBeInTheDocument();
    expect(within(section('Admin files')).getByLabelText('Upload files')).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Team' }));
    expect(within(section('Team files')).getByLabelText('Upload files')).toBeInTheDocument();
  });

  it('lists files with size and date, opens folders, previews images', async () => {
    s.getUrl.mockResolvedValue({ url: new URL('http://localhost:20005/bucket/cat.png?X-Amz-Signature=abc'), expiresAt: new Date() });
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    const row = (await within(priv).findByText('cat.png')).closest('tr')!;
    expect(within(row).getByText('1000 B')).toBeInTheDocument();
    expect(within(row).getByText(/2026/)).toBeInTheDocument();
    expect(s.list).toHaveBeenCalledWith(
      expect.objectContaining({ path: `private/${ID}/`, options: expect.objectContaining({ subpathStrategy: { strategy: 'exclude' } }) }),
    );

    await user.click(within(row).getByRole('button', { name: 'Preview cat.png' }));
    expect(await within(priv).findByRole('img', { name: 'Preview of cat.png' })).toHaveAttribute(
      'src',
      'http://localhost:20005/bucket/cat.png?X-Amz-Signature=abc',
    );

    await user.click(within(priv).getByRole('button', { name: 'docs' }));
    expect(await within(priv).findByText('plan.pdf')).toBeInTheDocument();
    expect(within(priv).queryByText('cat.png')).not.toBeInTheDocument();
    await user.click(within(priv).getByRole('button', { name: 'My files' }));
    expect(await within(priv).findByText('cat.png')).toBeInTheDocument();
  });

  it('uploads with a progress bar into the current folder, then lists the file', async () => {
    let report!: (p: { transferredBytes: number; totalBytes: number }) => void;
    let finish!: () => void;
    s.uploadData.mockImplementation(((input: { path: string; options: { onProgress: typeof report } }) => {
      report = input.options.onProgress;
      return {
        result: new Promise((resolve) => {
          finish = () => {
            bucket.push({ path: input.path, size: 6 * 1024 * 1024 });
            resolve({ path: input.path });
          };
        }),
      };
    }) as never);
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await within(priv).findByText('cat.png');
    const big = new File([new Uint8Array(16)], 'big.bin', { type: 'application/octet-stream' });
    await user.upload(within(priv).getByLabelText('Upload files'), big);
    expect(s.uploadData).toHaveBeenCalledWith(expect.objectContaining({ path: `private/${ID}/big.bin`, data: big }));

    report({ transferredBytes: 3 * 1024 * 1024, totalBytes: 6 * 1024 * 1024 });
    const bar = await within(priv).findByRole('progressbar', { name: /Uploading big.bin/ });
    await waitFor(() => expect(bar).toHaveAttribute('value', String(3 * 1024 * 1024)));
    expect(within(priv).getByText(/50%/)).toBeInTheDocument();

    finish();
    expect(await within(priv).findByText('Uploaded big.bin.')).toBeInTheDocument();
    expect(await within(priv).findByText('big.bin')).toBeInTheDocument();
    expect(within(priv).queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('asks before deleting, and explains a denial', async () => {
    s.remove.mockRejectedValueOnce(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await within(priv).findByText('cat.png');
    const del = within(priv).getByRole('button', { name: 'Delete cat.png' });
    await user.click(del);
    expect(s.remove).not.toHaveBeenCalled();
    // Cancel puts focus back on the button that asked.
    expect(within(priv).getByRole('alertdialog')).toHaveTextContent('Delete cat.png?');
    await user.click(within(priv).getByRole('button', { name: 'Cancel' }));
    expect(within(priv).queryByRole('alertdialog')).not.toBeInTheDocument();
    await waitFor(() => expect(del).toHaveFocus());
    await user.click(del);
    // The answer has focus; Enter deletes.
    const yes = within(within(priv).getByRole('alertdialog')).getByRole('button', { name: 'Delete' });
    expect(yes).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(s.remove).toHaveBeenCalledWith({ path: `private/${ID}/cat.png` });
    expect(await within(priv).findByRole('alert')).toHaveTextContent('Could not delete cat.png (You do not have permission to do that here.)');
    // Focus lands on the outcome, not on the page's start.
    await waitFor(() => expect(within(priv).getByRole('alert').parentElement).toHaveFocus());
  });

  it('downloads through a presigned URL asking for an attachment', async () => {
    s.getUrl.mockResolvedValue({ url: new URL('http://localhost:20005/bucket/readme.txt?sig=1'), expiresAt: new Date() });
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(`${this.href} ${this.download}`);
    });
    at('/files/shared-by-me/everyone');
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const pub = section('Shared with everyone');
    await within(pub).findByText('readme.txt');
    await userEvent.setup().click(within(pub).getByRole('button', { name: 'Download readme.txt' }));
    await waitFor(() => expect(clicked).toEqual(['http://localhost:20005/bucket/readme.txt?sig=1 readme.txt']));
    expect(s.getUrl).toHaveBeenCalledWith({
      path: `public/${ID}/readme.txt`,
      options: { expiresIn: 300, contentDisposition: "attachment;filename*=UTF-8''readme.txt" },
    });
    click.mockRestore();
  });

  it('creates a folder (an empty folder object), refusing names with slashes or already taken', async () => {
    fakeWrites();
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await within(priv).findByText('cat.png');
    await user.type(within(priv).getByLabelText('New folder'), 'a/b');
    await user.click(within(priv).getByRole('button', { name: 'Create folder' }));
    expect(within(priv).getByText(/cannot contain/)).toBeInTheDocument();
    await user.clear(within(priv).getByLabelText('New folder'));
    await user.type(within(priv).getByLabelText('New folder'), 'docs{Enter}');
    expect(within(priv).getByText('docs is already here.')).toBeInTheDocument();
    await user.clear(within(priv).getByLabelText('New folder'));
    await user.type(within(priv).getByLabelText('New folder'), 'trips{Enter}');
    expect(await within(priv).findByText('Created the folder trips.')).toBeInTheDocument();
    expect(s.uploadData).toHaveBeenCalledWith(expect.objectContaining({ path: `private/${ID}/trips/`, data: '' }));
    await user.click(await within(priv).findByRole('button', { name: 'trips' }));
    expect(await within(priv).findByLabelText('Upload files to trips')).toBeInTheDocument();
    expect(await within(priv).findByText(/No files here yet/)).toBeInTheDocument();
    expect(s.list).toHaveBeenLastCalledWith(expect.objectContaining({ path: `private/${ID}/trips/` }));
  });

  it('renames a folder: every file under it is copied, then the originals removed, with progress', async () => {
    fakeWrites();
    bucket.push({ path: `private/${ID}/docs/`, size: 0 }, { path: `private/${ID}/docs/deep/notes.txt`, size: 7 });
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await user.click(await within(priv).findByRole('button', { name: 'Rename folder docs' }));
    const input = within(priv).getByLabelText('New name for docs');
    expect(input).toHaveFocus();
    await user.clear(input);
    await user.type(input, 'cat.png{Enter}');
    // A name already taken is refused, nothing is copied.
    expect(await within(priv).findByRole('alert')).toHaveTextContent('cat.png is already there. Nothing was moved.');
    expect(s.copy).not.toHaveBeenCalled();
    await user.click(within(priv).getByRole('button', { name: 'Rename folder docs' }));
    await user.clear(within(priv).getByLabelText('New name for docs'));
    await user.type(within(priv).getByLabelText('New name for docs'), 'papers');
    await user.click(within(priv).getByRole('button', { name: 'Save name' }));
    expect(await within(priv).findByText('Renamed docs to papers (2 files).')).toBeInTheDocument();
    expect(bucket.map((o) => o.path).filter((p) => p.startsWith(`private/${ID}/`)).sort()).toEqual([
      `private/${ID}/cat.png`,
      `private/${ID}/papers/`,
      `private/${ID}/papers/deep/notes.txt`,
      `private/${ID}/papers/plan.pdf`,
    ]);
    expect(await within(priv).findByRole('button', { name: 'papers' })).toBeInTheDocument();
    expect(within(priv).queryByRole('button', { name: 'docs' })).not.toBeInTheDocument();
  });

  it('works from the keyboard: rename a file with Enter, cancel with Escape (focus back on Rename)', async () => {
    fakeWrites();
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    const rename = await within(priv).findByRole('button', { name: 'Rename cat.png' });
    rename.focus();
    await user.keyboard('{Enter}');
    expect(within(priv).getByLabelText('New name for cat.png')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(within(priv).queryByLabelText('New name for cat.png')).not.toBeInTheDocument();
    await waitFor(() => expect(within(priv).getByRole('button', { name: 'Rename cat.png' })).toHaveFocus());
    await user.keyboard('{Enter}');
    await user.keyboard('{Control>}a{/Control}kitten.png{Enter}');
    expect(await within(priv).findByText('Renamed cat.png to kitten.png.')).toBeInTheDocument();
    expect(bucket.map((o) => o.path)).toContain(`private/${ID}/kitten.png`);
    expect(bucket.map((o) => o.path)).not.toContain(`private/${ID}/cat.png`);
    // The row menu of narrow screens: 'FilesPage on a phone' below and components/RowActions.test.tsx.
  });

  it('keeps the originals when a copy fails during a rename, and says which file failed', async () => {
    fakeWrites();
    bucket.push({ path: `private/${ID}/docs/b.txt`, size: 1 }, { path: `private/${ID}/docs/c.txt`, size: 1 });
    const real = s.copy.getMockImplementation()!;
    s.copy.mockImplementation((async (input: { source: { path: string } }) => {
      if (decodeURIComponent(input.source.path).endsWith('/b.txt')) throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
      return real(input as never);
    }) as never);
    const before = bucket.map((o) => o.path).sort();
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await user.click(await within(priv).findByRole('button', { name: 'Rename folder docs' }));
    await user.clear(within(priv).getByLabelText('New name for docs'));
    await user.type(within(priv).getByLabelText('New name for docs'), 'papers{Enter}');
    expect(await within(priv).findByRole('alert')).toHaveTextContent(
      'Could not copy docs/b.txt: You do not have permission to do that here. Nothing was moved; every file is still where it was.',
    );
    // The copies already made were removed again; the originals never touched.
    expect(bucket.map((o) => o.path).sort()).toEqual(before);
    expect(s.remove.mock.calls.map(([input]) => (input as unknown as { path: string }).path).every((p) => p.includes('/papers/'))).toBe(true);
    expect(within(priv).getByRole('button', { name: 'docs' })).toBeInTheDocument();
  });

  it('deletes a folder with everything in it after a confirmation naming how many files', async () => {
    fakeWrites();
    bucket.push({ path: `private/${ID}/docs/`, size: 0 }, { path: `private/${ID}/docs/deep/notes.txt`, size: 7 });
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await user.click(await within(priv).findByRole('button', { name: 'Delete folder docs' }));
    const dialog = await within(priv).findByRole('alertdialog');
    expect(dialog).toHaveTextContent('Delete the folder docs and the 2 files in it?');
    await user.click(within(dialog).getByRole('button', { name: 'Delete 2 files' }));
    expect(await within(priv).findByText('Deleted docs and 2 files in it.')).toBeInTheDocument();
    expect(bucket.map((o) => o.path)).toEqual([`public/${ID}/readme.txt`, `private/${ID}/cat.png`]);
    await waitFor(() => expect(within(priv).queryByRole('button', { name: 'docs' })).not.toBeInTheDocument());
    await waitFor(() => expect(within(priv).getByText('Deleted docs and 2 files in it.').parentElement).toHaveFocus());
  });

  it('moves selected files and folders into another folder of the same place', async () => {
    fakeWrites();
    bucket.push({ path: `private/${ID}/trips/`, size: 0 }, { path: `private/${ID}/notes.txt`, size: 3 });
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await within(priv).findByText('cat.png');
    await user.click(within(priv).getByRole('checkbox', { name: 'Select cat.png' }));
    await user.click(within(priv).getByRole('checkbox', { name: 'Select folder docs' }));
    const bulk = within(priv).getByRole('group', { name: 'Selected items' });
    expect(bulk).toHaveTextContent('2 selected items');
    const target = within(bulk).getByLabelText('Move to');
    // A folder cannot go into itself; the folder the rows are in is no move either.
    await waitFor(() => expect(within(target).getAllByRole('option').map((o) => o.textContent)).toEqual(['Choose a folder', 'trips']));
    await user.selectOptions(target, 'trips');
    await user.click(within(bulk).getByRole('button', { name: 'Move' }));
    expect(await within(priv).findByText('Moved 2 items to trips.')).toBeInTheDocument();
    expect(bucket.map((o) => o.path).filter((p) => p.startsWith(`private/${ID}/`)).sort()).toEqual([
      `private/${ID}/notes.txt`,
      `private/${ID}/trips/`,
      `private/${ID}/trips/cat.png`,
      `private/${ID}/trips/docs/plan.pdf`,
    ]);
    // One row's Move selects it alone and takes focus to the folder choice.
    await waitFor(() => expect(within(priv).queryByText('cat.png')).not.toBeInTheDocument());
    await user.click(within(priv).getByRole('button', { name: 'Move notes.txt' }));
    await waitFor(() => expect(within(priv).getByLabelText('Move to')).toHaveFocus());
    expect(within(priv).getByRole('group', { name: 'Selected items' })).toHaveTextContent('1 selected item');
  });

  it('selects all shown rows, downloads the files among them and deletes them, reporting each failure', async () => {
    fakeWrites();
    bucket.push({ path: `private/${ID}/a.txt`, size: 1 }, { path: `private/${ID}/b.txt`, size: 1 });
    s.getUrl.mockImplementation((async (input: { path: string }) => ({ url: new URL(`http://localhost:20005/bucket/${input.path}`), expiresAt: new Date() })) as never);
    const real = s.remove.getMockImplementation()!;
    s.remove.mockImplementation((async (input: { path: string }) => {
      if (input.path.endsWith('/b.txt')) throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
      return real(input as never);
    }) as never);
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await within(priv).findByText('cat.png');
    await user.click(within(priv).getByRole('checkbox', { name: 'Select all shown' }));
    const bulk = within(priv).getByRole('group', { name: 'Selected items' });
    expect(bulk).toHaveTextContent('4 selected items');
    await user.click(within(bulk).getByRole('button', { name: 'Download selected' }));
    // Each through a hidden frame of its own: one download's navigation would cancel another's.
    await waitFor(() =>
      expect([...document.querySelectorAll('iframe[hidden]')].map((f) => f.getAttribute('src'))).toEqual(
        ['a.txt', 'b.txt', 'cat.png'].map((n) => `http://localhost:20005/bucket/private/${ID}/${n}`),
      ),
    );
    expect(clicked).toEqual([]);
    document.querySelectorAll('iframe[hidden]').forEach((f) => f.remove());
    expect(await within(priv).findByText(/Downloading 3 files. Folders are not downloaded/)).toBeInTheDocument();
    click.mockRestore();

    await user.click(within(bulk).getByRole('button', { name: 'Delete selected' }));
    const dialog = await within(priv).findByRole('alertdialog');
    expect(dialog).toHaveTextContent('Delete 4 selected items (4 files in all, folders included)?');
    await user.click(within(dialog).getByRole('button', { name: 'Delete 4 files' }));
    expect(await within(priv).findByRole('alert')).toHaveTextContent('Could not delete b.txt (You do not have permission to do that here.).');
    expect(within(priv).getByText('Deleted 3 files.')).toBeInTheDocument();
    expect(bucket.map((o) => o.path).filter((p) => p.startsWith(`private/${ID}/`))).toEqual([`private/${ID}/b.txt`]);
    expect(within(priv).queryByRole('group', { name: 'Selected items' })).not.toBeInTheDocument();
  });

  it('shows small thumbnails of images from presigned URLs typed as images, only for the rows shown', async () => {
    bucket.push({ path: `private/${ID}/evil.svg`, size: 5 }, { path: `private/${ID}/notes.txt`, size: 5 });
    for (let i = 0; i < PAGE_SIZE + 5; i++) bucket.push({ path: `private/${ID}/z${String(i).padStart(3, '0')}.png`, size: 1 });
    s.getUrl.mockImplementation((async (input: { path: string }) => ({ url: new URL(`http://localhost:20005/bucket/${input.path}?sig=1`), expiresAt: new Date() })) as never);
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    const row = (await within(priv).findByText('cat.png')).closest('tr')!;
    await waitFor(() => expect(row.querySelector('img.thumb')).toHaveAttribute('src', `http://localhost:20005/bucket/private/${ID}/cat.png?sig=1`));
    const img = row.querySelector('img.thumb')!;
    expect(img).toHaveAttribute('loading', 'lazy');
    expect(img).toHaveAttribute('alt', '');
    expect(s.getUrl).toHaveBeenCalledWith({ path: `private/${ID}/cat.png`, options: { expiresIn: 900, contentType: 'image/png' } });
    // An SVG is shown as an image (an <img> runs no script), typed as one whatever the uploader said.
    expect(s.getUrl).toHaveBeenCalledWith({ path: `private/${ID}/evil.svg`, options: { expiresIn: 900, contentType: 'image/svg+xml' } });
    // No thumbnail for text; none signed for rows not shown (only the first page is).
    expect((await within(priv).findByText('notes.txt')).closest('tr')!.querySelector('img')).toBeNull();
    const signed = s.getUrl.mock.calls.map(([input]) => (input as unknown as { path: string }).path);
    expect(signed.filter((p) => /\/z\d+\.png$/.test(p)).length).toBeLessThan(PAGE_SIZE);
    expect(signed).not.toContain(`private/${ID}/z104.png`);
  });

  it('says how much storage the place uses, every folder counted, once the folder shown has landed', async () => {
    bucket.push({ path: `private/${ID}/docs/`, size: 0 }, { path: `private/${ID}/docs/deep/big.bin`, size: 3 * 1024 * 1024 });
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    // 1000 B + 5 B + 3 MiB in three files; the folder object is no file.
    expect(await within(priv).findByText('Storage used in this place: 3 files · 3.0 MiB')).toBeInTheDocument();
    // The folder shown has its own count in the table's caption.
    expect(within(priv).getByRole('table')).toHaveAccessibleName('My files: 1 file · 1000 B · 1 folder');
    // The first listing went first: the whole place is listed after it.
    const paths = s.list.mock.calls.map(([input]) => input as { path: string; options?: { subpathStrategy?: unknown } });
    expect(paths[0]).toMatchObject({ path: `private/${ID}/`, options: { subpathStrategy: { strategy: 'exclude' } } });
    expect(paths[1]).toMatchObject({ path: `private/${ID}/`, options: { listAll: true } });
    expect(paths[1].options?.subpathStrategy).toBeUndefined();
  });

  it("browses other people's protected folders read-only, without their private files or one's own folder", async () => {
    bucket.push(
      { path: `protected/${ID}/mine.txt`, size: 3 },
      { path: `protected/${OTHER}/notes.pdf`, size: 700, lastModified: new Date('2026-02-03T04:05:06Z') },
      { path: `protected/${OTHER}/trips/beach.png`, size: 9 },
      { path: `private/${OTHER}/diary.txt`, size: 4 },
    );
    s.getUrl.mockResolvedValue({ url: new URL('http://localhost:20005/bucket/notes.pdf?X-Amz-Signature=abc'), expiresAt: new Date() });
    const user = userEvent.setup();
    at('/files/shared-by-me');
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    // One's own protected files are under Shared by me, with its controls.
    expect(await within(section('Shared with signed-in people')).findByText('mine.txt')).toBeInTheDocument();
    expect(within(section('Shared with signed-in people')).getByRole('button', { name: 'Delete mine.txt' })).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'From others' }));
    const others = section('From others');
    expect(others).not.toHaveTextContent(ID);

    // The top level lists protected/ for identity folders: the other person's, not one's own.
    const person = await within(others).findByRole('button', { name: 'Person 1' });
    expect(others).not.toHaveTextContent(OTHER);
    expect(s.list).toHaveBeenCalledWith(
      expect.objectContaining({ path: 'protected/', options: expect.objectContaining({ subpathStrategy: { strategy: 'exclude' } }) }),
    );
    expect(within(others).getAllByRole('button', { name: /Person/ })).toHaveLength(1);

    await user.click(person);
    const row = (await within(others).findByText('notes.pdf')).closest('tr')!;
    expect(s.list).toHaveBeenLastCalledWith(expect.objectContaining({ path: `protected/${OTHER}/` }));
    expect(within(row).getByText('700 B')).toBeInTheDocument();
    expect(within(others).getByRole('button', { name: 'trips' })).toBeInTheDocument();
    // Read-only: no upload, new folder or delete controls in someone else's folder.
    expect(within(others).queryByLabelText(/Upload/)).not.toBeInTheDocument();
    expect(within(others).queryByLabelText('New folder')).not.toBeInTheDocument();
    expect(within(others).queryByRole('button', { name: /Delete/ })).not.toBeInTheDocument();
    expect(screen.queryByText('diary.txt')).not.toBeInTheDocument();

    await user.click(within(row).getByRole('button', { name: 'Preview notes.pdf' }));
    expect(await within(others).findByTitle('Preview of notes.pdf')).toHaveAttribute(
      'src',
      'http://localhost:20005/bucket/notes.pdf?X-Amz-Signature=abc',
    );
    expect(s.getUrl).toHaveBeenLastCalledWith({ path: `protected/${OTHER}/notes.pdf`, options: { expiresIn: 900, contentType: 'application/pdf' } });

    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    await user.click(within(row).getByRole('button', { name: 'Download notes.pdf' }));
    await waitFor(() => expect(clicked).toEqual(['notes.pdf']));
    expect(s.getUrl).toHaveBeenLastCalledWith({
      path: `protected/${OTHER}/notes.pdf`,
      options: { expiresIn: 300, contentDisposition: "attachment;filename*=UTF-8''notes.pdf" },
    });
    click.mockRestore();

    // The breadcrumb leads back to everyone's folders.
    await user.click(within(others).getByRole('button', { name: 'From others' }));
    expect(await within(others).findByRole('button', { name: 'Person 1' })).toBeInTheDocument();
    expect(within(others).queryByText('notes.pdf')).not.toBeInTheDocument();
  });

  it("says so when nobody else keeps protected files (one's own folder is not counted)", async () => {
    bucket.push({ path: `protected/${ID}/mine.txt`, size: 3 });
    at('/files/from-others');
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const others = section('From others');
    expect(await within(others).findByText('Nobody else shares files with signed-in people yet.')).toBeInTheDocument();
    expect(within(others).queryByRole('table')).not.toBeInTheDocument();
    expect(within(others).queryByLabelText(/Upload/)).not.toBeInTheDocument();
  });

  it('uploads several files at once, each with its own progress and cancel', async () => {
    const ops: Record<string, { report: (p: { transferredBytes: number; totalBytes: number }) => void; finish: () => void; cancel: ReturnType<typeof vi.fn> }> = {};
    s.uploadData.mockImplementation(((input: { path: string; data: File; options: { onProgress: (p: { transferredBytes: number; totalBytes: number }) => void } }) => {
      let finish!: () => void;
      let fail!: (e: Error) => void;
      const result = new Promise((resolve, reject) => {
        finish = () => {
          bucket.push({ path: input.path, size: input.data.size });
          resolve({ path: input.path });
        };
        fail = reject;
      });
      const cancel = vi.fn(() => fail(Object.assign(new Error('Upload is canceled by user'), { name: 'CanceledError' })));
      ops[input.data.name] = { report: input.options.onProgress, finish, cancel };
      return { result, cancel };
    }) as never);
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await within(priv).findByText('cat.png');
    const one = new File(['1111'], 'one.txt', { type: 'text/plain' });
    const two = new File(['22'], 'two.txt', { type: 'text/plain' });
    await user.upload(within(priv).getByLabelText('Upload files'), [one, two]);
    expect(s.uploadData).toHaveBeenCalledTimes(2);
    ops['one.txt'].report({ transferredBytes: 1, totalBytes: 4 });
    ops['two.txt'].report({ transferredBytes: 1, totalBytes: 2 });
    expect(await within(priv).findByRole('progressbar', { name: 'Uploading one.txt' })).toHaveAttribute('value', '1');
    expect(within(priv).getByRole('progressbar', { name: 'Uploading two.txt' })).toHaveAttribute('max', '2');
    await user.click(within(priv).getByRole('button', { name: 'Cancel upload of two.txt' }));
    expect(ops['two.txt'].cancel).toHaveBeenCalled();
    expect(ops['one.txt'].cancel).not.toHaveBeenCalled();
    await waitFor(() => expect(within(priv).queryByRole('progressbar', { name: 'Uploading two.txt' })).not.toBeInTheDocument());
    ops['one.txt'].finish();
    expect(await within(priv).findByText('Uploaded one.txt. Cancelled two.txt.')).toBeInTheDocument();
    expect(await within(priv).findByText('one.txt')).toBeInTheDocument();
    expect(within(priv).queryByText('two.txt')).not.toBeInTheDocument();
    expect(within(priv).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('uploads files dropped on the section, into the current folder', async () => {
    s.uploadData.mockImplementation(((input: { path: string }) => ({ result: Promise.resolve({ path: input.path }), cancel: vi.fn() })) as never);
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await within(priv).findByText('cat.png');
    const dropped = new File(['x'], 'dropped.txt', { type: 'text/plain' });
    fireEvent.dragOver(priv, { dataTransfer: { types: ['Files'], files: [dropped] } });
    expect(priv).toHaveClass('dropping');
    fireEvent.drop(priv, { dataTransfer: { types: ['Files'], files: [dropped] } });
    expect(priv).not.toHaveClass('dropping');
    await waitFor(() => expect(s.uploadData).toHaveBeenCalledWith(expect.objectContaining({ path: `private/${ID}/dropped.txt`, data: dropped })));
    // Read-only places take no drops.
    await userEvent.setup().click(screen.getByRole('link', { name: 'Team' }));
    const shared = section('Team files');
    await within(shared).findByText(/No files here yet/);
    fireEvent.drop(shared, { dataTransfer: { types: ['Files'], files: [dropped] } });
    expect(s.uploadData).toHaveBeenCalledTimes(1);
  });

  it('asks before replacing a file with the same name', async () => {
    s.uploadData.mockImplementation(((input: { path: string }) => ({ result: Promise.resolve({ path: input.path }), cancel: vi.fn() })) as never);
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await within(priv).findByText('cat.png');
    const input = within(priv).getByLabelText('Upload files');
    const again = new File(['new'], 'cat.png', { type: 'image/png' });
    const fresh = new File(['new'], 'dog.png', { type: 'image/png' });
    await user.upload(input, again);
    const prompt = within(priv).getByRole('alertdialog');
    expect(prompt).toHaveTextContent('cat.png is already here. Replace it?');
    expect(s.uploadData).not.toHaveBeenCalled();
    await user.click(within(prompt).getByRole('button', { name: 'Cancel' }));
    expect(within(priv).queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(s.uploadData).not.toHaveBeenCalled();
    // Only the new one, then both.
    await user.upload(input, [again, fresh]);
    await user.click(within(priv).getByRole('button', { name: 'Upload only new files' }));
    await waitFor(() => expect(s.uploadData).toHaveBeenCalledTimes(1));
    expect(s.uploadData).toHaveBeenLastCalledWith(expect.objectContaining({ path: `private/${ID}/dog.png` }));
    await user.upload(input, again);
    await user.click(within(priv).getByRole('button', { name: 'Replace' }));
    await waitFor(() => expect(s.uploadData).toHaveBeenLastCalledWith(expect.objectContaining({ path: `private/${ID}/cat.png` })));
  });

  it('sorts and filters the listing', async () => {
    bucket.push(
      { path: `private/${ID}/zebra.txt`, size: 5000, lastModified: new Date('2025-01-01T00:00:00Z') },
      { path: `private/${ID}/apple.txt`, size: 10, lastModified: new Date('2026-06-01T00:00:00Z') },
    );
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await within(priv).findByText('cat.png');
    const names = () => within(priv).getAllByRole('row').slice(1).map((r) => r.querySelector('td.name')!.textContent!.replace('📁 ', ''));
    expect(names()).toEqual(['docs', 'apple.txt', 'cat.png', 'zebra.txt']);
    await user.selectOptions(within(priv).getByLabelText('Sort by'), 'Largest first');
    expect(names()).toEqual(['docs', 'zebra.txt', 'cat.png', 'apple.txt']);
    await user.selectOptions(within(priv).getByLabelText('Sort by'), 'Newest first');
    expect(names()).toEqual(['docs', 'apple.txt', 'cat.png', 'zebra.txt']);
    await user.type(within(priv).getByLabelText('Filter by name'), 'ZEB');
    expect(names()).toEqual(['zebra.txt']);
  });

  it('shows a folder of 10,000 files a page at a time', async () => {
    for (let i = 0; i < 10_000; i++) bucket.push({ path: `private/${ID}/big/f${String(i).padStart(5, '0')}.txt`, size: 1 });
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await user.click(await within(priv).findByRole('button', { name: 'big' }));
    await within(priv).findByText('f00000.txt');
    // (rows counted with a selector: role queries over thousands of rows are slow in jsdom)
    const rows = () => priv.querySelectorAll('tbody tr').length;
    expect(rows()).toBe(PAGE_SIZE);
    expect(within(priv).getByText(`Showing ${PAGE_SIZE} of 10000.`)).toBeInTheDocument();
    fireEvent.click(within(priv).getByText('Show more'));
    expect(rows()).toBe(PAGE_SIZE * 2);
    // Filtering searches all of them, not just the page shown.
    // (the filter found by its type: label queries over thousands of labelled controls are slow in jsdom)
    const filterBox = priv.querySelector<HTMLInputElement>('input[type="search"]')!;
    expect(filterBox.labels?.[0]).toHaveTextContent('Filter by name');
    fireEvent.change(filterBox, { target: { value: 'f09999' } });
    expect(rows()).toBe(1);
    expect(within(priv).getByText('f09999.txt')).toBeInTheDocument();
  });

  it('previews text in a sandboxed frame, served as plain text whatever the uploader chose', async () => {
    bucket.push({ path: `private/${ID}/page.txt`, size: 20 });
    s.getUrl.mockResolvedValue({ url: new URL('http://localhost:20005/bucket/page.txt?sig=1'), expiresAt: new Date() });
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await user.click(await within(priv).findByRole('button', { name: 'Preview page.txt' }));
    const frame = await within(priv).findByTitle('Preview of page.txt');
    expect(frame).toHaveAttribute('sandbox', '');
    expect(s.getUrl).toHaveBeenLastCalledWith({ path: `private/${ID}/page.txt`, options: { expiresIn: 900, contentType: 'text/plain; charset=utf-8' } });
  });

  it('shows a load error with a retry', async () => {
    s.list.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    at('/public');
    renderWithUser(<PublicFilesPage />, fakeUser({ status: 'signedOut' }));
    const pub = section('Public files');
    expect(await within(pub).findByRole('alert')).toHaveTextContent('We could not reach file storage');
    fakeList();
    await userEvent.setup().click(within(pub).getByRole('button', { name: 'Try again' }));
    expect(await within(pub).findByRole('button', { name: 'Person 1' })).toBeInTheDocument();
    expect(pub).not.toHaveTextContent(ID);
    expect(within(pub).queryByLabelText(/Upload/)).not.toBeInTheDocument();
  });
});

describe('FilesPage on a phone: nothing hidden, row actions in a menu, focus and notices', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    bucket = [
      { path: `private/${ID}/cat.png`, size: 1000, lastModified: new Date('2026-01-02T03:04:05Z') },
      { path: `private/${ID}/notes.txt`, size: 10, lastModified: new Date('2026-01-02T03:04:05Z') },
      { path: `private/${ID}/docs/plan.pdf`, size: 5, lastModified: new Date('2026-01-02T03:04:05Z') },
    ];
    fakeList();
    fakeWrites();
    s.getUrl.mockResolvedValue({ url: new URL('http://localhost:20005/bucket/x?sig=1'), expiresAt: new Date() });
    at('/');
  });

  it('keeps the date (under the size) and gives each row one Actions menu', async () => {
    onPhoneScreen();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    const row = (await within(priv).findByText('notes.txt')).closest('tr')!;
    expect(row).toHaveTextContent(new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date('2026-01-02T03:04:05Z')));
    expect(within(row).getAllByRole('button')).toEqual([within(row).getByRole('button', { name: 'Actions for notes.txt' })]);
    expect(within(priv).getAllByRole('columnheader').map((h) => h.textContent)).not.toContain('Modified');
  });

  it('deletes through the menu: cancel gives focus back to the Actions button; the next action clears the notice', async () => {
    onPhoneScreen();
    const user = userEvent.setup();
    renderWithUser(<FilesPage />, fakeUser({ identityId: ID }));
    const priv = section('My files');
    await within(priv).findByText('notes.txt');
    const menuButton = within(priv).getByRole('button', { name: 'Actions for notes.txt' });
    await user.click(menuButton);
    expect(screen.getAllByRole('menuitem').map((i) => i.textContent)).toEqual(['Preview', 'Download', 'Rename', 'Move', 'Delete']);
    await user.click(screen.getByRole('menuitem', { name: 'Delete notes.txt' }));
    expect(within(within(priv).getByRole('alertdialog')).getByRole('button', { name: 'Delete' })).toHaveFocus();
    await user.click(within(priv).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(menuButton).toHaveFocus());

    await user.click(menuButton);
    await user.click(screen.getByRole('menuitem', { name: 'Delete notes.txt' }));
    await user.click(within(within(priv).getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    expect(await within(priv).findByText('Deleted notes.txt.')).toBeInTheDocument();
    // Renaming starts the next action: the notice goes; Escape gives focus back to the row's Actions button.
    await user.click(within(priv).getByRole('button', { name: 'Actions for cat.png' }));
    await user.click(screen.getByRole('menuitem', { name: 'Rename cat.png' }));
    expect(within(priv).getByLabelText('New name for cat.png')).toHaveFocus();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(within(priv).getByRole('button', { name: 'Actions for cat.png' })).toHaveFocus());
    await user.click(within(priv).getByRole('button', { name: 'Actions for cat.png' }));
    await user.click(screen.getByRole('menuitem', { name: 'Download cat.png' }));
    await waitFor(() => expect(within(priv).queryByText('Deleted notes.txt.')).not.toBeInTheDocument());
  });
});
