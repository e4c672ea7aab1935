import { getCanonicalQuery } from '@smithy/signature-v4';

/**
 * Canonical-request pieces computed from the request exactly as received
 * (raw path, raw query string, raw header lines).
 */

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent plus !'()*). */
export function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * S3: each segment URI-encoded once (decode what arrived, re-encode), no normalization.
 * Other services: dot segments and empty segments removed, then each segment encoded
 * again (the "double encoding" of the AWS documentation).
 */
export function canonicalUri(rawPath: string, s3: boolean): string {
  if (!rawPath.startsWith('/')) rawPath = `/${rawPath}`;
  if (s3) return rawPath.split('/').map((seg) => escapeUri(safeDecode(seg))).join('/');
  const out: string[] = [];
  for (const seg of rawPath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  const trailing = out.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `/${out.map((seg) => escapeUri(seg)).join('/')}${trailing}`;
}

/**
 * Query parameters decoded, in order, with duplicates. `+` stays literal, as
 * SigV4 does, except for S3, which reads it as a space (form encoding): browsers'
 * URLSearchParams and aws-amplify's presigned URLs write spaces that way.
 */
export function parseQuery(rawQuery: string, options: { plusAsSpace?: boolean } = {}): [string, string][] {
  const out: [string, string][] = [];
  if (!rawQuery) return out;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const raw = options.plusAsSpace ? part.replace(/\+/g, ' ') : part;
    const k = eq === -1 ? raw : raw.slice(0, eq);
    const v = eq === -1 ? '' : raw.slice(eq + 1);
    out.push([safeDecode(k), safeDecode(v)]);
  }
  return out;
}

/** Sorted, encoded; X-Amz-Signature left out (smithy's getCanonicalQuery). */
export function canonicalQuery(params: [string, string][]): string {
  const bag: Record<string, string | string[]> = {};
  for (const [k, v] of params) {
    const existing = bag[k];
    if (existing === undefined) bag[k] = v;
    else bag[k] = Array.isArray(existing) ? [...existing, v] : [existing, v];
  }
  return getCanonicalQuery({ query: bag } as never);
}

/** Header name (lower case) → canonical value: trimmed, inner runs of spaces collapsed, repeats joined by ",". */
export function headerValues(rawHeaders: [string, string][]): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of rawHeaders) {
    const key = name.toLowerCase();
    const v = value.trim().replace(/ +/g, ' ');
    const existing = map.get(key);
    map.set(key, existing === undefined ? v : `${existing},${v}`);
  }
  return map;
}

/** Node's flat rawHeaders → pairs. */
export function pairs(rawHeaders: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) out.push([rawHeaders[i], rawHeaders[i + 1]]);
  return out;
}
