import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiError } from '@aws-amplify/core/internals/utils';
import { describe, expect, it, vi } from 'vitest';
import { onPhoneScreen } from '../../testing/narrow-screen';
import { fakeUser, renderWithUser } from '../../testing/render-with-user';
import type { AdminApi, AdminUser, AuditRecord } from './admin-api';
import AdminPage from './AdminPage';

/** An in-memory admin API with the server's answers (the changed user back). */
function fakeApi(initial: AdminUser[], pageSize = 50): AdminApi & { users: AdminUser[] } {
  const users = initial.map((u) => ({ ...u, groups: [...u.groups] }));
  const find = (name: string) => users.find((u) => u.username === name)!;
  const copy = (u: AdminUser) => ({ ...u, groups: [...u.groups] });
  return {
    users,
    listUsers: vi.fn(async ({ search, next } = {}) => {
      const matching = users.filter((u) => !search || u.email?.startsWith(search));
      const from = next ? Number(next) : 0;
      const page = matching.slice(from, from + pageSize).map(copy);
      return { users: page, ...(from + pageSize < matching.length ? { next: String(from + pageSize) } : {}) };
    }),
    addToGroup: vi.fn(async (name: string, group: string) => {
      find(name).groups.push(group);
      return copy(find(name));
    }),
    removeFromGroup: vi.fn(async (name: string, group: string) => {
      find(name).groups = find(name).groups.filter((g) => g !== group);
      return copy(find(name));
    }),
    setEnabled: vi.fn(async (name: string, enabled: boolean) => {
      find(name).enabled = enabled;
      return copy(find(name));
    }),
    resetPassword: vi.fn(async (name: string) => {
      find(name).status = 'RESET_REQUIRED';
      return copy(find(name));
    }),
    signOutEverywhere: vi.fn(async (name: string) => copy(find(name))),
    auditLog: vi.fn(async () => ({ records: [] })),
  };
}

const people: AdminUser[] = [
  { username: 'sub-alice', email: 'alice@example.com', status: 'CONFIRMED', enabled: true, groups: ['ADMINS'] },
  { username: 'sub-bob', email: 'bob@example.com', status: 'CONFIRMED', enabled: true, groups: [] },
  { username: 'sub-carol', email: 'carol@example.com', status: 'CONFIRMED', enabled: true, groups: ['ADMINS'] },
];

const row = (email: string) => screen.getByRole('row', { name: new RegExp(email) });
const me = () => fakeUser({ groups: ['ADMINS'] });

function refusal(statusCode: number, code: string, message: string) {
  return new ApiError({ name: code, message, response: { statusCode, headers: {}, body: JSON.stringify({ code, message }) } });
}

