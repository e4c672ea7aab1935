import type { PostConfirmationTriggerHandler } from 'aws-lambda';
import {
  AdminAddUserToGroupCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { env } from '$amplify/env/post-confirmation';
import { parseAdminEmails, shouldBootstrapAdmin } from './admin-emails';

export const ADMIN_GROUP = 'ADMINS';

const client = new CognitoIdentityProviderClient();

/**
 * Bootstraps a deployment's first administrators: a user whose verified email
 * is listed in ADMIN_EMAILS joins ADMINS when they confirm their sign-up.
 */
export const handler: PostConfirmationTriggerHandler = async (event) => {
  if (event.triggerSource !== 'PostConfirmation_ConfirmSignUp') return event;
  if (!shouldBootstrapAdmin(event.request.userAttributes, parseAdminEmails(env.ADMIN_EMAILS))) {
    return event;
  }
  await client.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: event.userPoolId,
      Username: event.userName,
      GroupName: ADMIN_GROUP,
    }),
  );
  console.log(`added ${event.userName} to ${ADMIN_GROUP}`);
  return event;
};
