import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { notEmulatedMessage } from './dispatch';
import { BodyTooLargeError, readBody, requestPath, requestQuery } from './http';

/**
 * The AWS query protocol (STS, IAM, CloudFormation, SNS, ...): a form-encoded
 * POST (or a GET) carrying `Action=<Operation>&Version=<date>` and the
 * operation's parameters, answered in XML:
 *
 *   <OpResponse xmlns="..."><OpResult>...</OpResult><ResponseMetadata><RequestId/></ResponseMetadata></OpResponse>
 *
 * and errors as
 *
 *   <ErrorResponse><Error><Type>Sender</Type><Code/><Message/></Error><RequestId/></ErrorResponse>
 *
 * with the request id also in the `x-amzn-RequestId` header. One writer for
 * every query-protocol service of the local cloud.
 */

/** Query-protocol requests are small (STS's largest, a SAML assertion, is ~100 KB). */
export const QUERY_BODY_LIMIT = 256 * 1024;

/** A query-protocol error: the code the SDKs switch on, its message, HTTP status and fault side. */
export class QueryProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}

/** The team's one wording for an operation the local cloud does not emulate (HTTP 501). */
export function unsupportedOperation(service: string, action: string): QueryProtocolError {
  return new QueryProtocolError('UnsupportedOperationException', notEmulatedMessage(`${service} ${action}`), 501, 'Sender');
}

const FORM = /^application\/x-www-form-urlencoded\b/i;

/**
 * True when the request is shaped as the query protocol: a form-encoded POST
 * to `/`, or a GET of `/` with `Action=` in its query string. (The body of a
 * POST is not read here; `readQueryParams` does.)
 */
export function isQueryProtocolRequest(req: IncomingMessage): boolean {
  if (requestPath(req) !== '/') return false;
  if (req.method === 'POST') return FORM.test(String(req.headers['content-type'] ?? ''));
  if (req.method === 'GET') return requestQuery(req).has('Action');
  return false;
}

/**
 * The service named by the request's SigV4 credential scope
 * (`Credential=AKID/date/region/<service>/aws4_request`, header or presigned
 * query), or undefined when it is not signed.
 */
export function signedServiceName(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization;
  const fromHeader = typeof authorization === 'string' ? /Credential=([^,\s]+)/.exec(authorization)?.[1] : undefined;
  const credential = fromHeader ?? requestQuery(req).get('X-Amz-Credential') ?? undefined;
  return credential?.split('/')[3];
}

/** A query-protocol request's parameters (query string and form body), with the raw body for signature checks. */
export interface QueryRequest {
  action: string;
  version: string | undefined;
  params: URLSearchParams;
  body: Buffer;
}

/** Reads the form body (bounded) and merges it after the URL's query parameters. */
export async function readQueryRequest(req: IncomingMessage, limit = QUERY_BODY_LIMIT): Promise<QueryRequest> {
  const body = await readBody(req, limit).catch((error: unknown) => {
    if (error instanceof BodyTooLargeError) throw new QueryProtocolError('RequestEntityTooLarge', `Request body exceeds ${limit} bytes.`, 413);
    throw error;
  });
  const params = requestQuery(req);
  for (const [name, value] of new URLSearchParams(body.toString('utf8'))) params.append(name, value);
  const action = params.get('Action');
  if (!action) throw new QueryProtocolError('MissingAction', 'Missing Action', 400);
  return { action, version: params.get('Version') ?? undefined, params, body };
}

export function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/**
 * `{ Name: value }` as `<Name>value</Name>` elements (escaped; undefined values left out; nested objects nest;
 * arrays as the query protocol's lists, `<Name><member>…</member>…</Name>`).
 */
export function xmlElements(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<${name}>${xmlValue(value)}</${name}>`)
    .join('');
}

function xmlValue(value: unknown): string {
  if (Array.isArray(value)) return value.map((member) => `<member>${xmlValue(member)}</member>`).join('');
  if (value && typeof value === 'object' && !(value instanceof Date)) return xmlElements(value as Record<string, unknown>);
  return xmlEscape(value instanceof Date ? value.toISOString() : String(value));
}

export const newRequestId = (): string => randomUUID();

function sendXml(res: ServerResponse, status: number, xml: string, requestId: string): void {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  if (!res.headersSent) {
    res.writeHead(status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': requestId });
  }
  res.end(text);
}

/** A successful answer: `<ActionResponse xmlns><ActionResult>result</ActionResult><ResponseMetadata/></ActionResponse>`. */
export function sendQueryResult(res: ServerResponse, options: { action: string; namespace: string; result: Record<string, unknown>; requestId?: string }): void {
  const requestId = options.requestId ?? newRequestId();
  const { action, namespace } = options;
  sendXml(
    res,
    200,
    `<${action}Response xmlns="${xmlEscape(namespace)}"><${action}Result>${xmlElements(options.result)}</${action}Result>` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    requestId,
  );
}

/** An error answer: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`. */
export function sendQueryError(res: ServerResponse, error: QueryProtocolError, options: { namespace?: string; requestId?: string } = {}): void {
  const requestId = options.requestId ?? newRequestId();
  const xmlns = options.namespace ? ` xmlns="${xmlEscape(options.namespace)}"` : '';
  sendXml(
    res,
    error.status,
    `<ErrorResponse${xmlns}><Error><Type>${error.type}</Type><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
    requestId,
  );
}

/** How the query-protocol services sign (their SigV4 scope), as the local cloud names them. */
const SERVICE_NAMES: Record<string, string> = { iam: 'IAM', sts: 'STS', cloudformation: 'CloudFormation', sns: 'SNS', sqs: 'SQS', ses: 'SES' };

/**
 * The query-protocol requests no service of the local cloud claims (IAM,
 * CloudFormation for now): an XML 501 UnsupportedOperationException naming
 * the operation (400 MissingAction without one), never S3's answer nor JSON.
 * Registered after every query-protocol service, before S3.
 */
export function createQueryProtocolFallback() {
  return {
    name: 'query-protocol',
    matches: isQueryProtocolRequest,
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const requestId = String(res.getHeader('x-amzn-RequestId') ?? '') || newRequestId();
      try {
        const { action } = await readQueryRequest(req);
        const scope = signedServiceName(req);
        const service = scope ? (Object.hasOwn(SERVICE_NAMES, scope) ? SERVICE_NAMES[scope] : scope) : 'the AWS query protocol';
        throw unsupportedOperation(service.slice(0, 64), action.slice(0, 128));
      } catch (error) {
        if (!(error instanceof QueryProtocolError)) throw error;
        sendQueryError(res, error, { requestId });
      }
    },
  };
}
