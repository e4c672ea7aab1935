import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, jsonObject, readBody, sendAwsJson } from '../http/http';
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
      const body = await readBody(req, BODY_LIMIT).catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) throw new SsmError('ValidationException', `Request body exceeds ${BODY_LIMIT} bytes.`, 413);
        throw error;
      });
      const caller = services.auth.authenticate(req, body, 'ssm');
      const handler = handlers[operation];
      if (!handler) {
        throw new SsmError('UnknownOperationException', `Operation ${operation} is not supported by the local cloud's SSM.`);
      }
      const input = jsonObject(body);
      if (!input) throw new SsmError('SerializationException', 'The request body is not a JSON object.');
      const ctx: SsmContext = { caller, sourceIp: req.socket.remoteAddress };
      sendAwsJson(res, 200, await handler(ctx, input));
    } catch (error) {
      if (error instanceof SsmError || error instanceof AwsJsonAuthError) {
        res.setHeader('x-amzn-errortype', error.code);
        sendAwsJson(res, error.status, { __type: error.code, message: error.message });
      } else {
        console.error('[ssm] internal error', error);
        sendAwsJson(res, 500, { __type: 'InternalServerError', message: 'Internal error in the local cloud.' });
      }
    }
  };
}
