import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { onPhoneScreen } from '../testing/narrow-screen';
import { focusTargetInRow, RowActions, type RowAction } from './RowActions';

function actions(): RowAction[] {
  return [
    { id: 'download', label: 'Download', name: 'Download notes.txt', onSelect: vi.fn() },
    { id: 'rename', label: 'Rename', name: 'Rename notes.txt', onSelect: vi.fn(), disabled: true, describedBy: 'why' },
    { id: 'delete', label: 'Delete', name: 'Delete notes.txt', onSelect: vi.fn(), variant: 'danger' },
  ];
}

function renderRow(list: RowAction[]) {
  return render(
    <>
      <p id="why">Only the owner may rename it.</p>
      <table>
        <tbody>
          <tr data-testid="row">
            <td>notes.txt</td>
            <td>
              <RowActions label="notes.txt" actions={list} />
            </td>
          </tr>
        </tbody>
      </table>
      <button type="button">Elsewhere</button>
    </>,
  );
}

describe('RowActions on a wide screen', () => {
  it('shows each action as its own button', async () => {
    const list = actions();
    renderRow(list);
    expect(screen.queryByRole('button', { name: /Actions for/ })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Rename notes.txt' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Rename notes.txt' })).toHaveAccessibleDescription('Only the owner may rename it.');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Delete notes.txt' }));
    expect(list[2].onSelect).toHaveBeenCalledWith(screen.getByRole('button', { name: 'Delete notes.txt' }));
    expect(focusTargetInRow(screen.getByTestId('row'), 'delete')).toBe(screen.getByRole('button', { name: 'Delete notes.txt' }));
  });
});

describe('RowActions on a phone: one menu button instead of stacked buttons', () => {
  it('opens from the keyboard, moves with the arrows, wraps, and closes with Escape back on its button', async () => {
    onPhoneScreen();
    renderRow(actions());
    const user = userEvent.setup();
    const button = screen.getByRole('button', { name: 'Actions for notes.txt' });
    expect(screen.getAllByRole('button').filter((b) => b.closest('tr'))).toEqual([button]);
    expect(button).toHaveAttribute('aria-haspopup', 'menu');
    expect(button).toHaveAttribute('aria-expanded', 'false');
    button.focus();
    await user.keyboard('{Enter}');
    const menu = screen.getByRole('menu', { name: 'Actions for notes.txt' });
    expect(button).toHaveAttribute('aria-expanded', 'true');
    expect(button).toHaveAttribute('aria-controls', menu.id);
    const items = screen.getAllByRole('menuitem');
    expect(items.map((i) => i.textContent)).toEqual(['Download', 'Rename', 'Delete']);
    expect(items[0]).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(items[1]).toHaveFocus();
    expect(items[1]).toHaveAttribute('aria-disabled', 'true');
    expect(items[1]).toHaveAccessibleDescription('Only the owner may rename it.');
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(items[0]).toHaveFocus();
    await user.keyboard('{ArrowUp}');
    expect(items[2]).toHaveFocus();
    await user.keyboard('{Home}');
    expect(items[0]).toHaveFocus();
    await user.keyboard('{End}');
    expect(items[2]).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    expect(button).toHaveFocus();
    expect(button).toHaveAttribute('aria-expanded', 'false');
    // The down arrow opens it too.
    await user.keyboard('{ArrowDown}');
    expect(screen.getAllByRole('menuitem')[0]).toHaveFocus();
  });

  it('runs the chosen action once the menu has closed, focus on its button; a disabled one does nothing', async () => {
    onPhoneScreen();
    const list = actions();
    renderRow(list);
    const user = userEvent.setup();
    const button = screen.getByRole('button', { name: 'Actions for notes.txt' });
    await user.click(button);
    await user.click(screen.getByRole('menuitem', { name: 'Rename notes.txt' }));
    expect(list[1].onSelect).not.toHaveBeenCalled();
    expect(screen.getByRole('menu')).toBeInTheDocument();
    await user.click(screen.getByRole('menuitem', { name: 'Delete notes.txt' }));
    expect(list[2].onSelect).toHaveBeenCalledTimes(1);
    expect(list[2].onSelect).toHaveBeenCalledWith(button);
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    expect(button).toHaveFocus();
    // After a confirmation, focus goes back to the row's menu button (the action itself is in the closed menu).
    expect(focusTargetInRow(screen.getByTestId('row'), 'delete')).toBe(button);
  });

  it('closes on Tab and on a press elsewhere', async () => {
    onPhoneScreen();
    renderRow(actions());
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Actions for notes.txt' }));
    await user.keyboard('{Tab}');
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Actions for notes.txt' }));
    expect(screen.getByRole('menu')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Elsewhere' }));
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Elsewhere' })).toHaveFocus();
  });
});
