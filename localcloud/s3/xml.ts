import { XMLParser } from 'fast-xml-parser';
import { S3Error } from './errors';

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  isArray: (name) => name === 'Object' || name === 'Part',
});

/** Parses a request's XML body; malformed → MalformedXML (400). */
export function parseXmlBody(text: string): any {
  if (text.trim() === '') throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  try {
    const parsed = parser.parse(text, true);
    if (!parsed || typeof parsed !== 'object') throw new Error('empty');
    return parsed;
  } catch {
    throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  }
}

/** Reads a small request body (XML documents), bounded. */
export async function readSmallBody(req: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > limit) throw new S3Error('MaxMessageLengthExceeded', 'Your request was too big.');
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
