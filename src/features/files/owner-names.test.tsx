import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SIGNED_OUT } from '../../hooks/useUser';
import { fakeUser, renderWithUser } from '../../testing/render-with-user';

vi.mock('aws-amplify/storage', () => ({ list: vi.fn(), uploadData: vi.fn(), getUrl: vi.fn(), remove: vi.fn(), downloadData: vi.fn() }));
vi.mock('../../api/vault-api', () => ({ callApi: vi.fn() }));

import * as storage from 'aws-amplify/storage';
import * as api from '../../api/vault-api';
import { FileBrowser } from './FileBrowser';
import { sectionsFor } from './file-sections';
import { forgetOwnerNames, ownerLabels, ownerTag } from './owner-names';

const ME = 'us-east-1:11111111-1111-4111-8111-111111111111';
const ADA = 'us-east-1:22222222-2222-4222-8222-222222222222';
const BOB = 'us-east-1:33333333-3333-4333-8333-333333333333';
const TWIN = 'us-east-1:44444444-4444-4444-8444-444444444444';
const s = vi.mocked(storage);

/** owners/{identity id}.json as the function writes it; a missing entry is a 403, as S3 answers a reader who cannot list. */
let published: Record<string, string | null>;

function denied() {
  return Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
}

beforeEach(() => {
  vi.resetAllMocks();
  forgetOwnerNames();
  // The folder shown is in the address: start every test at the top.
  window.history.replaceState(null, '', '/');
  published = {};
  vi.mocked(api.callApi).mockResolvedValue({});
  s.downloadData.mockImplementation(((input: { path: string }) => {
    const id = input.path.replace(/^owners\//, '').replace(/\.json$/, '');
    const result = id in published
      ? Promise.resolve({ body: { text: async () => JSON.stringify({ identityId: id, name: published[id], updatedAt: '2026-12-06T00:00:00Z' }) } })
      : Promise.reject(denied());
    return { result };
  }) as never);
});

function listPeople(ids: string[]) {
  s.list.mockImplementation((async (input: { path: string }) =>
    input.path === 'protected/' || input.path === 'public/'
      ? { items: [], excludedSubpaths: ids.map((id) => `${input.path}${id}/`) }
      : { items: [{ path: `${input.path}notes.txt`, size: 3 }], excludedSubpaths: [] }) as never);
}

const othersProtected = () => sectionsFor({ signedIn: true, groups: [], identityId: ME }).find((x) => x.id === 'others-protected')!;
const everyonesPublic = () => sectionsFor({ signedIn: false, groups: [] }).find((x) => x.id === 'public')!;

describe('ownerLabels', () => {
  it('names a folder by its published name, or "Person N" by its position', () => {
    expect([...ownerLabels([ADA, BOB, TWIN], new Map([[BOB, 'bob@example.com'], [TWIN, null]])).values()]).toEqual([
      'Person 1',
      'bob@example.com',
      'Person 3',
    ]);
  });

  it('never shows two folders alike: equal names get a short stable tag that is not the identity id', () => {
    const labels = ownerLabels([ADA, TWIN, BOB], new Map([[ADA, 'ada@example.com'], [TWIN, 'ada@example.com'], [BOB, 'bob@example.com']]));
    expect(labels.get(ADA)).toBe(`ada@example.com (${ownerTag(ADA)})`);
    expect(labels.get(TWIN)).toBe(`ada@example.com (${ownerTag(TWIN)})`);
    expect(labels.get(ADA)).not.toBe(labels.get(TWIN));
    expect(labels.get(BOB)).toBe('bob@example.com');
    expect(ownerTag(ADA)).toBe(ownerTag(ADA));
    expect(ownerTag(ADA)).toMatch(/^[0-9a-z]{4}$/);
    expect(ADA).not.toContain(ownerTag(ADA));
  });
});

describe("people's folders in the file browser", () => {
  it('shows each owner by the name published for them, "Person N" where none is, and in the breadcrumbs', async () => {
    published[ADA] = 'ada@example.com';
    published[TWIN] = null; // an unverified email publishes no name
    listPeople([ADA, BOB, TWIN]);
    renderWithUser(<FileBrowser section={othersProtected()} />, fakeUser({ identityId: ME }));
    const region = screen.getByRole('region', { name: othersProtected().title });
    const ada = await within(region).findByRole('button', { name: /ada@example\.com/ }, { timeout: 5000 });
    expect(within(region).getByRole('button', { name: /Person 2/ })).toBeInTheDocument();
    expect(within(region).getByRole('button', { name: /Person 3/ })).toBeInTheDocument();
    expect(region).not.toHaveTextContent(ADA.split(':')[1]);
    await userEvent.setup().click(ada);
    expect(await within(region).findByText('notes.txt')).toBeInTheDocument();
    expect(within(region).getByRole('navigation')).toHaveTextContent('ada@example.com');
    expect(region).not.toHaveTextContent(ADA.split(':')[1]);
  });

  it('orders and filters owners by the name people read, not by the identity id behind it', async () => {
    published[ADA] = 'zed@example.com';
    published[BOB] = 'amy@example.com';
    listPeople([ADA, BOB, TWIN]);
    renderWithUser(<FileBrowser section={othersProtected()} />, fakeUser({ identityId: ME }));
    const region = screen.getByRole('region', { name: othersProtected().title });
    await within(region).findByRole('button', { name: /zed@example\.com/ }, { timeout: 5000 });
    const folderNames = () =>
      within(region)
        .getAllByRole('button', { name: /@example\.com|Person \d/ })
        .map((b) => b.textContent?.replace(/^\W+/, ''));
    expect(folderNames()).toEqual(['amy@example.com', 'Person 3', 'zed@example.com']);
    const user = userEvent.setup();
    await user.type(within(region).getByLabelText('Filter by name'), 'zed');
    expect(folderNames()).toEqual(['zed@example.com']);
    await user.clear(within(region).getByLabelText('Filter by name'));
    await user.type(within(region).getByLabelText('Filter by name'), '2222');
    expect(within(region).queryAllByRole('button', { name: /@example\.com|Person \d/ })).toEqual([]);
  });

  it('tells apart two owners who published the same name', async () => {
    published[ADA] = 'ada@example.com';
    published[TWIN] = 'ada@example.com';
    listPeople([ADA, TWIN]);
    renderWithUser(<FileBrowser section={othersProtected()} />, fakeUser({ identityId: ME }));
    const buttons = await screen.findAllByRole('button', { name: /ada@example\.com \(/ }, { timeout: 5000 });
    expect(buttons.map((b) => b.textContent?.replace(/^\W+/, '')).sort()).toEqual([`ada@example.com (${ownerTag(ADA)})`, `ada@example.com (${ownerTag(TWIN)})`].sort());
  });

  it("publishes the signed-in person's own name once, and again when their email changes", async () => {
    listPeople([]);
    const first = renderWithUser(<FileBrowser section={othersProtected()} />, fakeUser({ identityId: ME }));
    renderWithUser(<FileBrowser section={everyonesPublic()} />, fakeUser({ identityId: ME }));
    await waitFor(() => expect(api.callApi).toHaveBeenCalledWith('PUT', '/me/owner-name'));
    expect(api.callApi).toHaveBeenCalledTimes(1);
    const changed = fakeUser({ identityId: ME, attributes: { email: 'alice@new.example.com', email_verified: 'true' } });
    first.unmount();
    renderWithUser(<FileBrowser section={othersProtected()} />, changed);
    await waitFor(() => expect(api.callApi).toHaveBeenCalledTimes(2));
  });

  it('shows guests "Person N" without reading names or publishing anything', async () => {
    published[ADA] = 'ada@example.com';
    listPeople([ADA]);
    renderWithUser(<FileBrowser section={everyonesPublic()} />, { ...fakeUser(), ...SIGNED_OUT });
    expect(await screen.findByRole('button', { name: /Person 1/ }, { timeout: 5000 })).toBeInTheDocument();
    expect(s.downloadData).not.toHaveBeenCalled();
    expect(api.callApi).not.toHaveBeenCalled();
  });
});
