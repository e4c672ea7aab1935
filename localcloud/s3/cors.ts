import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BucketConfig, CorsRule } from './buckets';
import { S3Error } from './errors';

/** CORS exactly as the bucket's CorsConfiguration says (S3's matching rules). */
const wildcard = (pattern: string, value: string, ci = false) => {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, ci ? 'i' : '');
  return re.test(value);
};

function matchRule(bucket: BucketConfig, origin: string, method: string, requestHeaders: string[]): CorsRule | undefined {
  return bucket.cors.find(
    (rule) =>
      rule.allowedOrigins.some((o) => wildcard(o, origin)) &&
      rule.allowedMethods.includes(method) &&
      requestHeaders.every((h) => rule.allowedHeaders.some((a) => wildcard(a, h, true))),
  );
}

function allowOriginFor(rule: CorsRule, origin: string): string {
  return rule.allowedOrigins.includes('*') ? '*' : origin;
}

/** Adds CORS headers to an actual (non-preflight) response when a rule matches. */
export function applyBucketCors(req: IncomingMessage, res: ServerResponse, bucket: BucketConfig | undefined): void {
  const origin = req.headers.origin;
  if (!origin || !bucket) return;
  const method = req.method === 'HEAD' ? 'HEAD' : String(req.method);
  const rule = matchRule(bucket, origin, method, []);
  if (!rule) return;
  res.setHeader('Access-Control-Allow-Origin', allowOriginFor(rule, origin));
  res.setHeader('Access-Control-Allow-Methods', rule.allowedMethods.join(', '));
  if (rule.exposedHeaders.length > 0) res.setHeader('Access-Control-Expose-Headers', rule.exposedHeaders.join(', '));
  if (rule.maxAge !== undefined) res.setHeader('Access-Control-Max-Age', String(rule.maxAge));
  res.setHeader('Vary', 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method');
  if (allowOriginFor(rule, origin) !== '*') res.setHeader('Access-Control-Allow-Credentials', 'true');
}

/** Answers an OPTIONS preflight, or throws 403 when no rule allows it. */
export function answerBucketPreflight(req: IncomingMessage, res: ServerResponse, bucket: BucketConfig | undefined): void {
  const origin = req.headers.origin;
  const method = req.headers['access-control-request-method'];
  if (!origin || typeof method !== 'string') {
    throw new S3Error('BadRequest', 'Insufficient information. Origin request header needed.', 400);
  }
  if (!bucket) throw new S3Error('AccessForbidden', 'CORSResponse: Bucket not found', 403, { Method: method });
  const requested = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const rule = matchRule(bucket, origin, method, requested);
  if (!rule) throw new S3Error('AccessForbidden', 'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.', 403, { Method: method, ResourceType: 'OBJECT' });
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': allowOriginFor(rule, origin),
    'Access-Control-Allow-Methods': rule.allowedMethods.join(', '),
    Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    'Content-Length': '0',
  };
  if (requested.length > 0) headers['Access-Control-Allow-Headers'] = requested.join(', ');
  if (rule.exposedHeaders.length > 0) headers['Access-Control-Expose-Headers'] = rule.exposedHeaders.join(', ');
  if (rule.maxAge !== undefined) headers['Access-Control-Max-Age'] = String(rule.maxAge);
  if (headers['Access-Control-Allow-Origin'] !== '*') headers['Access-Control-Allow-Credentials'] = 'true';
  res.writeHead(200, headers);
  res.end();
}
