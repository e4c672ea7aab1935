/**
 * The seam to Lambda triggers (PreSignUp, PostConfirmation, PreTokenGeneration,
 * CustomMessage, ...). The user pool calls every trigger through this one
 * interface; the Lambda service plugs its implementation in. A trigger that
 * fails should throw TriggerError; the user pool maps it to
 * UserLambdaValidationException with Cognito's message.
 */
export interface Triggers {
  /**
   * Runs the pool's trigger `triggerName` (a LambdaConfig key such as
   * "PreSignUp") with a Cognito trigger event, resolving to the event the
   * function returned. Called only when the pool's LambdaConfig names one.
   */
  invoke<E extends { response: Record<string, unknown> }>(
    userPoolId: string,
    triggerName: string,
    functionArn: string,
    event: E,
  ): Promise<E>;
}

export class TriggerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TriggerError';
  }
}

/** Until the Lambda service is plugged in: every trigger returns the event unchanged. */
export const noopTriggers: Triggers = {
  invoke: async (_pool, _trigger, _arn, event) => event,
};
