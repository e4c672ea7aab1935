import type { IncomingMessage, ServerResponse } from 'node:http';
import { noteRefusal } from '../services/activity';

/**
 * HTTP helpers shared by every service of the local cloud: bounded body
 * reading, CORS for what the AWS clients send, and JSON answers.
 */

/** Default bound for JSON protocol bodies (Cognito's own requests are far smaller). */
export const JSON_BODY_LIMIT = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds the limit of ${limit} bytes.`);
  }
}

/** Reads the whole body, refusing (without buffering further) past `limit` bytes. */
export function readBody(req: IncomingMessage, limit = JSON_BODY_LIMIT): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyTooLargeError(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => failed || resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The request target's path (before `?`), as the client wrote it: never throws, whatever it is (`//`, `%`). */
export function requestPath(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The request target's query parameters; never throws. */
export function requestQuery(req: IncomingMessage): URLSearchParams {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
}

const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'content-md5',
  'cache-control',
  'x-amz-target',
  'x-amz-user-agent',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
];

const EXPOSED_HEADERS = [
  'ETag',
  'x-amz-request-id',
  'x-amz-id-2',
  'x-amz-version-id',
  'x-amz-delete-marker',
  'x-amzn-requestid',
  'x-amzn-errortype',
  'x-amzn-errormessage',
  'Content-Length',
  'Content-Type',
  'Last-Modified',
  'Date',
];

const LOOPBACK_NAME = /^(localhost|[a-z0-9-]+\.localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i;

/**
 * True when the Host header names this machine's loopback (or `extra`, the
 * host the server was told to listen on): a page elsewhere that rebinds its
 * own name to 127.0.0.1 (DNS rebinding) is refused.
 */
export function isLoopbackHost(host: string | undefined, extra?: string): boolean {
  if (!host) return false;
  return LOOPBACK_NAME.test(host) || (!!extra && host.replace(/:\d+$/, '') === extra);
}

/**
 * Pages served from this machine (the Vite dev server, Playwright) may call
 * the local cloud; other sites may not (`extra`: the host the server was told
 * to listen on). `null` (file://, sandboxed pages) is not loopback.
 */
export function isLoopbackOrigin(origin: string, extra?: string): boolean {
  const match = /^https?:\/\/([^/]+)$/i.exec(origin);
  return !!match && isLoopbackHost(match[1], extra);
}

/**
 * CORS for every response: loopback origins are echoed, others get no
 * Access-Control-Allow-Origin (their pages cannot read the outbox's codes).
 * A preflight's requested headers are echoed too, which covers every `x-amz-*`.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader('Vary', 'Origin');
  if (origin && !isLoopbackOrigin(origin)) return;
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS.join(', '));
}

export function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  if (req.headers.origin && !isLoopbackOrigin(req.headers.origin)) {
    res.writeHead(403).end();
    return;
  }
  const requested = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => /^[a-z0-9-]+$/.test(h));
  const allowed = [...new Set([...ALLOWED_HEADERS, ...requested])];
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, PUT, POST, DELETE, HEAD, OPTIONS',
    'Access-Control-Allow-Headers': allowed.join(', '),
    'Access-Control-Max-Age': '600',
  });
  res.end();
}

/** A request body as a JSON object: `{}` when empty, undefined when it is not a JSON object. */
export function jsonObject(body: Buffer): Record<string, unknown> | undefined {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return undefined;
}

/** An AWS JSON 1.1 answer (headers written unless they already were). */
export function sendAwsJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * An error of an AWS JSON protocol service (Cognito, SSM): the exception
 * name the client switches on (also the error's `name`), the message and
 * the HTTP status. Each service subclasses it so its handler knows its own.
 */
export class AwsJsonError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** An AWS JSON protocol error: `{"__type","message"}` plus the x-amzn-errortype header. */
export function sendAwsJsonError(res: ServerResponse, status: number, type: string, message: string): void {
  noteRefusal(res, type, message);
  res.setHeader('x-amzn-errortype', type);
  sendJson(res, status, { __type: type, message }, 'application/x-amz-json-1.1');
}
