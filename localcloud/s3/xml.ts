import type { IncomingMessage } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import { BodyTooLargeError, readBody } from '../http/http';
import { S3Error } from './errors';

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  isArray: (name) => name === 'Object' || name === 'Part',
});

const malformedXml = () => new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a request's XML body (UTF-8); malformed or not UTF-8 → MalformedXML (400). */
export function parseXmlBody(body: Buffer): any {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw malformedXml();
  }
  if (text.trim() === '') throw malformedXml();
  try {
    const parsed = parser.parse(text, true);
    if (!parsed || typeof parsed !== 'object') throw new Error('empty');
    return parsed;
  } catch {
    throw malformedXml();
  }
}

/**
 * Reads a small request body (XML documents), bounded. Past the bound the rest
 * is drained, not read into memory, and the connection stays usable for the
 * error answer and the requests after it.
 */
export async function readSmallBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await readBody(req, limit);
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw new S3Error('MaxMessageLengthExceeded', 'Your request was too big.');
    throw e;
  }
}
