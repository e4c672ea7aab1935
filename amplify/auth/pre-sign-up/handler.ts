import type { PreSignUpTriggerHandler } from 'aws-lambda';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { BIRTHDATE_METADATA_KEY, birthdateProblem } from './birthdate';
import { linkToNativeUser, type Send } from './link-provider';

export const PHONE_REQUIRED_MESSAGE = 'Please enter your phone number: it protects your account with SMS codes.';

const client = new CognitoIdentityProviderClient({ region: process.env.AWS_REGION });
const send: Send = (command) => client.send(command as never);

/**
 * Cognito shows a thrown message to the person as "PreSignUp failed with error
 * <message>".
 *
 * - Sign-up with a password (PreSignUp_SignUp) needs a phone number: the schema
 *   cannot require it, since no social provider sends one.
 * - A birthdate, when given, must be a real YYYY-MM-DD date of someone 13 or older:
 *   the one a sign-up carries in ClientMetadata (people cannot write the attribute;
 *   the post-confirmation trigger stores it), or an attribute an administrator set.
 * - A first social sign-in (PreSignUp_ExternalProvider) is linked to the native
 *   user with the same verified email, if there is one (./link-provider.ts);
 *   nothing else is checked, so no rule for password sign-ups refuses it.
 */
export const handler: PreSignUpTriggerHandler = async (event) => {
  if (event.triggerSource === 'PreSignUp_ExternalProvider') {
    const outcome = await linkToNativeUser(send, event);
    console.log(
      outcome.linked
        ? `linked ${outcome.provider.providerName} identity ${outcome.provider.providerUserId} to ${outcome.username}`
        : `not linked: ${outcome.reason}`,
    );
    return event;
  }
  const { birthdate, phone_number: phoneNumber } = event.request.userAttributes;
  if (event.triggerSource === 'PreSignUp_SignUp' && !phoneNumber?.trim()) throw new Error(PHONE_REQUIRED_MESSAGE);
  for (const given of [event.request.clientMetadata?.[BIRTHDATE_METADATA_KEY], birthdate]) {
    if (given === undefined) continue;
    const problem = birthdateProblem(given, new Date());
    if (problem) throw new Error(problem);
  }
  return event;
};
