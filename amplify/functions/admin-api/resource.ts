import { defineFunction } from '@aws-amplify/backend';

/**
 * The admin REST API's handler (amplify/api/admin-rest-api.ts puts it behind
 * API Gateway with a Cognito user pools authorizer). Its own resource group:
 * it reads the user pool (auth) and writes the audit log (storage), and
 * neither of those stacks refers back to it.
 */
export const adminApi = defineFunction({
  name: 'admin-api',
  entry: './handler.ts',
  timeoutSeconds: 10,
  memoryMB: 256,
  runtime: 24,
});
