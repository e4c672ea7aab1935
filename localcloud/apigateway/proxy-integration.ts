import type { IncomingMessage } from 'node:http';

/**
 * The Lambda proxy integration's contract (payload format 1.0): the event
 * API Gateway hands the function, and the only answer it accepts.
 */
export interface ProxyRequest {
  req: IncomingMessage;
  accountId: string;
  apiId: string;
  stage: string;
  stageVariables: Record<string, string>;
  resourceId: string;
  /** The resource's path as declared, `/items/{id}`. */
  resourcePath: string;
  /** The request's path after the stage, `/items/42`. */
  path: string;
  pathParameters: Record<string, string>;
  body: Buffer;
  /** The body goes base64-encoded (a binary media type of the API). */
  binaryBody: boolean;
  requestId: string;
  now: Date;
  claims?: Record<string, string>;
}

export function proxyEvent(r: ProxyRequest): Record<string, unknown> {
  const { req } = r;
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    const value = req.rawHeaders[i + 1];
    // One entry per name whatever its case, in the case the client first wrote it.
    const existing = Object.keys(multiValueHeaders).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    (multiValueHeaders[existing] ??= []).push(value);
    headers[existing] = value;
  }
  const sourceIp = normalizeIp(req.socket.remoteAddress ?? '127.0.0.1');
  const forwarded: Record<string, string> = {
    'X-Forwarded-For': sourceIp,
    'X-Forwarded-Port': String(req.socket.localPort ?? ''),
    'X-Forwarded-Proto': 'http',
  };
  for (const [name, value] of Object.entries(forwarded)) {
    if (Object.keys(headers).some((k) => k.toLowerCase() === name.toLowerCase())) continue;
    headers[name] = value;
    multiValueHeaders[name] = [value];
  }

  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const query = q === -1 ? '' : url.slice(q + 1);
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [key, value] of new URLSearchParams(query)) {
    queryStringParameters[key] = value;
    (multiValueQueryStringParameters[key] ??= []).push(value);
  }
  const hasQuery = Object.keys(queryStringParameters).length > 0;
  const host = String(req.headers.host ?? '');
  const orNull = <T extends object>(o: T): T | null => (Object.keys(o).length > 0 ? o : null);

  return {
    resource: r.resourcePath,
    path: r.path,
    httpMethod: req.method,
    headers: orNull(headers),
    multiValueHeaders: orNull(multiValueHeaders),
    queryStringParameters: hasQuery ? queryStringParameters : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQueryStringParameters : null,
    pathParameters: orNull(r.pathParameters),
    stageVariables: orNull(r.stageVariables),
    requestContext: {
      resourceId: r.resourceId,
      resourcePath: r.resourcePath,
      httpMethod: req.method,
      extendedRequestId: r.requestId.replace(/-/g, '').slice(0, 16),
      requestTime: clfTime(r.now),
      path: `/${r.stage}${r.path}`,
      accountId: r.accountId,
      protocol: `HTTP/${req.httpVersion}`,
      stage: r.stage,
      domainPrefix: host.split('.')[0].replace(/:\d+$/, ''),
      requestTimeEpoch: r.now.getTime(),
      requestId: r.requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: null,
        cognitoIdentityId: null,
        caller: null,
        sourceIp,
        principalOrgId: null,
        accessKey: null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: null,
        userAgent: req.headers['user-agent'] ?? null,
        user: null,
      },
      domainName: host,
      apiId: r.apiId,
      ...(r.claims ? { authorizer: { claims: r.claims } } : {}),
    },
    body: r.body.length === 0 ? null : r.binaryBody ? r.body.toString('base64') : r.body.toString('utf8'),
    isBase64Encoded: r.body.length > 0 && r.binaryBody,
  };
}

/** What the function answered, mapped to an HTTP response; undefined when it is not a proxy response (502). */
export interface ProxyResponse {
  statusCode: number;
  headers: [string, string][];
  body: Buffer;
}

const RESPONSE_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

export function proxyResponse(payload: unknown): ProxyResponse | { malformed: string } {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return { malformed: 'the function returned no object' };
  const p = payload as Record<string, unknown>;
  const extra = Object.keys(p).filter((k) => !RESPONSE_KEYS.has(k));
  if (extra.length > 0) return { malformed: `unknown field(s) ${extra.join(', ')} in the proxy response` };
  const status = typeof p.statusCode === 'string' && /^\d+$/.test(p.statusCode) ? Number(p.statusCode) : p.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return { malformed: 'statusCode is missing or not an HTTP status' };
  const headers: [string, string][] = [];
  if (p.headers !== undefined && p.headers !== null) {
    if (typeof p.headers !== 'object' || Array.isArray(p.headers)) return { malformed: 'headers is not an object' };
    for (const [k, v] of Object.entries(p.headers)) {
      if (!isScalar(v)) return { malformed: `header ${k} is not a string` };
      headers.push([k, String(v)]);
    }
  }
  if (p.multiValueHeaders !== undefined && p.multiValueHeaders !== null) {
    if (typeof p.multiValueHeaders !== 'object' || Array.isArray(p.multiValueHeaders)) return { malformed: 'multiValueHeaders is not an object' };
    for (const [k, values] of Object.entries(p.multiValueHeaders)) {
      if (!Array.isArray(values) || !values.every(isScalar)) return { malformed: `multiValueHeaders.${k} is not a list of strings` };
      // A header in both: the multi-value list replaces the single value.
      for (let i = headers.length - 1; i >= 0; i--) if (headers[i][0].toLowerCase() === k.toLowerCase()) headers.splice(i, 1);
      for (const v of values) headers.push([k, String(v)]);
    }
  }
  if (p.body !== undefined && p.body !== null && typeof p.body !== 'string') return { malformed: 'body is not a string' };
  if (p.isBase64Encoded !== undefined && p.isBase64Encoded !== null && typeof p.isBase64Encoded !== 'boolean') return { malformed: 'isBase64Encoded is not a boolean' };
  const text = typeof p.body === 'string' ? p.body : '';
  const body = p.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  for (const [name, value] of headers) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[\r\n\0]/.test(value)) return { malformed: `header ${JSON.stringify(name)} cannot be sent` };
  }
  return { statusCode: status, headers, body };
}

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function normalizeIp(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `09/Apr/2015:12:34:56 +0000`, as requestContext.requestTime is written. */
function clfTime(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}
