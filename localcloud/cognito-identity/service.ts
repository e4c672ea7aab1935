import type { IncomingMessage, ServerResponse } from 'node:http';
import { CognitoIdentityError } from './errors';
import { GetCredentialsForIdentity } from './get-credentials-for-identity';
import { GetId } from './get-id';
import type { IdentityServices } from './services';

/**
 * The cognito-identity JSON protocol: `POST /` with
 * `x-amz-target: AWSCognitoIdentityService.<Operation>` and an
 * application/x-amz-json-1.1 body. GetId and GetCredentialsForIdentity are
 * unsigned calls (as in AWS).
 */
const TARGET_PREFIX = 'AWSCognitoIdentityService.';
const BODY_LIMIT = 256 * 1024;

export function matchesCognitoIdentity(req: IncomingMessage): boolean {
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(TARGET_PREFIX);
}

export function createCognitoIdentityHandler(services: IdentityServices) {
  const operations: Record<string, (req: Record<string, unknown>) => Promise<unknown>> = {
    GetId: GetId(services),
    GetCredentialsForIdentity: GetCredentialsForIdentity(services),
  };
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== 'POST') throw new CognitoIdentityError('SerializationException', 'Only POST is supported.');
      const operation = String(req.headers['x-amz-target']).slice(TARGET_PREFIX.length);
      const handler = operations[operation];
      const body = await readJsonBody(req);
      if (!handler) throw new CognitoIdentityError('UnknownOperationException', `Operation ${operation} is not supported by the local cloud.`);
      const result = await handler(body);
      send(res, 200, result);
    } catch (e) {
      if (e instanceof CognitoIdentityError) {
        res.setHeader('x-amzn-errortype', e.type);
        send(res, e.status, { __type: e.type, message: e.message });
      } else {
        console.error('[cognito-identity] internal error', e);
        send(res, 500, { __type: 'InternalErrorException', message: 'Internal error in the local cloud.' });
      }
    }
  };
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > BODY_LIMIT) {
        failed = true;
        reject(new CognitoIdentityError('SerializationException', `Request body exceeds ${BODY_LIMIT} bytes.`, 413));
        return;
      }
      chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      try {
        const parsed = JSON.parse(text);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        resolve(parsed);
      } catch {
        reject(new CognitoIdentityError('SerializationException', 'Request body is not valid JSON.'));
      }
    });
  });
}
