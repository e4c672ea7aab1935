import { defineFunction } from '@aws-amplify/backend';

/** Words the reset-password code apart from the sign-up code (Cognito has one template for both). */
export const customMessage = defineFunction({
  name: 'custom-message',
  entry: './handler.ts',
  timeoutSeconds: 5,
  resourceGroupName: 'auth',
});
