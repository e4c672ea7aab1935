import type { ProvisionedAssembly } from '../provisioning/types';
import { invokePermissionsFromAssembly } from './permissions';
import type { FunctionRuntime } from './runtime';
import { LambdaServiceError } from './runtime';
import { TRIGGER_NAMES, type TriggerName } from './trigger-events';

/**
 * A failed trigger, carrying Cognito's exception name and exact message:
 * - `code`: UserLambdaValidationException | UnexpectedLambdaException | InvalidLambdaResponseException
 * - `cognitoMessage`: what Cognito answers, e.g.
 *   "PreSignUp failed with error You must be at least 13 years old to create an account.."
 * - `message`: the reason alone (the function's error message for
 *   UserLambdaValidationException), so a caller that words the error itself
 *   as "<Trigger> failed with error <message>." gets Cognito's text too.
 */
export class TriggerError extends Error {
  constructor(
    readonly code: 'UserLambdaValidationException' | 'UnexpectedLambdaException' | 'InvalidLambdaResponseException',
    readonly cognitoMessage: string,
    reason: string,
  ) {
    super(reason);
    this.name = code;
  }
  /** Cognito answers these with HTTP 400. */
  readonly statusCode = 400;
}

/** What the user-pool service calls (`services.triggers`). */
export interface Triggers {
  /** True when the pool has a function for this trigger. */
  has(poolId: string, triggerName: string): boolean;
  /**
   * Invokes the pool's function for the trigger with the event and resolves
   * with the event the function returned (the event itself when the pool has
   * no such trigger). Rejects with a TriggerError shaped as Cognito's.
   * `functionArn`, when given, must be the one the pool's LambdaConfig names.
   */
  invoke<E extends { response?: unknown }>(poolId: string, triggerName: string, event: E): Promise<E>;
  invoke<E extends { response?: unknown }>(
    poolId: string,
    triggerName: string,
    functionArn: string,
    event: E,
  ): Promise<E>;
}

/** A pool without triggers. */
export const noTriggers: Triggers = {
  has: () => false,
  invoke: async (...args: unknown[]) => args[args.length - 1] as never,
};

export interface PoolTriggerConfig {
  poolId: string;
  poolArn: string;
  /** Function ARN by trigger name (PreTokenGenerationConfig folded into PreTokenGeneration). */
  functions: Partial<Record<TriggerName, string>>;
  /** Function ARNs/names that allow cognito-idp to invoke them for this pool (AWS::Lambda::Permission). */
  invokable: (functionArn: string) => boolean;
}

/** Reads each user pool's LambdaConfig and the functions' invoke permissions. */
export function poolTriggersFromAssembly(assembly: ProvisionedAssembly): PoolTriggerConfig[] {
  const permitted = invokePermissionsFromAssembly(assembly);
  return assembly.ofType('AWS::Cognito::UserPool').map((pool) => {
    const config = pool.properties.LambdaConfig ?? {};
    const functions: Partial<Record<TriggerName, string>> = {};
    for (const name of TRIGGER_NAMES) {
      if (typeof config[name] === 'string') functions[name] = config[name];
    }
    if (typeof config.PreTokenGenerationConfig?.LambdaArn === 'string') {
      functions.PreTokenGeneration = config.PreTokenGenerationConfig.LambdaArn;
    }
    const poolArn = pool.arn ?? '';
    return {
      poolId: pool.ref,
      poolArn,
      functions,
      invokable: (functionArn: string) => permitted(functionArn, 'cognito-idp.amazonaws.com', poolArn),
    };
  });
}

export interface TriggerOptions {
  pools: PoolTriggerConfig[];
  runtime: FunctionRuntime;
  /** Cognito waits this long for a function's answer (5 s in AWS). */
  responseTimeoutMs?: number;
  /** Told of each run of a trigger's function: the console's one line per run. */
  onRun?: (run: TriggerRun) => void;
}

/**
 * One run of a trigger's function. `refused`: the function threw (Cognito
 * answers UserLambdaValidationException with its message); `failed`: it timed
 * out, crashed, returned no event, or Lambda refused to run it.
 */
