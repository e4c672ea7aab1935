import { triggerEvent, type TriggerEvent } from '../lambda/trigger-events';
import type { UserPoolConfig } from '../provisioning/user-pools';
import type { Triggers } from '../services/triggers';
import { CognitoError, UserLambdaValidation } from './errors';
import type { User } from './users';
import type { AttributeType } from './validate';

/**
 * Calls one of the pool's Lambda triggers with Cognito's event envelope, if
 * its LambdaConfig names one; a failing function becomes Cognito's
 * UserLambdaValidationException ("PreSignUp failed with error ...").
 */
export async function invokeTrigger(
  triggers: Triggers,
  pool: UserPoolConfig,
  triggerName: string,
  triggerSource: string,
  user: Pick<User, 'username'>,
  parts: { clientId?: string; request: Record<string, unknown>; response: Record<string, unknown> },
): Promise<TriggerEvent> {
  // Cognito's envelope; the caller gives the response it starts from.
  const event: TriggerEvent = {
    ...triggerEvent({ region: pool.region, userPoolId: pool.id, userName: user.username, triggerSource, clientId: parts.clientId, request: parts.request }),
    response: parts.response,
  };
  const arn = pool.lambdaConfig[triggerName];
  if (!arn) return event;
  try {
    return await triggers.invoke(pool.id, triggerName, arn, event);
  } catch (error) {
    // The Lambda service's errors already carry Cognito's exception and exact message
    // (UserLambdaValidationException, UnexpectedLambdaException, InvalidLambdaResponseException).
    const { code, cognitoMessage } = (error ?? {}) as { code?: unknown; cognitoMessage?: unknown };
    if (typeof code === 'string' && typeof cognitoMessage === 'string') throw new CognitoError(code, cognitoMessage);
    throw UserLambdaValidation(`${triggerName} failed with error ${error instanceof Error ? error.message : String(error)}.`);
  }
}

/**
 * The PreSignUp trigger of SignUp and AdminCreateUser: the new user's
 * attributes, validation data and client metadata; the response starts with
 * nothing auto-confirmed or auto-verified.
 */
export function invokePreSignUp(
  triggers: Triggers,
  pool: UserPoolConfig,
  triggerSource: 'PreSignUp_SignUp' | 'PreSignUp_AdminCreateUser',
  internalUsername: string,
  input: { clientId?: string; attributes: Record<string, string>; validationData: AttributeType[]; clientMetadata: Record<string, string> },
): Promise<TriggerEvent> {
  return invokeTrigger(triggers, pool, 'PreSignUp', triggerSource, { username: internalUsername }, {
    clientId: input.clientId,
    request: {
      userAttributes: input.attributes,
      validationData: Object.fromEntries(input.validationData.map((a) => [a.Name, a.Value])),
      clientMetadata: input.clientMetadata,
    },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  });
}
