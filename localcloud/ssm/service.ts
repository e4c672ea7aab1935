import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsJsonAuthError } from './aws-json-auth';
import type { SsmContext, SsmOperation, SsmServices } from './common';
import { SsmError } from './errors';
import { GetParameter } from './get-parameter';
import { GetParameters } from './get-parameters';
import { GetParametersByPath } from './get-parameters-by-path';

/**
 * SSM Parameter Store over the AWS JSON 1.1 protocol (`x-amz-target:
 * AmazonSSM.<Operation>`), as far as Amplify uses it: the function runtime's
 * GetParameters, and GetParameter(sByPath) for secrets. Every call is
 * SigV4-signed and authorized by IAM.
 */
export const SSM_TARGET_PREFIX = 'AmazonSSM.';
const BODY_LIMIT = 64 * 1024;

const OPERATIONS: Record<string, SsmOperation> = { GetParameter, GetParameters, GetParametersByPath };

export function matchesSsm(req: IncomingMessage): boolean {
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(SSM_TARGET_PREFIX);
}

export function createSsmHandler(services: SsmServices) {
  const handlers = Object.fromEntries(Object.entries(OPERATIONS).map(([name, op]) => [name, op(services)]));
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== 'POST') throw new SsmError('SerializationException', 'Only POST is supported.');
      const operation = String(req.headers['x-amz-target']).slice(SSM_TARGET_PREFIX.length);
      const body = await readBody(req);
      const caller = services.auth.authenticate(req, body, 'ssm');
      const handler = handlers[operation];
      if (!handler) {
        throw new SsmError('UnknownOperationException', `Operation ${operation} is not supported by the local cloud's SSM.`);
      }
      const input = parseJson(body);
      const ctx: SsmContext = { caller, sourceIp: req.socket.remoteAddress };
      send(res, 200, await handler(ctx, input));
    } catch (error) {
      if (error instanceof SsmError || error instanceof AwsJsonAuthError) {
        res.setHeader('x-amzn-errortype', error.code);
        send(res, error.status, { __type: error.code, message: error.message });
      } else {
        console.error('[ssm] internal error', error);
        send(res, 500, { __type: 'InternalServerError', message: 'Internal error in the local cloud.' });
      }
    }
  };
}

function parseJson(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through
  }
  throw new SsmError('SerializationException', 'The request body is not a JSON object.');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  if (!res.headersSent) {
    res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(text) });
  }
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > BODY_LIMIT) {
      req.resume();
      reject(new SsmError('ValidationException', `Request body exceeds ${BODY_LIMIT} bytes.`, 413));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > BODY_LIMIT) {
        failed = true;
        reject(new SsmError('ValidationException', `Request body exceeds ${BODY_LIMIT} bytes.`, 413));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => failed || resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
