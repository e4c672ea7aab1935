import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { DATABASE_FILE, openStore, wipeState } from './store';

test('migrations apply once, in order, and survive reopening', () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  const steps = ['CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)', "INSERT INTO things (name) VALUES ('first')"];
  let store = openStore(dir);
  store.migrate('things', steps);
  store.migrate('things', steps);
  store.close();
  store = openStore(dir);
  store.migrate('things', [...steps, 'ALTER TABLE things ADD COLUMN size INTEGER']);
  expect(store.db.prepare('SELECT name, size FROM things').all()).toEqual([{ name: 'first', size: null }]);
  expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
  store.close();
});

test('a failing migration leaves nothing half-done', () => {
  const store = openStore(mkdtempSync(join(tmpdir(), 'store-')));
  expect(() => store.migrate('broken', ['CREATE TABLE a (x)', 'NOT SQL'])).toThrow();
  store.migrate('broken', ['CREATE TABLE a (x)']);
  expect(store.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'a'").pluck().get()).toBe(1);
  store.close();
});

test('clear() empties tables but keeps the keys; wipeState() refuses to delete the working tree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  const store = openStore(dir);
  store.migrate('t', ['CREATE TABLE t (x)', 'INSERT INTO t VALUES (1)', 'CREATE TABLE keys (name TEXT, value TEXT)', "INSERT INTO keys VALUES ('k', 'v')"]);
  store.clear();
  expect(store.db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
  expect(store.db.prepare('SELECT count(*) FROM keys').pluck().get()).toBe(1);
  store.close();
  writeFileSync(join(dir, 'blob'), 'x');
  mkdirSync(join(dir, 'tls'));
  writeFileSync(join(dir, 'tls', 'ca-cert.pem'), 'x');
  wipeState(dir);
  expect(existsSync(join(dir, 'blob'))).toBe(false);
  expect(existsSync(join(dir, DATABASE_FILE))).toBe(false);
  // The hosted UI's local CA survives a reset: the browser that trusts it need not be told again.
  expect(existsSync(join(dir, 'tls', 'ca-cert.pem'))).toBe(true);
  expect(() => wipeState(process.cwd())).toThrow(/Refusing to wipe/);
  expect(() => wipeState('/')).toThrow(/Refusing to wipe/);
});
