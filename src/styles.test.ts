import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every typed-in field the app renders gets the app's field style (height, border, padding), so fields
 * side by side line up: an unstyled search box beside a styled select once sat lower and shorter.
 */
const TYPED_IN = new Set(['text', 'email', 'tel', 'date', 'password', 'search', 'number', 'url']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.tsx') && !e.name.endsWith('.test.tsx') ? [join(dir, e.name)] : [],
  );
}

describe('styles.css', () => {
  it('styles every typed-in input type the app uses', () => {
    const css = readFileSync(join(__dirname, 'styles.css'), 'utf8');
    const rule = /input:is\(([^)]*)\):not\(\.amplify-input\)/.exec(css);
    expect(rule, 'the field rule').not.toBeNull();
    const styled = new Set([...rule![1].matchAll(/\[type='([a-z]+)'\]/g)].map((m) => m[1]));
    const used = new Set(
      sources(__dirname).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/<input\b[^>]*?\stype="([a-z]+)"/g)].map((m) => m[1])),
    );
    expect(used.size).toBeGreaterThan(2);
    expect([...used].filter((type) => TYPED_IN.has(type) && !styled.has(type))).toEqual([]);
  });
});
