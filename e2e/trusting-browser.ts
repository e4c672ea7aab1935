/**
 * Debian's Chromium trusting the local CA exactly as the README tells a person:
 * `npm run trust-cert` into the NSS database of the browser's HOME (a temporary
 * one here, never the real ~/.pki). Certificate errors are not ignored: a CA
 * that is not trusted fails the navigation to https://localhost:20443.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { E2E_STATE_DIR } from './stack';

export interface TrustingBrowser {
  browser: Browser;
  /** The HOME it runs with (its NSS database is `<home>/.pki/nssdb`). */
  home: string;
  close(): Promise<void>;
}

export async function launchTrustingBrowser(): Promise<TrustingBrowser> {
  const home = mkdtempSync(join(tmpdir(), 'e2e-home-'));
  const trust = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/trust-cert.ts'], {
    encoding: 'utf8',
    env: { ...process.env, HOME: home, LOCALCLOUD_STATE: E2E_STATE_DIR, VAULT_NSSDB: join(home, '.pki', 'nssdb') },
  });
  expect(trust.status, trust.stderr).toBe(0);
  // Chromium on Linux reads the user's trust from $HOME/.pki/nssdb.
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, env: { ...process.env, HOME: home } });
  return {
    browser,
    home,
    async close() {
      await browser.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
