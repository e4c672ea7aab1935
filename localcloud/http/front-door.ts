import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { S3Error, sendS3Error } from '../s3/errors';
import { isLoopbackOrigin, requestPath, sendAwsJsonError } from './http';
import { isQueryProtocolRequest, QueryProtocolError, sendQueryError } from './query-protocol';

/**
 * What every request meets before a service sees it: which wire protocol it
 * speaks (so the server's own refusals are worded in it), its request id
 * header, and the refusal of requests a web page elsewhere made.
 */

/** `localcloud`: /_localcloud/*; `json`: AWS JSON (x-amz-target) and JWKS; `query`: STS/IAM style; `s3`: the rest. */
export type WireProtocol = 'localcloud' | 'json' | 'query' | 's3';

export function wireProtocol(req: IncomingMessage): WireProtocol {
  const path = requestPath(req);
  if (path.startsWith('/_localcloud/')) return 'localcloud';
  // API Gateway's answers are JSON (`{"message"}`), with an x-amzn-RequestId.
  if (path.startsWith('/_aws/execute-api/')) return 'json';
  if (req.headers['x-amz-target'] !== undefined || /^\/[^/]+\/\.well-known\//.test(path)) return 'json';
  if (isQueryProtocolRequest(req)) return 'query';
  return 's3';
}

/**
 * Sets the request id headers AWS sends on every answer, errors included:
 * `x-amzn-RequestId` (a UUID) for the JSON and query services,
 * `x-amz-request-id` and `x-amz-id-2` for S3 (whose handler numbers its own
 * ids and overrides the first).
 */
export function stampRequestId(res: ServerResponse, protocol: WireProtocol): string {
  const id = randomUUID();
  if (protocol === 's3') {
    const s3Id = id.replace(/-/g, '').slice(0, 16).toUpperCase();
    res.setHeader('x-amz-request-id', s3Id);
    res.setHeader('x-amz-id-2', Buffer.from(randomUUID() + randomUUID()).toString('base64'));
    return s3Id;
  }
  res.setHeader('x-amzn-RequestId', id);
  return id;
}

/**
 * Why a request made by a web page on another site is refused, or undefined
 * when it may proceed. Browsers send `Origin` on every cross-origin fetch and
 * on every POST (a sandboxed or `file://` page sends `Origin: null`), so an
 * Origin that is not this machine's loopback is refused; without Origin, a
 * foreign `Referer` or `Sec-Fetch-Site: cross-site` gives the page away.
 * Requests without any of these (the AWS CLI, SDKs outside a browser) pass.
 */
export function crossSiteRefusal(req: IncomingMessage, listenHost?: string): string | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (isLoopbackOrigin(origin, listenHost)) return undefined;
    return `The local cloud does not answer pages of other sites (Origin: ${origin.slice(0, 200)}); only pages served from this machine may call it.`;
  }
  const referer = req.headers.referer;
  if (referer !== undefined) {
    if (isLoopbackOrigin(originOf(referer), listenHost)) return undefined;
    return 'The local cloud does not answer pages of other sites (a foreign Referer); only pages served from this machine may call it.';
  }
  if (req.headers['sec-fetch-site'] === 'cross-site') {
    return 'The local cloud does not answer pages of other sites (Sec-Fetch-Site: cross-site); only pages served from this machine may call it.';
  }
  return undefined;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'null';
  }
}

/**
 * An error the server itself answers (before or instead of a service), in the
 * request's protocol: `{"__type","message"}` for JSON, `<ErrorResponse>` for
 * the query protocol, S3's `<Error>`. `codes.xml` is the name S3 and the query
 * services use when it differs (AccessDenied vs AccessDeniedException).
 */
export function sendProtocolError(
  req: IncomingMessage,
  res: ServerResponse,
  protocol: WireProtocol,
  status: number,
  codes: { json: string; xml?: string },
  message: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const xmlCode = codes.xml ?? codes.json;
  if (protocol === 'query') {
    return sendQueryError(res, new QueryProtocolError(xmlCode, message, status), { requestId: String(res.getHeader('x-amzn-RequestId') ?? '') || undefined });
  }
  if (protocol === 's3') {
    const requestId = String(res.getHeader('x-amz-request-id') ?? '');
    return sendS3Error(res, new S3Error(xmlCode, message, status), requestPath(req), requestId, req.method === 'HEAD');
  }
  sendAwsJsonError(res, status, codes.json, message);
}
