import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsJsonError, BodyTooLargeError, jsonObject, readBody, sendAwsJson, sendAwsJsonError } from '../http/http';
import { notEmulatedMessage, operationNames, resolveOperation } from '../http/dispatch';
import type { AwsJsonAuth } from '../ssm/aws-json-auth';

/**
 * CloudWatch Logs, as far as `ampx sandbox --stream-function-logs` reads it:
 * FilterLogEvents over the functions' output, one log group per function
 * (`/aws/lambda/<name>`), one stream per day. The lines are what the function
 * runtime prints (START / END / REPORT and the handler's console lines), kept
 * in memory, the last 10,000 per group: a restart of the local cloud
 * starts the logs afresh.
 */
const TARGET_PREFIX = 'Logs_20140328.';
const MAX_EVENTS = 10_000;
const OPERATIONS = operationNames(`
  AssociateKmsKey CancelExportTask CreateDelivery CreateExportTask CreateLogAnomalyDetector CreateLogGroup CreateLogStream
  DeleteAccountPolicy DeleteDataProtectionPolicy DeleteDelivery DeleteDestination DeleteLogGroup DeleteLogStream
  DeleteMetricFilter DeleteQueryDefinition DeleteResourcePolicy DeleteRetentionPolicy DeleteSubscriptionFilter
  DescribeAccountPolicies DescribeDestinations DescribeExportTasks DescribeLogGroups DescribeLogStreams
  DescribeMetricFilters DescribeQueries DescribeQueryDefinitions DescribeResourcePolicies DescribeSubscriptionFilters
  DisassociateKmsKey FilterLogEvents GetLogEvents GetLogGroupFields GetLogRecord GetQueryResults ListTagsForResource
  PutDestination PutLogEvents PutMetricFilter PutQueryDefinition PutResourcePolicy PutRetentionPolicy
  PutSubscriptionFilter StartLiveTail StartQuery StopQuery TagResource TestMetricFilter UntagResource
`);

class LogsError extends AwsJsonError {}

export interface LogEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

/** The log groups: lines appended by the function runtime, read by FilterLogEvents. */
export class LogStore {
  private readonly groups = new Map<string, LogEvent[]>();
  private sequence = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** A group exists once declared (a function of the backend) or written to. */
  declare(group: string): void {
    if (!this.groups.has(group)) this.groups.set(group, []);
  }

  has(group: string): boolean {
    return this.groups.has(group);
  }

  append(group: string, message: string): void {
    const at = this.now().getTime();
    const day = new Date(at).toISOString().slice(0, 10).replace(/-/g, '/');
    let events = this.groups.get(group);
    if (!events) this.groups.set(group, (events = []));
    events.push({ logStreamName: `${day}/[$LATEST]localcloud`, timestamp: at, message, ingestionTime: at, eventId: `${String(at).padStart(20, '0')}${String(++this.sequence).padStart(16, '0')}` });
    if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
  }

  events(group: string): LogEvent[] {
    return this.groups.get(group) ?? [];
  }
}

/** CloudWatch Logs' filter pattern, its simplest form: terms that must all appear (quoted phrases kept whole). */
function matcher(pattern: string | undefined): (message: string) => boolean {
  const text = (pattern ?? '').trim();
  if (text === '') return () => true;
  if (/^[{[]/.test(text) || /^%/.test(text)) throw new LogsError('UnsupportedOperationException', notEmulatedMessage('JSON, space-delimited or regular-expression filter patterns (plain terms only)'), 501);
  const terms = [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
  return (message) => terms.every((term) => (term.startsWith('-') ? !message.includes(term.slice(1)) : message.includes(term.replace(/^\+/, ''))));
}

export function createLogsService(options: { store: LogStore; auth: AwsJsonAuth; region: string; accountId: string }) {
  const groupArn = (group: string) => `arn:aws:logs:${options.region}:${options.accountId}:log-group:${group}:*`;
  const handlers: Record<string, (caller: Parameters<AwsJsonAuth['authorize']>[0], input: Record<string, unknown>, sourceIp?: string) => unknown> = {
    FilterLogEvents(caller, input, sourceIp) {
      const identifier = input.logGroupIdentifier ?? input.logGroupName;
      if (typeof identifier !== 'string' || identifier === '') {
        throw new LogsError('InvalidParameterException', 'Should provide either a logGroupName or a logGroupIdentifier.');
      }
      const group = identifier.startsWith('arn:') ? identifier.replace(/^arn:[^:]*:logs:[^:]*:[^:]*:log-group:/, '').replace(/:\*$/, '') : identifier;
      options.auth.authorize(caller, 'logs:FilterLogEvents', groupArn(group), sourceIp);
      if (!options.store.has(group)) throw new LogsError('ResourceNotFoundException', 'The specified log group does not exist.');
      const limit = input.limit === undefined ? 10_000 : Number(input.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
        throw new LogsError('InvalidParameterException', `1 validation error detected: Value '${String(input.limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000`);
      }
      const start = typeof input.startTime === 'number' ? input.startTime : -Infinity;
      const end = typeof input.endTime === 'number' ? input.endTime : Infinity;
      const streams = Array.isArray(input.logStreamNames) ? new Set(input.logStreamNames.map(String)) : undefined;
      const matches = matcher(typeof input.filterPattern === 'string' ? input.filterPattern : undefined);
      const after = typeof input.nextToken === 'string' ? Buffer.from(input.nextToken, 'base64url').toString('utf8') : '';
      const selected = options.store
        .events(group)
        .filter((e) => e.timestamp >= start && e.timestamp <= end && e.eventId > after && (!streams || streams.has(e.logStreamName)) && matches(e.message));
      const page = selected.slice(0, limit);
      return {
        events: page,
        searchedLogStreams: [],
        ...(selected.length > limit ? { nextToken: Buffer.from(page.at(-1)!.eventId).toString('base64url') } : {}),
      };
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== 'POST') throw new LogsError('SerializationException', 'Only POST is supported.');
      const body = await readBody(req, 1024 * 1024).catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) throw new LogsError('InvalidParameterException', 'Request body too large.', 413);
        throw error;
      });
      const caller = options.auth.authenticate(req, body, 'logs');
      const operation = String(req.headers['x-amz-target']).slice(TARGET_PREFIX.length);
      const handler = resolveOperation(handlers, operation, { targetPrefix: TARGET_PREFIX, serviceOperations: OPERATIONS });
      const input = jsonObject(body);
      if (!input) throw new LogsError('SerializationException', 'The request body is not a JSON object.');
      sendAwsJson(res, 200, await handler(caller, input, req.socket.remoteAddress));
    } catch (error) {
      if (error instanceof AwsJsonError) return sendAwsJsonError(res, error.status, error.code, error.message);
      console.error('[logs] internal error', error);
      sendAwsJsonError(res, 500, 'ServiceUnavailableException', 'The local cloud failed to process the request; see its console.');
    }
  }

  return {
    name: 'logs',
    matches: (req: IncomingMessage) => typeof req.headers['x-amz-target'] === 'string' && req.headers['x-amz-target'].startsWith(TARGET_PREFIX),
    handle,
  };
}
