import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/** Every run in a new order (vitest prints the seed): a test that leans on another's leftovers fails. */
const SHUFFLED = { shuffle: true } as const;

export default defineConfig({
  plugins: [react()],
  server: { host: 'localhost', port: 5173, strictPort: true },
  preview: { host: 'localhost', port: 4173, strictPort: true },
  build: {
    // The entry chunk is mostly <Authenticator> + aws-amplify (~760 kB; a bare Authenticator app is ~800 kB): warn only past that floor — bench/web-signin.ts guards the sign-in budget.
    chunkSizeWarningLimit: 850,
  },
  test: {
    // In CI a JSON report feeds the one-line summary (scripts/test-summary.ts).
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'test-results/vitest.json' },
    // Synthesizes amplify/ when .amplify/synth/cdk.out is missing or stale (a no-op otherwise): no test skips for want of it.
    globalSetup: ['scripts/vitest-global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'web',
          environment: 'jsdom',
          include: ['src/**/*.test.{ts,tsx}'],
          setupFiles: ['src/testing/setup.ts'],
          sequence: SHUFFLED,
          // Typing into a form with user-event is slow on a loaded 2-core machine.
          testTimeout: 15_000,
        },
      },
      {
        test: {
          name: 'backend',
          environment: 'node',
          include: ['amplify/**/*.test.ts', 'scripts/**/*.test.ts'],
          sequence: SHUFFLED,
          alias: { '$amplify': fileURLToPath(new URL('.amplify/generated', import.meta.url)) },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'localcloud',
          environment: 'node',
          include: ['localcloud/**/*.test.ts'],
          sequence: SHUFFLED,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
