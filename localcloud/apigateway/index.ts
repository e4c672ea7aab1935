import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { TokenUse, VerifiedToken } from '../cognito-idp/tokens';
import { BodyTooLargeError, readBody, requestPath } from '../http/http';
import { invokePermissionsFromAssembly } from '../lambda/permissions';
import { LambdaServiceError, type FunctionRuntime } from '../lambda/runtime';
import type { ProvisionedAssembly } from '../provisioning/types';
import type { ActivityLog } from '../services/activity';
import { authorizeWithCognito } from './cognito-authorizer';
import { type GatewayAnswer, sendGatewayResponse } from './gateway-responses';
import { mockAnswer } from './mock-integration';
import { proxyEvent, proxyResponse } from './proxy-integration';
import { type RestApi, restApisFromAssembly, unsupportedMethods } from './rest-apis';
import { selectRoute } from './routing';
import { Throttling } from './throttling';
import { EXECUTE_API_PREFIX } from './url';

export { EXECUTE_API_PREFIX, localExecuteApiUrl } from './url';

/**
 * API Gateway REST APIs, served path-style under the local cloud's port:
 * `/_aws/execute-api/<apiId>/<stage>/<path>` (README.md says why). The order
 * of a request's checks is API Gateway's: route (403 Missing Authentication
 * Token), throttling (429), authorizer (401/403), then the integration —
 * AWS_PROXY to a Lambda function allowed by its AWS::Lambda::Permission, or MOCK.
 */
/** API Gateway's integration timeout (29 s): then 504, whatever the function does. */
export const INTEGRATION_TIMEOUT_MS = 29_000;
/** API Gateway's payload limit (10 MB): beyond, 413. */
export const PAYLOAD_LIMIT = 10 * 1024 * 1024;

export interface ApiGatewayOptions {
  assembly: ProvisionedAssembly;
  verifyToken(token: string, use?: TokenUse): Promise<VerifiedToken>;
  runtime: FunctionRuntime;
  now(): Date;
  activity?: ActivityLog;
  integrationTimeoutMs?: number;
}

