import { defineFunction } from '@aws-amplify/backend';

export const postConfirmation = defineFunction({
  name: 'post-confirmation',
  entry: './handler.ts',
  timeoutSeconds: 10,
  resourceGroupName: 'auth',
  environment: {
    // Read at synthesis: `ADMIN_EMAILS=a@example.com npm start` locally; an
    // Amplify Hosting environment variable (or the shell running
    // `npx ampx sandbox`) in AWS. See README "Administrators".
    ADMIN_EMAILS: process.env.ADMIN_EMAILS ?? '',
  },
});