export interface TriggerRun {
  trigger: string;
  functionName: string;
  result: 'ok' | 'refused' | 'failed';
  reason?: string;
  durationMs: number;
}

/**
 * Invokes user-pool triggers on the function runtime and maps every failure
 * to Cognito's error:
 * - the function fails (throws, times out, exits) → UserLambdaValidationException
 *   "<Trigger> failed with error <errorMessage>." (Cognito adds the period);
 * - Cognito stops waiting after 5 s → UnexpectedLambdaException
 *   "<Trigger> invocation failed due to error Socket timeout while invoking Lambda function.";
 * - Lambda refuses the invocation (no permission, missing function, throttling) →
 *   UnexpectedLambdaException "<Trigger> invocation failed due to error <Code>.";
 * - the function returns something that is not an event → InvalidLambdaResponseException.
 */
export function createTriggers(options: TriggerOptions): Triggers {
  const pools = new Map(options.pools.map((p) => [p.poolId, p]));
  const waitMs = options.responseTimeoutMs ?? 5000;
  const functionFor = (poolId: string, triggerName: string) =>
    pools.get(poolId)?.functions[triggerName as TriggerName];

  return {
    has: (poolId, triggerName) => functionFor(poolId, triggerName) !== undefined,
    async invoke<E>(poolId: string, triggerName: string, ...rest: [E] | [string, E]): Promise<E> {
      const event = (rest.length === 2 ? rest[1] : rest[0]) as E;
      const configured = functionFor(poolId, triggerName);
      if (!configured) return event;
      const functionArn: string = configured;
      if (rest.length === 2 && rest[0] !== functionArn) {
        throw new TriggerError(
          'UnexpectedLambdaException',
          `${triggerName} invocation failed due to error ResourceNotFoundException.`,
          'ResourceNotFoundException',
        );
      }
      const started = performance.now();
      let handled = false;
      const report = (result: TriggerRun['result'], reason?: string) =>
        options.onRun?.({
          trigger: triggerName,
          functionName: options.runtime.find(functionArn)?.friendlyName ?? functionArn,
          result,
          reason,
          durationMs: performance.now() - started,
        });
      try {
        const returned = await call();
        report('ok');
        return returned;
      } catch (error) {
        if (error instanceof TriggerError) report(handled ? 'refused' : 'failed', handled ? error.message : error.cognitoMessage);
        throw error;
      }

      async function call(): Promise<E> {
        const pool = pools.get(poolId)!;
        const unexpected = (why: string) =>
          new TriggerError('UnexpectedLambdaException', `${triggerName} invocation failed due to error ${why}.`, why);
        if (!pool.invokable(functionArn)) throw unexpected('AccessDeniedException');

        // Cognito's wait counts from when the handler is invoked, not while the local runtime queues
        // the invocation behind a burst (Lambda would have scaled out) nor while it starts a process.
        let timer: NodeJS.Timeout | undefined;
        let onStart = () => {};
        const socketTimeout = new Promise<never>((_, reject) => {
          onStart = () => {
            timer = setTimeout(() => reject(unexpected('Socket timeout while invoking Lambda function')), waitMs);
          };
        });
        let outcome;
        try {
          outcome = await Promise.race([options.runtime.invoke(functionArn, event, { onStart }), socketTimeout]);
        } catch (error) {
          if (error instanceof TriggerError) throw error;
          if (error instanceof LambdaServiceError) throw unexpected(error.code);
          throw unexpected('ServiceException');
        } finally {
          clearTimeout(timer);
        }
        if (!outcome.ok) {
          handled = outcome.kind === 'handled';
          throw new TriggerError(
            'UserLambdaValidationException',
            `${triggerName} failed with error ${outcome.error.errorMessage}.`,
            outcome.error.errorMessage,
          );
        }
        const returned = outcome.payload;
        if (
          returned === null ||
          typeof returned !== 'object' ||
          Array.isArray(returned) ||
          ('response' in returned && (typeof returned.response !== 'object' || Array.isArray(returned.response)))
        ) {
          throw new TriggerError('InvalidLambdaResponseException', 'Unrecognizable lambda output', 'Unrecognizable lambda output');
        }
        return returned as E;
      }
    },
  };
}
