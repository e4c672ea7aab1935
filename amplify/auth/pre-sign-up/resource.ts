import { defineFunction } from '@aws-amplify/backend';

export const preSignUp = defineFunction({
  name: 'pre-sign-up',
  entry: './handler.ts',
  timeoutSeconds: 5,
  resourceGroupName: 'auth',
});
