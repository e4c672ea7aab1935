import { useEffect, useId, useLayoutEffect, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { useNarrowScreen } from './useNarrowScreen';

export interface RowAction {
  /** Stable id (`data-action`), to give focus back to this action after a confirmation closes. */
  id: string;
  /** The visible words. */
  label: string;
  /** The accessible name when the words alone are ambiguous in a list ("Delete photo.png"). */
  name?: string;
  /**
   * Runs the action. `opener` is where focus should go back after a confirmation or a
   * cancel: the action's own button, or on a phone the row's Actions button.
   */
  onSelect: (opener: HTMLElement) => void;
  disabled?: boolean;
  variant?: 'primary' | 'secondary' | 'danger';
  /** Why it is disabled, or what it does (an element id). */
  describedBy?: string;
  /** For an action that opens a confirmation: whether it is open. */
  expanded?: boolean;
}

/**
 * A row's actions: side by side on a wide screen; on a phone one "Actions" button opening a menu
 * (WAI-ARIA menu button: arrows, Home/End, Escape, Tab; focus back on the button) instead of a
 * stack of buttons. `label` names the row ("Actions for bob@example.com"); `menuBelow` is the media
 * query under which the menu is used (a phone's by default; MEDIUM_QUERY for a wide table).
 */
export function RowActions({ label, actions, menuBelow }: { label: string; actions: RowAction[]; menuBelow?: string }) {
  const narrow = useNarrowScreen(menuBelow);
  if (narrow) return <ActionsMenu label={label} actions={actions} />;
  return (
    <div className="actions row-actions">
      {actions.map((action) => (
        <button
          key={action.id}
          type="button"
          data-action={action.id}
          className={action.variant === 'primary' ? undefined : (action.variant ?? 'secondary')}
          disabled={action.disabled}
          aria-label={action.name}
          aria-describedby={action.describedBy}
          aria-expanded={action.expanded}
          onClick={(event) => action.onSelect(event.currentTarget)}
        >
          {action.label}
        </button>
      ))}
    </div>
  );
}

export function ActionsMenu({ label, actions }: { label: string; actions: RowAction[] }) {
  const [open, setOpen] = useState(false);
  const [place, setPlace] = useState<CSSProperties>();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const wrapper = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const name = `Actions for ${label}`;

  const items = () => Array.from(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? []);
  const focusItem = (index: number) => {
    const all = items();
    all[(index + all.length) % all.length]?.focus({ preventScroll: true });
  };
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  // The menu floats over the page next to its button (position: fixed), so a table's scroll box never
  // clips it: below the button, or above when there is no room below; kept there while the page scrolls.
  useLayoutEffect(() => {
    if (!open) return;
    const placeMenu = () => {
      const anchor = button.current?.getBoundingClientRect();
      const height = menu.current?.offsetHeight ?? 0;
      if (!anchor) return;
      const below = anchor.bottom + 4;
      const top = below + height > window.innerHeight - 8 && anchor.top - height - 4 >= 8 ? anchor.top - height - 4 : below;
      setPlace({ top, right: Math.max(8, document.documentElement.clientWidth - anchor.right) });
    };
    placeMenu();
    window.addEventListener('scroll', placeMenu, true);
    window.addEventListener('resize', placeMenu);
    return () => {
      window.removeEventListener('scroll', placeMenu, true);
      window.removeEventListener('resize', placeMenu);
    };
  }, [open]);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus({ preventScroll: true });
    // A press anywhere else closes the menu, leaving focus where it went.
    const onPointerDown = (event: PointerEvent) => {
      if (!wrapper.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const onMenuKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const current = items().indexOf(document.activeElement as HTMLButtonElement);
    const moves: Record<string, number> = { ArrowDown: current + 1, ArrowUp: current - 1, Home: 0, End: -1 };
    if (event.key in moves) {
      event.preventDefault();
      focusItem(moves[event.key]);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    } else if (event.key === 'Tab') {
      close(false);
    }
  };

  const onButtonKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
    }
  };

  return (
    <div className="actions-menu" ref={wrapper}>
      <button
        type="button"
        ref={button}
        className="secondary"
        aria-label={name}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        data-actions-menu=""
        onClick={() => setOpen((was) => !was)}
        onKeyDown={onButtonKeyDown}
      >
        Actions <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <ul role="menu" id={menuId} aria-label={name} ref={menu} style={place} onKeyDown={onMenuKeyDown}>
          {actions.map((action) => (
            <li role="none" key={action.id}>
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                data-menu-action={action.id}
                className={action.variant === 'danger' ? 'danger-text' : undefined}
                aria-label={action.name}
                aria-disabled={action.disabled || undefined}
                aria-describedby={action.describedBy}
                onClick={() => {
                  if (action.disabled || !button.current) return;
                  close(true);
                  action.onSelect(button.current);
                }}
              >
                {action.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * Where focus goes back to a row's action after a confirmation closes or the row was redrawn:
 * the action's button, or on a phone the row's Actions button.
 */
export function focusTargetInRow(row: Element | null | undefined, actionId: string): HTMLElement | null {
  return row?.querySelector<HTMLElement>(`[data-action="${CSS.escape(actionId)}"]`) ?? row?.querySelector<HTMLElement>('[data-actions-menu]') ?? null;
}
