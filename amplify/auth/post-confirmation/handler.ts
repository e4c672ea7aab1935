import type { PostConfirmationTriggerHandler } from 'aws-lambda';
import {
  AdminAddUserToGroupCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { env } from '$amplify/env/post-confirmation';
import { BIRTHDATE_METADATA_KEY, birthdateProblem } from '../pre-sign-up/birthdate';
import { parseAdminEmails, shouldBootstrapAdmin } from './admin-emails';

export const ADMIN_GROUP = 'ADMINS';

const client = new CognitoIdentityProviderClient();

/**
 * When a sign-up is confirmed:
 * - the birthdate the person gave (ClientMetadata: they cannot write the
 *   attribute themselves) is stored, if it passes the sign-up rule; one that
 *   does not (only a hand-made call can send one: the pre sign-up trigger
 *   refused it at SignUp) is left out, and the account is confirmed without it;
 * - a deployment's first administrators are bootstrapped: a user whose verified
 *   email is listed in ADMIN_EMAILS joins ADMINS.
 */
export const handler: PostConfirmationTriggerHandler = async (event) => {
  if (event.triggerSource !== 'PostConfirmation_ConfirmSignUp') return event;
  const birthdate = event.request.clientMetadata?.[BIRTHDATE_METADATA_KEY];
  if (birthdate !== undefined) {
    const problem = birthdateProblem(birthdate, new Date());
    if (problem) {
      console.log(`birthdate of ${event.userName} not stored: ${problem}`);
    } else {
      await client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: event.userPoolId,
          Username: event.userName,
          UserAttributes: [{ Name: 'birthdate', Value: birthdate }],
        }),
      );
    }
  }
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
