import { describe, expect, it } from 'vitest';
import { displayedOwnerName } from './owner-names';

describe('displayedOwnerName: a verified email as others see it', () => {
  it('keeps an ordinary address, its domain in lower case', () => {
    expect(displayedOwnerName('ada@example.com')).toBe('ada@example.com');
    expect(displayedOwnerName('Ada.Lovelace+vault@Example.COM')).toBe('Ada.Lovelace+vault@example.com');
  });

  it('shows a look-alike internationalized domain in its xn-- form, never as the domain it imitates', () => {
    // "exаmple.com" with a Cyrillic а (U+0430).
    const name = displayedOwnerName('ada@ex\u0430mple.com');
    expect(name).toMatch(/^ada@xn--/);
    expect(name).not.toBe('ada@example.com');
  });

  it('gives no name for look-alike or invisible characters in the local part, markup, or no domain', () => {
    expect(displayedOwnerName('\u0430da@example.com')).toBeNull();
    // A right-to-left override makes "moc.elpmaxe@ada…" read backwards.
    expect(displayedOwnerName('ada\u202e@example.com')).toBeNull();
    expect(displayedOwnerName('ada\u200b@example.com')).toBeNull();
    expect(displayedOwnerName('a@<script>.com')).toBeNull();
    expect(displayedOwnerName('ada@')).toBeNull();
    expect(displayedOwnerName('@example.com')).toBeNull();
    expect(displayedOwnerName('ada')).toBeNull();
  });
});
