import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('aws-amplify/storage', () => ({ list: vi.fn(), remove: vi.fn() }));

import * as storage from 'aws-amplify/storage';
import { deleteMyFiles } from './delete-my-files';

const ID = 'us-east-1:11111111-1111-4111-8111-111111111111';
const s = vi.mocked(storage);

describe('deleteMyFiles', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    const keys = [`private/${ID}/docs/`, `private/${ID}/docs/a.txt`, `private/${ID}/docs/deep/`, `public/${ID}/b.png`];
    s.list.mockImplementation((async (input: { path: string }) => ({ items: keys.filter((k) => k.startsWith(input.path)).map((path) => ({ path })) })) as never);
    s.remove.mockImplementation((async (input: { path: string }) => ({ path: input.path })) as never);
  });

  it('deletes files before folder objects, deepest folder first, and counts only files', async () => {
    const seen: number[] = [];
    expect(await deleteMyFiles(ID, (n) => seen.push(n))).toBe(2);
    expect(seen).toEqual([1, 2]);
    expect(s.remove.mock.calls.map(([input]) => (input as unknown as { path: string }).path)).toEqual([
      `private/${ID}/docs/a.txt`,
      `private/${ID}/docs/deep/`,
      `private/${ID}/docs/`,
      `public/${ID}/b.png`,
    ]);
  });
});
