import type { IncomingMessage, ServerResponse } from 'node:http';
import { noteRefusal } from '../services/activity';
import type { RestApi } from './rest-apis';

/**
 * API Gateway's own answers (not the integration's): the gateway response
 * types with their default status, body `{"message": <text>}` and
 * `x-amzn-ErrorType`, customised by the API's `AWS::ApiGateway::GatewayResponse`s
 * (the type's own, else DEFAULT_4XX / DEFAULT_5XX): status, headers
 * (`'static'` or `method.request.header.X`), and the body template's
 * `$context.error.*` / `$context.requestId` variables.
 */
export type GatewayResponseType =
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'UNAUTHORIZED'
  | 'ACCESS_DENIED'
  | 'THROTTLED'
  | 'REQUEST_TOO_LARGE'
  | 'INTEGRATION_TIMEOUT'
  | 'INTEGRATION_FAILURE'
  | 'API_CONFIGURATION_ERROR'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX';

const DEFAULTS: Record<GatewayResponseType, { status: number; message: string; errorType: string }> = {
  MISSING_AUTHENTICATION_TOKEN: { status: 403, message: 'Missing Authentication Token', errorType: 'MissingAuthenticationTokenException' },
  UNAUTHORIZED: { status: 401, message: 'Unauthorized', errorType: 'UnauthorizedException' },
  ACCESS_DENIED: { status: 403, message: 'Forbidden', errorType: 'AccessDeniedException' },
  THROTTLED: { status: 429, message: 'Too Many Requests', errorType: 'TooManyRequestsException' },
  REQUEST_TOO_LARGE: { status: 413, message: 'Request Too Long', errorType: 'RequestTooLargeException' },
  INTEGRATION_TIMEOUT: { status: 504, message: 'Endpoint request timed out', errorType: 'InternalServerErrorException' },
  INTEGRATION_FAILURE: { status: 504, message: 'Internal server error', errorType: 'InternalServerErrorException' },
  API_CONFIGURATION_ERROR: { status: 500, message: 'Internal server error', errorType: 'InternalServerErrorException' },
  DEFAULT_4XX: { status: 400, message: 'Bad Request', errorType: 'BadRequestException' },
  // A malformed Lambda proxy response, a function that failed: 502, DEFAULT_5XX's.
  DEFAULT_5XX: { status: 502, message: 'Internal server error', errorType: 'InternalServerErrorException' },
};

export interface GatewayAnswer {
  type: GatewayResponseType;
  /** Why, for the console (the client gets API Gateway's fixed message). */
  reason: string;
}

export function sendGatewayResponse(
  req: IncomingMessage,
  res: ServerResponse,
  api: RestApi | undefined,
  answer: GatewayAnswer,
  requestId: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const defaults = DEFAULTS[answer.type];
  const family = defaults.status < 500 ? 'DEFAULT_4XX' : 'DEFAULT_5XX';
  const custom = api?.gatewayResponses.get(answer.type) ?? api?.gatewayResponses.get(family);
  const status = custom?.statusCode ?? api?.gatewayResponses.get(family)?.statusCode ?? defaults.status;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': defaults.errorType,
  };
  for (const [key, expression] of Object.entries(custom?.responseParameters ?? {})) {
    const name = /^gatewayresponse\.header\.(.+)$/.exec(key)?.[1];
    const value = name ? mappedValue(req, expression) : undefined;
    if (name && value !== undefined) headers[name] = value;
  }
  const template = custom?.responseTemplates['application/json'] ?? '{"message":$context.error.messageString}';
  const body = template
    .replace(/\$context\.error\.messageString/g, JSON.stringify(defaults.message))
    .replace(/\$context\.error\.message/g, defaults.message)
    .replace(/\$context\.error\.responseType/g, answer.type)
    .replace(/\$context\.requestId/g, requestId);
  noteRefusal(res, defaults.errorType, answer.reason);
  headers['Content-Length'] = String(Buffer.byteLength(body));
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** A mapping expression's value: `'static'`, or `method.request.header.X` (the request's header). */
export function mappedValue(req: IncomingMessage, expression: string): string | undefined {
  const literal = /^'(.*)'$/s.exec(expression);
  if (literal) return literal[1];
  const header = /^method\.request\.header\.(.+)$/.exec(expression)?.[1];
  if (header) {
    const value = req.headers[header.toLowerCase()];
    return Array.isArray(value) ? value.join(',') : value;
  }
  return undefined;
}
