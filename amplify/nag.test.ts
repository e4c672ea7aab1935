import { Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { expect, it } from 'vitest';
import { ADMIN_API_ACKNOWLEDGEMENTS, AUTH_ACKNOWLEDGEMENTS, STORAGE_ACKNOWLEDGEMENTS } from './nag-acknowledgements';
import { loadBackend } from './testing/synthesized-backend';

it('cdk-nag AwsSolutions finds nothing that is not acknowledged with a reason', async () => {
  const { backend } = await loadBackend();
  const report = new AwsSolutionsChecks().validateScope(Stack.of(backend.auth.stack).node.root);
  const unacknowledged = report.violations.map(
    (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId).join(', ')}`,
  );
  expect(unacknowledged).toEqual([]);
  expect(report.success).toBe(true);
  for (const { reason } of [...AUTH_ACKNOWLEDGEMENTS, ...STORAGE_ACKNOWLEDGEMENTS, ...ADMIN_API_ACKNOWLEDGEMENTS]) {
    expect(reason.length).toBeGreaterThan(30);
  }
});
