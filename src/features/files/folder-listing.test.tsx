import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeUser, renderWithUser } from '../../testing/render-with-user';

vi.mock('aws-amplify/storage', () => ({ list: vi.fn(), uploadData: vi.fn(), getUrl: vi.fn(), remove: vi.fn(), downloadData: vi.fn() }));
vi.mock('../../api/vault-api', () => ({ callApi: vi.fn(async () => ({})) }));

import * as storage from 'aws-amplify/storage';
import { FileBrowser, PAGE_SIZE } from './FileBrowser';
import { sectionsFor } from './file-sections';
import { FIRST_PAGE, LIST_PAGE } from './folder-listing';

const ME = 'us-east-1:11111111-1111-4111-8111-111111111111';
const s = vi.mocked(storage);
const mine = () => sectionsFor({ signedIn: true, groups: [], identityId: ME }).find((x) => x.id === 'private')!;
const name = (i: number) => `f-${String(i).padStart(5, '0')}.txt`;

describe('a big folder', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    window.history.replaceState(null, '', '/');
  });

  it('shows its first rows after a short first page (a screenful), while the later pages (1,000 keys) load; then all of them', async () => {
    const base = `private/${ME}/`;
    const page = (from: number, length: number) => Array.from({ length }, (_, i) => ({ path: `${base}${name(from + i)}`, size: 8 }));
    let lastPage!: (value: unknown) => void;
    s.list.mockImplementation(((input: { path: string; options: { pageSize?: number; nextToken?: string; listAll?: boolean } }) => {
      // The storage-used count lists everything in the background, whenever it gets to it: not this test's.
      if (input.options.listAll) return Promise.reject(new Error('not counted in this test'));
      if (!input.options.nextToken) {
        expect(input.options.pageSize).toBe(FIRST_PAGE);
        return Promise.resolve({ items: page(0, FIRST_PAGE), excludedSubpaths: [`${base}docs/`], nextToken: 'page-2' });
      }
      expect([input.options.nextToken, input.options.pageSize]).toEqual(['page-2', LIST_PAGE]);
      return new Promise((resolve) => (lastPage = resolve));
    }) as never);

    renderWithUser(<FileBrowser section={mine()} />, fakeUser({ identityId: ME }));
    const region = screen.getByRole('region', { name: mine().title });
    expect(await within(region).findByRole('cell', { name: name(0) }, { timeout: 5000 })).toBeVisible();
    expect(within(region).getByText(`Loading more… ${FIRST_PAGE} files so far.`)).toBeInTheDocument();
    // The next page is asked for once this one has been shown.
    const listingCalls = () => s.list.mock.calls.filter(([input]) => !(input as { options: { listAll?: boolean } }).options.listAll);
    await waitFor(() => expect(listingCalls()).toHaveLength(2), { timeout: 5000 });

    lastPage({ items: page(FIRST_PAGE, LIST_PAGE), excludedSubpaths: [] });
    expect(await within(region).findByText(`Showing ${PAGE_SIZE} of ${FIRST_PAGE + LIST_PAGE + 1}.`, {}, { timeout: 5000 })).toBeInTheDocument();
    expect(within(region).queryByText(/Loading more/)).not.toBeInTheDocument();
    expect(within(region).getAllByRole('button', { name: /docs/ }).length).toBeGreaterThan(0);
  });
});
