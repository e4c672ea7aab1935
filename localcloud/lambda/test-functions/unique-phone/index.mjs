// A pre sign-up function that makes an AWS SDK call with its execution role
// (the SDK is the runtime's, as in Lambda): it refuses a phone number another
// account of the pool already uses. An AWS error is rethrown with its name, so
// a test sees exactly what reached the function.
import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';

const cognito = new CognitoIdentityProviderClient({ maxAttempts: 1 });

export const handler = async (event) => {
  const phone = event.request.userAttributes.phone_number;
  if (!phone) return event;
  let users;
  try {
    const out = await cognito.send(
      new ListUsersCommand({ UserPoolId: event.userPoolId, Filter: `phone_number = "${phone}"`, Limit: 1 }),
    );
    users = out.Users ?? [];
  } catch (error) {
    console.error('ListUsers failed:', error.name);
    throw new Error(`${error.name}: ${error.message}`, { cause: error });
  }
  if (users.length) throw new Error('This phone number is already used by another account.');
  return event;
};
