import type { ProvisionedAssembly } from '../provisioning/types';
import { createTriggers, poolTriggersFromAssembly, type TriggerRun, type Triggers } from './cognito-triggers';
import type { CodeUpdates } from './code-updates';
import type { IssueRoleCredentials } from './credentials';
import { functionsFromAssembly } from './functions';
import { FunctionRuntime, type LogSink } from './runtime';

export interface FunctionsServiceOptions {
  assembly: ProvisionedAssembly;
  /** The local cloud's URL, once it listens: the functions' AWS_ENDPOINT_URL. */
  endpointUrl: () => string;
  /** IAM's credential issuance for execution roles. */
  issueCredentials: IssueRoleCredentials;
  log?: LogSink;
  /** Cognito's wait for a trigger's answer (5 s). */
  triggerTimeoutMs?: number;
  /** Told of each trigger run (the console's one line per run). */
  onTriggerRun?: (run: TriggerRun) => void;
  /** Code set by UpdateFunctionCode (kept in the state folder): the functions run it while their deployed code is unchanged. */
  codeUpdates?: CodeUpdates;
}

export interface FunctionsService {
  runtime: FunctionRuntime;
  /** What the user-pool service calls for its LambdaConfig triggers. */
  triggers: Triggers;
  /** Functions of the assembly the local cloud cannot run, with why. */
  skipped: { logicalId: string; reason: string }[];
  /** After the state was wiped: warm environments hold credentials that no longer exist, so they restart. */
  reset(): void;
  close(): Promise<void>;
}

/** The backend's Lambda functions, provisioned from the assembly, and the user pools' triggers on them. */
export function createFunctionsService(options: FunctionsServiceOptions): FunctionsService {
  const { functions: deployed, skipped } = functionsFromAssembly(options.assembly);
  const functions = options.codeUpdates?.apply(deployed) ?? deployed;
  const runtime = new FunctionRuntime({
    functions,
    region: options.assembly.region,
    endpointUrl: options.endpointUrl,
    issueCredentials: options.issueCredentials,
    log: options.log,
  });
  const triggers = createTriggers({
    pools: poolTriggersFromAssembly(options.assembly),
    runtime,
    responseTimeoutMs: options.triggerTimeoutMs,
    onRun: options.onTriggerRun,
  });
  return { runtime, triggers, skipped, reset: () => runtime.restart(), close: () => runtime.close() };
}
