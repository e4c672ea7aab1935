import type { ServerResponse } from 'node:http';
import type { OutboxMessage } from './outbox';

/**
 * What happens in the local cloud, one event at a time, for its console: a
 * trigger's run, a code sent, a request refused. `npm run localcloud` (and
 * so `npm start`) prints one line per event (`formatActivity`); the
 * functions' full logs are printed only with --verbose.
 */
export type Activity =
  | {
      kind: 'trigger';
      /** The LambdaConfig key, e.g. PreSignUp. */
      trigger: string;
      /** The function's friendly name, e.g. pre-sign-up. */
      functionName: string;
      /** ok; refused: the function threw (Cognito answers UserLambdaValidationException); failed: anything else. */
      result: 'ok' | 'refused' | 'failed';
      reason?: string;
      durationMs: number;
    }
  | { kind: 'code'; message: OutboxMessage }
  | {
      kind: 'api';
      /** The REST API's name. */
      api: string;
      /** The HTTP method and the resource's path, e.g. `GET /items/{id}`. */
      route: string;
      functionName: string;
      /** What the caller got: the function's status, or API Gateway's 502/504/500 when it failed. */
      status: number;
      reason?: string;
      durationMs: number;
    }
  | { kind: 'refused'; operation: string; status: number; errorType: string; message: string }
  /** A CloudFormation stack operation that finished: its final status and what it created, replaced or deleted. */
  | { kind: 'deploy'; stackName: string; status: string; summary: string };

export interface ActivityLog {
  emit(activity: Activity): void;
  /** Calls `listener` for each event from now on; returns the unsubscription. */
  on(listener: (activity: Activity) => void): () => void;
}

export function createActivityLog(): ActivityLog {
  const listeners = new Set<(activity: Activity) => void>();
  return {
    emit(activity) {
      for (const listener of listeners) listener(activity);
    },
    on(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/** One console line, e.g. `trigger  PreSignUp (pre-sign-up): refused in 4 ms: You must be at least 13 years old…`. */
export function formatActivity(activity: Activity): string {
  switch (activity.kind) {
    case 'trigger': {
      const duration = `${Math.round(activity.durationMs)} ms`;
      const head = `trigger  ${activity.trigger} (${activity.functionName}): ${activity.result} in ${duration}`;
      return activity.reason ? `${head}: ${oneLine(activity.reason)}` : head;
    }
    case 'code': {
      const m = activity.message;
      return `code     ${m.code} sent by ${m.channel === 'sms' ? 'SMS' : 'email'} to ${m.to}${m.subject ? ` ("${oneLine(m.subject)}")` : ''}`;
    }
    case 'api': {
      const head = `api      ${activity.route} (${activity.api} → ${activity.functionName}): ${activity.status} in ${Math.round(activity.durationMs)} ms`;
      return activity.reason ? `${head}: ${oneLine(activity.reason)}` : head;
    }
    case 'deploy':
      return `deploy   ${activity.stackName}: ${activity.status}${activity.summary ? ` (${oneLine(activity.summary)})` : ''}`;
    case 'refused':
      return `refused  ${activity.operation}: ${activity.status} ${activity.errorType}: ${oneLine(activity.message)}`;
  }
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}

/** Why a response refused its request, as the service worded it (noted by the error senders). */
const refusals = new WeakMap<ServerResponse, { errorType: string; message: string }>();

export function noteRefusal(res: ServerResponse, errorType: string, message: string): void {
  refusals.set(res, { errorType, message });
}

export function refusalOf(res: ServerResponse): { errorType: string; message: string } | undefined {
  return refusals.get(res);
}