export interface ApiGatewayService {
  name: string;
  apis: RestApi[];
  /** Methods served as 500 because they use what is not emulated (the console lists them at start). */
  unsupported: string[];
  matches(req: IncomingMessage): boolean;
  /**
   * API Gateway is open to pages of every site: its APIs answer CORS as each
   * configures it, and the authorizer's token, not the page's origin, is the
   * protection. The front door lets these requests through untouched.
   */
  answersAnyOrigin(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** POST /_localcloud/reset: the throttling buckets fill up again. */
  reset(): void;
}

export function createApiGatewayService(options: ApiGatewayOptions): ApiGatewayService {
  const apis = restApisFromAssembly(options.assembly);
  const byId = new Map(apis.map((api) => [api.id, api]));
  const permitted = invokePermissionsFromAssembly(options.assembly);
  let throttling = new Throttling();
  const timeoutMs = options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS;
  const { region, accountId } = options.assembly;
  const matches = (req: IncomingMessage) => requestPath(req).startsWith(EXECUTE_API_PREFIX);

  return {
    name: 'apigateway',
    apis,
    unsupported: unsupportedMethods(apis),
    matches,
    answersAnyOrigin: matches,
    reset() {
      throttling = new Throttling();
    },
    async handle(req, res) {
      const requestId = String(res.getHeader('x-amzn-RequestId') ?? '') || randomUUID();
      res.setHeader('x-amzn-RequestId', requestId);
      res.setHeader('x-amz-apigw-id', Buffer.from(requestId).toString('base64').slice(0, 16));
      const [apiId = '', stageName = '', ...rest] = requestPath(req).slice(EXECUTE_API_PREFIX.length).split('/');
      const api = byId.get(apiId);
      const fail = (answer: GatewayAnswer) => {
        req.resume();
        sendGatewayResponse(req, res, api, answer, requestId);
      };
      const stage = api?.stages.get(stageName);
      if (!api || !stage) return fail({ type: 'ACCESS_DENIED', reason: api ? `API ${apiId} has no stage ${stageName}` : `no REST API ${apiId}` });
      const path = `/${rest.join('/')}`;
      const route = selectRoute(api.root, path, req.method ?? 'GET');
      if (!route) return fail({ type: 'MISSING_AUTHENTICATION_TOKEN', reason: `no method for ${req.method} ${path} in API ${api.name}` });
      const { resource, method } = route;

      const limit = Throttling.limitFor(stage, resource.path, method.httpMethod);
      if (limit && !throttling.take(`${api.id}/${stage.name}/${resource.path} ${method.httpMethod}`, limit, options.now().getTime())) {
        return fail({ type: 'THROTTLED', reason: `${method.httpMethod} ${resource.path} is throttled at ${limit.rateLimit}/s, burst ${limit.burstLimit}` });
      }
      if (method.unsupported) return fail({ type: 'API_CONFIGURATION_ERROR', reason: method.unsupported });

      let body: Buffer;
      try {
        body = await readBody(req, PAYLOAD_LIMIT);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return fail({ type: 'REQUEST_TOO_LARGE', reason: error.message });
        throw error;
      }

      let claims: Record<string, string> | undefined;
      if (method.authorizationType === 'COGNITO_USER_POOLS') {
        const authorization = await authorizeWithCognito(options, req, api.authorizers.get(method.authorizerId!)!, method);
        if (!authorization.ok) return fail({ type: authorization.type, reason: authorization.reason });
        claims = authorization.claims;
      }

      const integration = method.integration;
      if (integration.type === 'MOCK') {
        const answer = mockAnswer(req, integration);
        if (!answer) return fail({ type: 'API_CONFIGURATION_ERROR', reason: `the MOCK integration of ${method.httpMethod} ${resource.path} has no integration response for its status` });
        writeHeaders(res, answer.statusCode, answer.headers, Buffer.byteLength(answer.body));
        res.end(req.method === 'HEAD' ? undefined : answer.body);
        return;
      }
      if (integration.type !== 'AWS_PROXY') return fail({ type: 'API_CONFIGURATION_ERROR', reason: `${integration.type} integration` });

      const sourceArn = `arn:aws:execute-api:${region}:${accountId}:${api.id}/${stage.name}/${req.method}${resource.path}`;
      if (!permitted(integration.functionArn, 'apigateway.amazonaws.com', sourceArn)) {
        return fail({ type: 'API_CONFIGURATION_ERROR', reason: `Invalid permissions on Lambda function: no AWS::Lambda::Permission lets apigateway.amazonaws.com invoke it for ${sourceArn}` });
      }
      const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const event = proxyEvent({
        req,
        accountId,
        apiId: api.id,
        stage: stage.name,
        stageVariables: stage.variables,
        resourceId: resource.id,
        resourcePath: resource.path,
        path,
        pathParameters: route.pathParameters,
        body,
        binaryBody: api.binaryMediaTypes.some((t) => mediaTypeMatches(t, contentType)),
        requestId,
        now: options.now(),
        claims,
      });

      const started = performance.now();
      const report = (status: number, reason?: string) =>
        options.activity?.emit({
          kind: 'api',
          api: api.name,
          route: `${req.method} ${resource.path}`,
          functionName: options.runtime.find(integration.functionArn)?.friendlyName ?? integration.functionArn,
          status,
          reason,
          durationMs: performance.now() - started,
        });
      let timer: NodeJS.Timeout | undefined;
      let onStart = () => {};
      const timedOut = new Promise<'timeout'>((resolve) => {
        // Counted from when the handler runs, as the local cloud counts the triggers' wait (not a local process start).
        onStart = () => (timer = setTimeout(() => resolve('timeout'), timeoutMs));
      });
      let outcome;
      try {
        outcome = await Promise.race([options.runtime.invoke(integration.functionArn, event, { onStart }), timedOut]);
      } catch (error) {
        const reason = error instanceof LambdaServiceError ? `Lambda refused the invocation: ${error.code}: ${error.message}` : `the invocation failed: ${String(error)}`;
        report(500, reason);
        return fail({ type: 'API_CONFIGURATION_ERROR', reason });
      } finally {
        clearTimeout(timer);
      }
      if (outcome === 'timeout') {
        const reason = `no answer from the function within ${timeoutMs / 1000} s`;
        report(504, reason);
        return fail({ type: 'INTEGRATION_TIMEOUT', reason });
      }
      if (!outcome.ok) {
        const reason = `the function failed: ${outcome.error.errorType}: ${outcome.error.errorMessage}`;
        report(502, reason);
        return fail({ type: 'DEFAULT_5XX', reason });
      }
      const mapped = proxyResponse(outcome.payload);
      if ('malformed' in mapped) {
        const reason = `Malformed Lambda proxy response: ${mapped.malformed}`;
        report(502, reason);
        return fail({ type: 'DEFAULT_5XX', reason });
      }
      report(mapped.statusCode);
      writeHeaders(res, mapped.statusCode, mapped.headers, mapped.body.length);
      res.end(req.method === 'HEAD' ? undefined : mapped.body);
    },
  };
}

/** An integration's answer: its headers (a name given twice is sent twice), JSON unless it says otherwise, the gateway's own framing. */
function writeHeaders(res: ServerResponse, status: number, headers: [string, string][], length: number): void {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of headers) {
    // The gateway sets the framing itself.
    if (['content-length', 'transfer-encoding', 'connection'].includes(name.toLowerCase())) continue;
    const key = Object.keys(out).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    const existing = out[key];
    out[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  if (!Object.keys(out).some((k) => k.toLowerCase() === 'content-type')) out['Content-Type'] = 'application/json';
  out['Content-Length'] = String(length);
  res.writeHead(status, out);
}

function mediaTypeMatches(pattern: string, contentType: string): boolean {
  if (pattern === '*/*') return true;
  const [type, subtype] = pattern.toLowerCase().split('/');
  const [ctType, ctSubtype] = contentType.split('/');
  return (type === '*' || type === ctType) && (subtype === '*' || subtype === ctSubtype);
}