describe('AdminPage: users', () => {
  it('lists users with their groups and moves a user into EDITORS and out again', async () => {
    const api = fakeApi(people);
    const user = userEvent.setup();
    renderWithUser(<AdminPage api={api} groups={['ADMINS', 'EDITORS']} />, me());
    await screen.findByRole('row', { name: /bob@example.com/ });
    const bobEditors = within(row('bob@example.com')).getByRole('checkbox', { name: 'EDITORS' });
    expect(bobEditors).not.toBeChecked();
    await user.click(bobEditors);
    expect(api.addToGroup).toHaveBeenCalledWith('sub-bob', 'EDITORS');
    expect(await screen.findByText('Added bob@example.com to EDITORS.')).toBeInTheDocument();
    await waitFor(() => expect(within(row('bob@example.com')).getByRole('checkbox', { name: 'EDITORS' })).toBeChecked());
    await user.click(within(row('bob@example.com')).getByRole('checkbox', { name: 'EDITORS' }));
    expect(api.removeFromGroup).toHaveBeenCalledWith('sub-bob', 'EDITORS');
    expect(await screen.findByText('Removed bob@example.com from EDITORS.')).toBeInTheDocument();
  });

  it('names the provider of a federated user and offers no password reset for them (they have no password here)', async () => {
    const api = fakeApi([
      ...people,
      { username: 'signinwithapple_000123.abc', email: 'dee@example.com', status: 'EXTERNAL_PROVIDER', enabled: true, groups: [] },
    ]);
    renderWithUser(<AdminPage api={api} groups={['ADMINS', 'EDITORS']} />, me());
    await screen.findByRole('row', { name: /dee@example.com/ });
    expect(within(row('dee@example.com')).getByText('Signs in with Apple')).toBeInTheDocument();
    expect(within(row('dee@example.com')).queryByRole('button', { name: /Reset password/ })).toBeNull();
    expect(within(row('dee@example.com')).getByRole('button', { name: 'Sign out everywhere: dee@example.com' })).toBeEnabled();
    expect(within(row('bob@example.com')).getByRole('button', { name: 'Reset password of bob@example.com' })).toBeEnabled();
  });

  it('disables and enables a user, but not yourself nor another administrator', async () => {
    const api = fakeApi(people);
    const user = userEvent.setup();
    renderWithUser(<AdminPage api={api} groups={['ADMINS', 'EDITORS']} />, me());
    await screen.findByRole('row', { name: /bob@example.com/ });
    expect(within(row('alice@example.com')).getByRole('button', { name: /Disable/ })).toBeDisabled();
    expect(within(row('alice@example.com')).getByRole('checkbox', { name: 'ADMINS' })).toBeDisabled();
    const carolDisable = within(row('carol@example.com')).getByRole('button', { name: 'Disable carol@example.com' });
    expect(carolDisable).toBeDisabled();
    expect(carolDisable).toHaveAccessibleDescription(/Administrators cannot be disabled/);
    const bobDisable = within(row('bob@example.com')).getByRole('button', { name: 'Disable bob@example.com' });
    // A confirmation first; cancelling it changes nothing and returns focus to the button.
    await user.click(bobDisable);
    const confirmation = within(row('bob@example.com')).getByRole('group', { name: 'Confirm disabling bob@example.com' });
    expect(within(confirmation).getByRole('button', { name: 'Yes, disable' })).toHaveFocus();
    await user.click(within(confirmation).getByRole('button', { name: 'Cancel' }));
    expect(api.setEnabled).not.toHaveBeenCalled();
    await waitFor(() => expect(bobDisable).toHaveFocus());
    await user.click(bobDisable);
    const listed = vi.mocked(api.listUsers).mock.calls.length;
    await user.click(within(row('bob@example.com')).getByRole('button', { name: 'Yes, disable' }));
    expect(api.setEnabled).toHaveBeenCalledWith('sub-bob', false);
    // The list is fetched again after the change.
    await waitFor(() => expect(vi.mocked(api.listUsers).mock.calls.length).toBe(listed + 1));
    expect(await within(row('bob@example.com')).findByText('Disabled')).toBeInTheDocument();
    await user.click(await within(row('bob@example.com')).findByRole('button', { name: 'Enable bob@example.com' }));
    expect(api.setEnabled).toHaveBeenLastCalledWith('sub-bob', true);
  });

  it('names statuses in plain words', async () => {
    const api = fakeApi([
      { username: 'sub-dan', email: 'dan@example.com', status: 'FORCE_CHANGE_PASSWORD', enabled: true, groups: [] },
      { username: 'sub-eve', email: 'eve@example.com', status: 'CONFIRMED', enabled: true, groups: [] },
    ]);
    renderWithUser(<AdminPage api={api} groups={['ADMINS', 'EDITORS']} />, me());
    expect(await screen.findByRole('row', { name: /dan@example.com/ })).toHaveTextContent('Must choose a new password');
    expect(row('eve@example.com')).toHaveTextContent('Active');
    expect(screen.queryByText('CONFIRMED')).not.toBeInTheDocument();
  });

  it('sends a password reset code and signs a person out everywhere', async () => {
    const api = fakeApi(people);
    const user = userEvent.setup();
    renderWithUser(<AdminPage api={api} groups={['ADMINS', 'EDITORS']} />, me());
    await screen.findByRole('row', { name: /bob@example.com/ });
    await user.click(within(row('bob@example.com')).getByRole('button', { name: 'Reset password of bob@example.com' }));
    expect(api.resetPassword).toHaveBeenCalledWith('sub-bob');
    expect(await screen.findByText('Sent bob@example.com a code to choose a new password.')).toBeInTheDocument();
    expect(within(row('bob@example.com')).getByText('Password reset requested')).toBeInTheDocument();
    await user.click(within(row('bob@example.com')).getByRole('button', { name: 'Sign out everywhere: bob@example.com' }));
    expect(api.signOutEverywhere).toHaveBeenCalledWith('sub-bob');
    expect(await screen.findByText('Signed bob@example.com out on every device.')).toBeInTheDocument();
  });

  it('searches by the start of an email address and pages through the rest', async () => {
    const many = Array.from({ length: 5 }, (_, i) => ({ username: `sub-${i}`, email: `user${i}@example.com`, enabled: true, groups: [] }));
    const api = fakeApi(many, 2);
    const user = userEvent.setup();
    renderWithUser(<AdminPage api={api} groups={['ADMINS', 'EDITORS']} />, me());
    expect(await screen.findByText('Users (2 shown)')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Show more users' }));
    await user.click(await screen.findByRole('button', { name: 'Show more users' }));
    expect(await screen.findByText('Users (5)')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Show more users' })).not.toBeInTheDocument();

    await user.type(screen.getByRole('textbox', { name: /Search users/ }), 'user3');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    expect(api.listUsers).toHaveBeenLastCalledWith({ search: 'user3', next: undefined });
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(2));
    expect(row('user3@example.com')).toBeInTheDocument();

    await user.clear(screen.getByRole('textbox', { name: /Search users/ }));
    await user.type(screen.getByRole('textbox', { name: /Search users/ }), 'nobody');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    expect(await screen.findByText('Nobody\'s email or phone starts with "nobody".')).toBeInTheDocument();
  });

  it("shows the server's refusals in its words, and a refused list as not allowed", async () => {
    const api = fakeApi(people);
    vi.mocked(api.removeFromGroup).mockRejectedValueOnce(
      refusal(409, 'LastAdmin', 'carol@example.com is the last member of ADMINS: make someone else an administrator first.'),
    );
    const user = userEvent.setup();
    renderWithUser(<AdminPage api={api} groups={['ADMINS', 'EDITORS']} />, me());
    await screen.findByRole('row', { name: /carol@example.com/ });
    await user.click(within(row('carol@example.com')).getByRole('checkbox', { name: 'ADMINS' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('carol@example.com is the last member of ADMINS');
    expect(within(row('carol@example.com')).getByRole('checkbox', { name: 'ADMINS' })).toBeChecked();
  });

  it('after a conflict shows the list as it is now: another administrator removed me at the same moment', async () => {
    const api = fakeApi(people);
    vi.mocked(api.removeFromGroup).mockImplementationOnce(async () => {
      api.users.find((u) => u.username === 'sub-alice')!.groups = [];
      throw refusal(409, 'LastAdmin', 'carol@example.com is the last member of ADMINS: make someone else an administrator first.');
    });
    const user = userEvent.setup();
    renderWithUser(<AdminPage api={api} groups={['ADMINS', 'EDITORS']} />, me());
    await screen.findByRole('row', { name: /carol@example.com/ });
    expect(within(row('alice@example.com')).getByRole('checkbox', { name: 'ADMINS' })).toBeChecked();
    await user.click(within(row('carol@example.com')).getByRole('checkbox', { name: 'ADMINS' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('carol@example.com is the last member of ADMINS');
    await waitFor(() => expect(within(row('alice@example.com')).getByRole('checkbox', { name: 'ADMINS' })).not.toBeChecked());
    expect(within(row('carol@example.com')).getByRole('checkbox', { name: 'ADMINS' })).toBeChecked();
    expect(screen.getByRole('alert')).toHaveTextContent('carol@example.com is the last member of ADMINS');
  });

  it('explains a refusal to list users', async () => {
    const api = fakeApi(people);
    vi.mocked(api.listUsers).mockRejectedValueOnce(refusal(403, 'Forbidden', 'Only members of ADMINS may do this. If you were just made one, sign out and in again.'));
    renderWithUser(<AdminPage api={api} groups={['ADMINS']} />, me());
    expect(await screen.findByRole('alert')).toHaveTextContent('Only members of ADMINS may do this.');
  });
});

describe('AdminPage on a phone: nothing hidden, actions in a menu, focus and notices', () => {
  it('shows status and groups in the row and one Actions menu per person instead of stacked buttons', async () => {
    onPhoneScreen();
    const api = fakeApi([...people, { username: 'sub-dan', email: 'dan@example.com', status: 'FORCE_CHANGE_PASSWORD', enabled: false, groups: [] }]);
    renderWithUser(<AdminPage api={api} groups={['ADMINS', 'EDITORS']} />, me());
    const dan = await screen.findByRole('row', { name: /dan@example.com/ });
    expect(dan).toHaveTextContent('Must choose a new password');
    expect(dan).toHaveTextContent('Disabled');
    expect(within(dan).getByRole('checkbox', { name: 'EDITORS' })).not.toBeChecked();
    expect(within(dan).getAllByRole('button')).toEqual([within(dan).getByRole('button', { name: 'Actions for dan@example.com' })]);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['User', 'Actions']);
  });

  it('disables through the menu after a confirmation; cancel and confirm give focus back to the row’s Actions button', async () => {
    onPhoneScreen();
    const api = fakeApi(people);
    const user = userEvent.setup();
    renderWithUser(<AdminPage api={api} groups={['ADMINS', 'EDITORS']} />, me());
    await screen.findByRole('row', { name: /bob@example.com/ });
    const menuButton = within(row('bob@example.com')).getByRole('button', { name: 'Actions for bob@example.com' });
    await user.click(menuButton);
    await user.click(screen.getByRole('menuitem', { name: 'Disable bob@example.com' }));
    const confirmation = within(row('bob@example.com')).getByRole('group', { name: 'Confirm disabling bob@example.com' });
    expect(within(confirmation).getByRole('button', { name: 'Yes, disable' })).toHaveFocus();
    await user.click(within(confirmation).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(menuButton).toHaveFocus());
    expect(api.setEnabled).not.toHaveBeenCalled();

    await user.click(menuButton);
    await user.click(screen.getByRole('menuitem', { name: 'Disable bob@example.com' }));
    await user.click(within(row('bob@example.com')).getByRole('button', { name: 'Yes, disable' }));
    expect(await screen.findByText('Disabled bob@example.com.')).toBeInTheDocument();
    await waitFor(() => expect(within(row('bob@example.com')).getByRole('button', { name: 'Actions for bob@example.com' })).toHaveFocus());
    // Administrators cannot be disabled: the item says why and does nothing.
    await user.click(within(row('carol@example.com')).getByRole('button', { name: 'Actions for carol@example.com' }));
    const carolDisable = screen.getByRole('menuitem', { name: 'Disable carol@example.com' });
    expect(carolDisable).toHaveAttribute('aria-disabled', 'true');
    expect(carolDisable).toHaveAccessibleDescription(/Administrators cannot be disabled/);
  });

  it('clears the last notice when the next action starts, and keeps focus on a group box after the change', async () => {
    const api = fakeApi(people);
    let answer!: () => void;
    vi.mocked(api.resetPassword).mockImplementationOnce(
      (name: string) => new Promise((resolve) => (answer = () => resolve({ ...people.find((p) => p.username === name)!, status: 'RESET_REQUIRED' }))),
    );
    const user = userEvent.setup();
    renderWithUser(<AdminPage api={api} groups={['ADMINS', 'EDITORS']} />, me());
    await screen.findByRole('row', { name: /bob@example.com/ });
    const editors = within(row('bob@example.com')).getByRole('checkbox', { name: 'EDITORS' });
    await user.click(editors);
    expect(await screen.findByText('Added bob@example.com to EDITORS.')).toBeInTheDocument();
    await waitFor(() => expect(editors).toHaveFocus());
    await user.click(within(row('bob@example.com')).getByRole('button', { name: 'Reset password of bob@example.com' }));
    // While the reset runs, the previous notice is gone.
    expect(screen.queryByText('Added bob@example.com to EDITORS.')).not.toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
    answer();
    expect(await screen.findByText('Sent bob@example.com a code to choose a new password.')).toBeInTheDocument();
    await user.type(screen.getByRole('textbox', { name: /Search users/ }), 'bob');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    expect(screen.queryByText('Sent bob@example.com a code to choose a new password.')).not.toBeInTheDocument();
  });
});

describe('AdminPage: audit log', () => {
  const record = (over: Partial<AuditRecord>): AuditRecord => ({
    id: 'r1',
    at: '2026-12-06T07:00:00.000Z',
    action: 'addToGroup',
    actor: { sub: 'sub-alice', username: 'sub-alice', email: 'alice@example.com' },
    target: { username: 'sub-bob', email: 'bob@example.com' },
    before: { groups: [] },
    after: { groups: ['EDITORS'] },
    ...over,
  });

  it('is a tab listing who changed what and when, newest first, with older pages on demand', async () => {
    const api = fakeApi(people);
    vi.mocked(api.auditLog)
      .mockResolvedValueOnce({
        records: [
          record({}),
          record({ id: 'r2', action: 'disableUser', before: { enabled: true, status: 'CONFIRMED' }, after: { enabled: false, status: 'CONFIRMED' } }),
        ],
        next: 'older',
      })
      .mockResolvedValueOnce({
        records: [record({ id: 'r3', action: 'changeOwnBirthdate', actor: { sub: 'sub-bob', username: 'sub-bob', email: 'bob@example.com' }, before: { birthdate: null }, after: { birthdate: '1990-04-23' } })],
      });
    const user = userEvent.setup();
    renderWithUser(<AdminPage api={api} groups={['ADMINS', 'EDITORS']} />, me());
    const tab = screen.getByRole('tab', { name: 'Audit log' });
    expect(tab).toHaveAttribute('aria-selected', 'false');
    await user.click(tab);
    expect(tab).toHaveAttribute('aria-selected', 'true');
    const panel = screen.getByRole('tabpanel', { name: 'Audit log' });
    const first = await within(panel).findByRole('row', { name: /Added to EDITORS/ });
    expect(first).toHaveTextContent('alice@example.com');
    expect(first).toHaveTextContent('bob@example.com');
    expect(first).toHaveTextContent('groups: none → groups: EDITORS');
    expect(within(panel).getByRole('row', { name: /Disabled/ })).toHaveTextContent('enabled; status CONFIRMED → disabled; status CONFIRMED');
    await user.click(within(panel).getByRole('button', { name: 'Show older changes' }));
    expect(api.auditLog).toHaveBeenLastCalledWith('older');
    expect(await within(panel).findByRole('row', { name: /Changed their own birthdate/ })).toHaveTextContent('birthdate: not set → birthdate: 1990-04-23');
    expect(within(panel).queryByRole('button', { name: 'Show older changes' })).not.toBeInTheDocument();
  });

  it('on a phone, shows every part of a change (nothing hidden) in two columns', async () => {
    onPhoneScreen();
    const api = fakeApi(people);
    vi.mocked(api.auditLog).mockResolvedValueOnce({ records: [record({})] });
    const user = userEvent.setup();
    renderWithUser(<AdminPage api={api} groups={['ADMINS', 'EDITORS']} />, me());
    await user.click(screen.getByRole('tab', { name: 'Audit log' }));
    const change = await screen.findByRole('row', { name: /Added to EDITORS/ });
    expect(change).toHaveTextContent('Added to EDITORS: bob@example.com');
    expect(change).toHaveTextContent('by alice@example.com');
    expect(change).toHaveTextContent('groups: none → groups: EDITORS');
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['When', 'Change']);
  });

  it('moves between tabs with the arrow keys', async () => {
    const user = userEvent.setup();
    renderWithUser(<AdminPage api={fakeApi(people)} groups={['ADMINS']} />, me());
    screen.getByRole('tab', { name: 'Users' }).focus();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Audit log' })).toHaveFocus();
    expect(screen.getByRole('tabpanel', { name: 'Audit log' })).toBeInTheDocument();
    await user.keyboard('{ArrowLeft}');
    expect(screen.getByRole('tab', { name: 'Users' })).toHaveAttribute('aria-selected', 'true');
  });
});
