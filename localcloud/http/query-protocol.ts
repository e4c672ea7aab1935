import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody } from './http';

/**
 * The AWS query protocol (STS, IAM, CloudFormation): a form-encoded
 * `POST /` or a `GET /?Action=...&Version=...`, answered in XML. Errors are
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */

export function escapeXmlText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** An error of a query-protocol service. */
export class QueryProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** Writes a query-protocol XML error (with `x-amzn-RequestId`, the id in the body too). */
export function sendQueryError(res: ServerResponse, status: number, code: string, message: string, requestId?: string): void {
  const rid = requestId ?? (String(res.getHeader('x-amzn-RequestId') ?? '') || randomUUID());
  // The caller's fault, 501 (an operation not emulated) included; the local cloud's own failures are the Receiver's.
  const type = status >= 500 && status !== 501 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse><Error><Type>${type}</Type><Code>${escapeXmlText(code)}</Code>` +
    `<Message>${escapeXmlText(message)}</Message></Error><RequestId>${rid}</RequestId></ErrorResponse>`;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': rid });
  res.end(body);
}

const pathOf = (req: IncomingMessage) => (req.url ?? '/').split('?')[0];

/**
 * True for a request in the query protocol: addressed to `/` and either a
 * form-encoded POST or a GET/POST naming its `Action` in the query string.
 */
export function isQueryProtocolRequest(req: IncomingMessage): boolean {
  if (pathOf(req) !== '/' || req.headers['x-amz-target'] !== undefined) return false;
  if (req.method === 'POST' && /^application\/x-www-form-urlencoded\b/i.test(String(req.headers['content-type'] ?? ''))) return true;
  if (req.method !== 'GET' && req.method !== 'POST') return false;
  const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
  return query.has('Action');
}

/** The request's parameters: the query string's, then the form body's (which win). */
export function queryParameters(req: IncomingMessage, body: Buffer): URLSearchParams {
  const params = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params.set(key, value);
  return params;
}

/** The service a query-protocol request is signed for (its SigV4 credential scope), if any. */
export function signedService(req: IncomingMessage, params?: URLSearchParams): string | undefined {
  const credential = /Credential=([^,\s]+)/.exec(String(req.headers.authorization ?? ''))?.[1] ?? params?.get('X-Amz-Credential') ?? '';
  const scope = credential.split('/');
  return scope.length === 5 ? scope[3] : undefined;
}

/** Query-protocol bodies are small (STS's largest, AssumeRoleWithWebIdentity, is a few KiB). */
export const QUERY_BODY_LIMIT = 64 * 1024;

/**
 * The query-protocol requests no service of the local cloud claims (IAM,
 * CloudFormation for now): an XML error naming the operation, never S3's
 * answer nor JSON. 501 UnsupportedOperationException, or 400 MissingAction.
 */
export function createQueryProtocolFallback() {
  return {
    name: 'query-protocol',
    matches: isQueryProtocolRequest,
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      let body: Buffer;
      try {
        body = await readBody(req, QUERY_BODY_LIMIT);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        return sendQueryError(res, 413, 'RequestEntityTooLarge', `Request body exceeds ${QUERY_BODY_LIMIT} bytes.`);
      }
      const params = queryParameters(req, body);
      const action = params.get('Action');
      if (!action) return sendQueryError(res, 400, 'MissingAction', 'Missing Action');
      const service = signedService(req, params);
      const named = `${service ? `${service}:` : ''}${action.slice(0, 128)}`;
      sendQueryError(res, 501, 'UnsupportedOperationException', `The local cloud does not emulate ${named}${service ? '' : ' (no service claims this query-protocol request)'}.`);
    },
  };
}
