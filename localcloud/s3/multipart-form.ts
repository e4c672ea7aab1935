import { S3Error } from './errors';

/**
 * A streaming multipart/form-data reader for S3's browser POST uploads: the
 * fields before the file are read into memory (bounded), the file is streamed
 * piece by piece. Written here rather than taken from node_modules: the only
 * parser there is busboy 0.3.1 on dicer, which a malformed header can crash
 * (CVE-2022-24434) — and a crash is what this must never do.
 */
const malformed = () => new S3Error('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');

export interface FormPart {
  /** The field name, as sent. */
  name: string;
  /** Present for a file part. */
  filename?: string;
  contentType?: string;
}

/** The boundary of a `multipart/form-data` Content-Type, or undefined when it is not one. */
export function formBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

const MAX_PART_HEADER = 8 * 1024;

export class MultipartForm {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  private readonly delimiter: Buffer;
  private readonly source: AsyncIterator<Buffer>;
  private done = false;

  constructor(body: AsyncIterable<Buffer>, boundary: string) {
    this.source = body[Symbol.asyncIterator]();
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const r = await this.source.next();
    if (r.done) {
      this.ended = true;
      return false;
    }
    this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    return true;
  }

  /** The first part's headers (skipping any preamble), then each next one; undefined after the closing delimiter. */
  async nextPart(first: boolean): Promise<FormPart | undefined> {
    if (this.done) return undefined;
    if (first) {
      // The body begins with "--boundary" (the delimiter without its CRLF), possibly after a preamble.
      this.buf = Buffer.concat([Buffer.from('\r\n'), this.buf]);
      await this.skipToDelimiter();
    }
    // After a delimiter: "--" closes the body, CRLF starts a part.
    while (this.buf.length < 2) if (!(await this.fill())) throw malformed();
    if (this.buf[0] === 0x2d && this.buf[1] === 0x2d) {
      this.done = true;
      return undefined;
    }
    let end: number;
    while ((end = this.buf.indexOf('\r\n\r\n')) === -1) {
      if (this.buf.length > MAX_PART_HEADER) throw malformed();
      if (!(await this.fill())) throw malformed();
    }
    if (end > MAX_PART_HEADER) throw malformed();
    const lines = this.buf.subarray(0, end).toString('utf8').split('\r\n');
    this.buf = this.buf.subarray(end + 4);
    if (lines[0] !== '') throw malformed(); // the CRLF ending the delimiter line
    let part: FormPart | undefined;
    let contentType: string | undefined;
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon === -1) throw malformed();
      const header = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (header === 'content-disposition') {
        if (!/^form-data\s*(;|$)/i.test(value)) throw malformed();
        const name = /;\s*name="([^"]*)"/i.exec(value)?.[1] ?? /;\s*name=([^;\s"]+)/i.exec(value)?.[1];
        if (name === undefined) throw malformed();
        const filename = /;\s*filename="([^"]*)"/i.exec(value)?.[1] ?? /;\s*filename=([^;\s"]+)/i.exec(value)?.[1];
        part = { name, filename };
      } else if (header === 'content-type') {
        contentType = value;
      }
    }
    if (!part) throw malformed();
    return { ...part, contentType };
  }

  /** The current part's body, streamed; ends at the next delimiter. */
  async *body(): AsyncGenerator<Buffer> {
    const keep = this.delimiter.length - 1;
    for (;;) {
      const i = this.buf.indexOf(this.delimiter);
      if (i !== -1) {
        if (i > 0) yield this.buf.subarray(0, i);
        this.buf = this.buf.subarray(i + this.delimiter.length);
        return;
      }
      if (this.buf.length > keep) {
        const out = this.buf.subarray(0, this.buf.length - keep);
        this.buf = this.buf.subarray(this.buf.length - keep);
        yield out;
      }
      if (!(await this.fill())) throw malformed();
    }
  }

  /** The current part's body in memory, at most `limit` bytes (else `tooLarge`). */
  async text(limit: number, tooLarge: () => S3Error): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.body()) {
      size += chunk.length;
      if (size > limit) throw tooLarge();
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private async skipToDelimiter(): Promise<void> {
    for await (const chunk of this.body()) void chunk; // the preamble
  }
}
