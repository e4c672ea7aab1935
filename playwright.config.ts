import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/chromium';
import { E2E_ADMIN_EMAIL, E2E_STATE_DIR } from './e2e/stack';

/**
 * End-to-end tests in Debian's Chromium against `npm start` (local cloud + Vite),
 * from a clean local-cloud state of their own (e2e/artifacts/localcloud-state,
 * wiped by --reset). ADMIN_EMAILS makes the e2e administrator at synthesis.
 * E2E_REUSE=1 runs against a stack that is already up instead (it must have
 * been started with the same ADMIN_EMAILS).
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'e2e/artifacts/test-results',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [
    ['list'],
    ['html', { outputFolder: 'e2e/artifacts/report', open: 'never' }],
    // In CI a JSON report feeds the one-line summary (scripts/test-summary.ts).
    ...(process.env.CI ? [['json', { outputFile: 'test-results/playwright.json' }] as const] : []),
  ],
  use: {
    baseURL: 'http://localhost:5173',
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    actionTimeout: 15_000,
  },
  webServer: {
    command: 'npm start --silent -- --reset',
    url: 'http://localhost:5173',
    reuseExistingServer: process.env.E2E_REUSE === '1',
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      ADMIN_EMAILS: E2E_ADMIN_EMAIL,
      LOCALCLOUD_STATE: E2E_STATE_DIR,
    },
  },
});
