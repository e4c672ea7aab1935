/**
 * Prints one closing line for CI — "Tests: N passed, N failed, N skipped" —
 * from the JSON reports vitest and Playwright write when CI is set.
 */
import { existsSync, readFileSync } from 'node:fs';

export const VITEST_REPORT = 'test-results/vitest.json';
export const PLAYWRIGHT_REPORT = 'test-results/playwright.json';

const totals = { passed: 0, failed: 0, skipped: 0 };
let reports = 0;

if (existsSync(VITEST_REPORT)) {
  const vitest = JSON.parse(readFileSync(VITEST_REPORT, 'utf8'));
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
  reports++;
}
if (existsSync(PLAYWRIGHT_REPORT)) {
  const { stats } = JSON.parse(readFileSync(PLAYWRIGHT_REPORT, 'utf8'));
  totals.passed += stats.expected + stats.flaky;
  totals.failed += stats.unexpected;
  totals.skipped += stats.skipped;
  reports++;
}
if (reports === 0) {
  console.log('Tests: no test report found');
  process.exit(1);
}
console.log(`Tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
