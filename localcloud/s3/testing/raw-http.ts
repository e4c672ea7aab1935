import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * One keep-alive HTTP/1.1 connection written byte by byte, for requests no
 * client library would send (duplicate headers, CONNECT, broken bodies), and
 * a SigV4 signer for them. Responses are read in order; `closed` settles when
 * the server ends the connection.
 */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** Every header line as received, lower-cased names. */
  headerLines: [string, string][];
  body: string;
}

export class RawConnection {
  private readonly socket: Socket;
  private buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: RawResponse) => void; reject: (e: Error) => void; head: boolean }[] = [];
  private ended = false;
  readonly closed: Promise<void>;

  constructor(port: number) {
    this.socket = connect({ host: '127.0.0.1', port });
    this.socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.parse();
    });
    this.closed = new Promise((resolve) => {
      const done = () => {
        this.ended = true;
        for (const w of this.waiting.splice(0)) w.reject(new Error('connection closed before a response'));
        resolve();
      };
      this.socket.on('close', done);
      this.socket.on('error', () => undefined);
    });
  }

  /** Writes raw bytes and resolves with the next response (`head`: the response has no body). */
  request(bytes: Buffer | string, head = false): Promise<RawResponse> {
    const answer = new Promise<RawResponse>((resolve, reject) => {
      if (this.ended) reject(new Error('connection already closed'));
      else this.waiting.push({ resolve, reject, head });
    });
    this.socket.write(bytes);
    return answer;
  }

  get isClosed(): boolean {
    return this.ended;
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(): void {
    for (;;) {
      const next = this.waiting[0];
      if (!next) return;
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      const lines = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      const headerLines = lines.slice(1).map((l) => {
        const colon = l.indexOf(':');
        return [l.slice(0, colon).trim().toLowerCase(), l.slice(colon + 1).trim()] as [string, string];
      });
      const headers = Object.fromEntries(headerLines);
      let bodyStart = end + 4;
      let body: Buffer;
      if (next.head || status === 204 || status === 304) {
        body = Buffer.alloc(0);
      } else if (headers['transfer-encoding'] === 'chunked') {
        const chunks: Buffer[] = [];
        for (;;) {
          const lineEnd = this.buffer.indexOf('\r\n', bodyStart);
          if (lineEnd === -1) return;
          const size = parseInt(this.buffer.subarray(bodyStart, lineEnd).toString('latin1'), 16);
          if (this.buffer.length < lineEnd + 2 + size + 2) return;
          chunks.push(this.buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
          bodyStart = lineEnd + 2 + size + 2;
          if (size === 0) break;
        }
        body = Buffer.concat(chunks);
      } else {
        const length = Number(headers['content-length'] ?? 0);
        if (this.buffer.length < bodyStart + length) return;
        body = this.buffer.subarray(bodyStart, bodyStart + length);
        bodyStart += length;
      }
      this.buffer = this.buffer.subarray(bodyStart);
      this.waiting.shift()!.resolve({ status, headers, headerLines, body: body.toString('utf8') });
    }
  }
}

/** SigV4 headers for a request to 127.0.0.1:<port> (body hashed into x-amz-content-sha256). */
export async function signedHeaders(
  options: { port: number; region: string; credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } },
  method: string,
  path: string,
  body: Buffer | string,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials: options.credentials, region: options.region, service: 's3', sha256: Sha256, uriEscapePath: false });
  const [pathname, query = ''] = path.split('?');
  const queryBag: Record<string, string> = {};
  for (const part of query.split('&').filter(Boolean)) {
    const [k, v = ''] = part.split('=');
    queryBag[decodeURIComponent(k)] = decodeURIComponent(v);
  }
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: options.port,
    path: pathname,
    query: queryBag,
    headers: {
      host: `127.0.0.1:${options.port}`,
      'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
      'content-length': String(Buffer.byteLength(body)),
      ...extra,
    },
    body,
  });
  return signed.headers as Record<string, string>;
}

/** The bytes of an HTTP/1.1 request with these header lines (repeats allowed) and body. */
export function rawRequest(method: string, path: string, headers: [string, string][] | Record<string, string>, body: Buffer | string = ''): Buffer {
  const lines = (Array.isArray(headers) ? headers : Object.entries(headers)).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return Buffer.concat([Buffer.from(`${method} ${path} HTTP/1.1\r\n${lines}\r\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
}
