import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { noteRefusal } from '../services/activity';

/** An S3 error: `<Error><Code/><Message/>...</Error>` with its status. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly extra: Record<string, string> = {},
    /** Response headers the error carries (416's Content-Range). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const noSuchKey = (key: string) => new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
export const noSuchBucket = (bucket: string) => new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });
export const noSuchUpload = (uploadId: string) =>
  new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', 404, { UploadId: uploadId });
export const preconditionFailed = (condition: string) => new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: condition });
export const accessDenied = (message = 'Access Denied') => new S3Error('AccessDenied', message, 403);

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** S3's `<Error>` document. */
export function s3ErrorDocument(error: S3Error, resource: string, requestId: string, hostId: string): string {
  const fields = Object.entries(error.extra)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>${fields}<Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId><HostId>${escapeXml(hostId)}</HostId></Error>`;
}

export function sendS3Error(res: ServerResponse, error: S3Error, resource: string, requestId: string, head = false): void {
  noteRefusal(res, error.code, error.message);
  const body = s3ErrorDocument(error, resource, requestId, String(res.getHeader('x-amz-id-2') ?? ''));
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = { ...error.headers, 'Content-Type': 'application/xml' };
  if (!head) headers['Content-Length'] = String(Buffer.byteLength(body));
  // HEAD errors carry no body; the SDK reads the code from the status (404 → NotFound).
  res.writeHead(error.status, headers);
  res.end(head ? undefined : body);
}

/**
 * A CONNECT request (Node hands it over as a bare socket): S3 has no such
 * method, so S3's MethodNotAllowed, then the connection is closed — after a
 * CONNECT the client may already be sending tunnel bytes, not HTTP.
 */
export function refuseConnect(socket: Duplex, target: string): void {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const body = s3ErrorDocument(
    new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, { Method: 'CONNECT', ResourceType: 'SERVICE' }),
    target,
    requestId,
    randomBytes(24).toString('base64'),
  );
  socket.on('error', () => undefined);
  socket.end(
    `HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `x-amz-request-id: ${requestId}\r\nAllow: GET, PUT, POST, DELETE, HEAD, OPTIONS\r\nConnection: close\r\n\r\n${body}`,
  );
}
