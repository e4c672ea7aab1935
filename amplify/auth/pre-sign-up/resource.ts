import { defineFunction } from '@aws-amplify/backend';

/**
 * In the auth stack (`resourceGroupName: 'auth'`): the user pool calls it and
 * it calls the user pool (ListUsers, AdminLinkProviderForUser; granted in
 * ../resource.ts), which would otherwise be a circular stack dependency.
 */
export const preSignUp = defineFunction({
  name: 'pre-sign-up',
  entry: './handler.ts',
  timeoutSeconds: 5,
  resourceGroupName: 'auth',
});
