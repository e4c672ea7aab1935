import type { IncomingMessage, ServerResponse } from 'node:http';
import { operationNames, resolveOperation } from '../http/dispatch';
import { AwsJsonError, BodyTooLargeError, jsonObject, readBody, sendAwsJson, sendAwsJsonError } from '../http/http';
import { CognitoIdentityError } from './errors';
import { GetCredentialsForIdentity } from './get-credentials-for-identity';
import { GetId } from './get-id';
import { GetOpenIdToken } from './get-open-id-token';
import type { IdentityServices } from './services';

/**
 * The cognito-identity JSON protocol: `POST /` with
 * `x-amz-target: AWSCognitoIdentityService.<Operation>` and an
 * application/x-amz-json-1.1 body. GetId and GetCredentialsForIdentity are
 * unsigned calls (as in AWS).
 */
const TARGET_PREFIX = 'AWSCognitoIdentityService.';
const BODY_LIMIT = 256 * 1024;

/** Every operation of the cognito-identity API (the others answer 501 UnsupportedOperationException). */
const COGNITO_IDENTITY_OPERATIONS = operationNames(`
  CreateIdentityPool DeleteIdentities DeleteIdentityPool DescribeIdentity DescribeIdentityPool GetCredentialsForIdentity
  GetId GetIdentityPoolRoles GetOpenIdToken GetOpenIdTokenForDeveloperIdentity GetPrincipalTagAttributeMap ListIdentities
  ListIdentityPools ListTagsForResource LookupDeveloperIdentity MergeDeveloperIdentities SetIdentityPoolRoles
  SetPrincipalTagAttributeMap TagResource UnlinkDeveloperIdentity UnlinkIdentity UntagResource UpdateIdentityPool
`);

export function matchesCognitoIdentity(req: IncomingMessage): boolean {
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(TARGET_PREFIX);
}

export function createCognitoIdentityHandler(services: IdentityServices) {
  const operations: Record<string, (req: Record<string, unknown>) => Promise<unknown>> = {
    GetId: GetId(services),
    GetCredentialsForIdentity: GetCredentialsForIdentity(services),
    GetOpenIdToken: GetOpenIdToken(services),
  };
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== 'POST') throw new CognitoIdentityError('SerializationException', 'Only POST is supported.');
      const operation = String(req.headers['x-amz-target']).slice(TARGET_PREFIX.length);
      const body = await readJsonBody(req);
      const handler = resolveOperation(operations, operation, { targetPrefix: TARGET_PREFIX, serviceOperations: COGNITO_IDENTITY_OPERATIONS });
      const result = await handler(body);
      sendAwsJson(res, 200, result);
    } catch (e) {
      if (e instanceof AwsJsonError) {
        sendAwsJsonError(res, e.status, e.code, e.message);
      } else {
        console.error('[cognito-identity] internal error', e);
        sendAwsJson(res, 500, { __type: 'InternalErrorException', message: 'Internal error in the local cloud.' });
      }
    }
  };
}

async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, BODY_LIMIT).catch((error: unknown) => {
    if (error instanceof BodyTooLargeError) throw new CognitoIdentityError('SerializationException', `Request body exceeds ${BODY_LIMIT} bytes.`, 413);
    throw error;
  });
  const json = jsonObject(body);
  if (!json) throw new CognitoIdentityError('SerializationException', 'Request body is not valid JSON.');
  return json;
}
