import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeUser, renderWithUser } from '../../testing/render-with-user';
import type { AdminApi, AdminUser } from './admin-api';
import AdminPage from './AdminPage';

function fakeApi(initial: AdminUser[]): AdminApi & { users: AdminUser[] } {
  const users = initial.map((u) => ({ ...u, groups: [...u.groups] }));
  const find = (name: string) => users.find((u) => u.username === name)!;
  return {
    users,
    listUsers: vi.fn(async () => users.map((u) => ({ ...u, groups: [...u.groups] }))),
    addToGroup: vi.fn(async (name: string, group: string) => {
      find(name).groups.push(group);
    }),
    removeFromGroup: vi.fn(async (name: string, group: string) => {
      find(name).groups = find(name).groups.filter((g) => g !== group);
    }),
    setEnabled: vi.fn(async (name: string, enabled: boolean) => {
      find(name).enabled = enabled;
    }),
  };
}

const people: AdminUser[] = [
  { username: 'sub-alice', email: 'alice@example.com', status: 'CONFIRMED', enabled: true, groups: ['ADMINS'] },
  { username: 'sub-bob', email: 'bob@example.com', status: 'CONFIRMED', enabled: true, groups: [] },
];

const row = (email: string) => screen.getByRole('row', { name: new RegExp(email) });

describe('AdminPage', () => {
  it('lists users with their groups and moves a user into EDITORS and out again', async () => {
    const api = fakeApi(people);
    const user = userEvent.setup();
    renderWithUser(<AdminPage api={api} groups={['ADMINS', 'EDITORS']} />, fakeUser({ groups: ['ADMINS'] }));
    await screen.findByRole('row', { name: /bob@example.com/ });
    const bobEditors = within(row('bob@example.com')).getByRole('checkbox', { name: 'EDITORS' });
    expect(bobEditors).not.toBeChecked();
    await user.click(bobEditors);
    expect(api.addToGroup).toHaveBeenCalledWith('sub-bob', 'EDITORS');
    expect(await screen.findByText('Added bob@example.com to EDITORS.')).toBeInTheDocument();
    await waitFor(() => expect(within(row('bob@example.com')).getByRole('checkbox', { name: 'EDITORS' })).toBeChecked());
    await user.click(within(row('bob@example.com')).getByRole('checkbox', { name: 'EDITORS' }));
    expect(api.removeFromGroup).toHaveBeenCalledWith('sub-bob', 'EDITORS');
  });

  it('disables and enables a user, but not yourself', async () => {
    const api = fakeApi(people);
    const user = userEvent.setup();
    renderWithUser(<AdminPage api={api} groups={['ADMINS', 'EDITORS']} />, fakeUser({ groups: ['ADMINS'] }));
    await screen.findByRole('row', { name: /bob@example.com/ });
    expect(within(row('alice@example.com')).getByRole('button', { name: /Disable/ })).toBeDisabled();
    expect(within(row('alice@example.com')).getByRole('checkbox', { name: 'ADMINS' })).toBeDisabled();
    await user.click(within(row('bob@example.com')).getByRole('button', { name: 'Disable bob@example.com' }));
    expect(api.setEnabled).toHaveBeenCalledWith('sub-bob', false);
    await user.click(await within(row('bob@example.com')).findByRole('button', { name: 'Enable bob@example.com' }));
    expect(api.setEnabled).toHaveBeenLastCalledWith('sub-bob', true);
  });

  it('explains an IAM denial', async () => {
    const api = fakeApi(people);
    vi.mocked(api.listUsers).mockRejectedValueOnce(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    renderWithUser(<AdminPage api={api} groups={['ADMINS']} />, fakeUser({ groups: ['ADMINS'] }));
    expect(await screen.findByRole('alert')).toHaveTextContent('You are not allowed to manage users');
  });
});
