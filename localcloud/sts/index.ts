import type { IncomingMessage, ServerResponse } from 'node:http';
import { isQueryProtocolRequest, newRequestId, QueryProtocolError, readQueryRequest, sendQueryError, sendQueryResult, signedServiceName, unsupportedOperation } from '../http/query-protocol';
import type { IamServices } from '../iam';
import { sha256Hex, verifySigV4 } from '../sigv4/verify';
import { SigV4Error } from '../sigv4/errors';
import { invalidClientTokenId, STS_NAMESPACE, StsError, stsAuthError } from './errors';
import { AssumeRole } from './assume-role';
import { AssumeRoleWithWebIdentity } from './assume-role-with-web-identity';
import { GetCallerIdentity } from './get-caller-identity';
import type { StsCaller, StsServices } from './services';

/**
 * STS over the AWS query protocol (form-encoded POST to `/`, or a presigned
 * GET, `Action=...&Version=2011-06-15`, XML answers). It claims query-protocol
 * requests signed for `sts` and unsigned ones (AssumeRoleWithWebIdentity is an
 * unsigned call); query-protocol requests of other services are not its own.
 *
 * Signatures are verified against the credentials the local cloud issued
 * (identity-pool and Lambda role sessions); any region is accepted in the
 * scope, as the global endpoint signs with us-east-1.
 */
const VERSION = '2011-06-15';

/** STS's operations; those not in `signed`/`unsigned` below answer 501. */
const STS_ACTIONS = new Set([
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'AssumeRoot',
  'DecodeAuthorizationMessage',
  'GetAccessKeyInfo',
  'GetCallerIdentity',
  'GetDelegatedAccessToken',
  'GetFederationToken',
  'GetSessionToken',
  'GetWebIdentityToken',
]);

export function matchesSts(req: IncomingMessage): boolean {
  if (!isQueryProtocolRequest(req)) return false;
  const service = signedServiceName(req);
  return service === undefined || service === 'sts';
}

export function createStsService(options: { iam: IamServices; verifyWebIdentityToken: StsServices['verifyWebIdentityToken']; now?: () => Date }) {
  const services: StsServices = { iam: options.iam, now: options.now ?? (() => new Date()), verifyWebIdentityToken: options.verifyWebIdentityToken };
  const signed: Record<string, (caller: StsCaller, params: URLSearchParams) => Record<string, unknown> | Promise<Record<string, unknown>>> = {
    GetCallerIdentity: GetCallerIdentity(services),
    AssumeRole: AssumeRole(services),
  };
  const unsigned: Record<string, (params: URLSearchParams) => Record<string, unknown> | Promise<Record<string, unknown>>> = {
    AssumeRoleWithWebIdentity: AssumeRoleWithWebIdentity(services),
  };

  function authenticate(req: IncomingMessage, body: Buffer): StsCaller {
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
    try {
      const { accessKeyId } = verifySigV4(
        { method: req.method ?? 'POST', url: req.url ?? '/', headers },
        {
          service: 'sts',
          now: services.now,
          payloadHash: sha256Hex(body),
          lookup: (id) => services.iam.credentials.signingSecret(id),
        },
      );
      const caller = services.iam.credentials.lookup(accessKeyId);
      if (!caller) throw invalidClientTokenId();
      return caller;
    } catch (error) {
      throw error instanceof SigV4Error ? stsAuthError(error) : error;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = String(res.getHeader('x-amzn-RequestId') ?? '') || newRequestId(); // the front door's, when it stamped one
    try {
      const request = await readQueryRequest(req);
      const { action, params } = request;
      if (!Object.hasOwn(signed, action) && !Object.hasOwn(unsigned, action)) {
        if (STS_ACTIONS.has(action)) throw unsupportedOperation('STS', action);
        throw new StsError('InvalidAction', `Could not find operation ${action} for version ${request.version ?? VERSION}`, 400);
      }
      if (request.version !== undefined && request.version !== VERSION) {
        throw new StsError('InvalidAction', `Could not find operation ${action} for version ${request.version}`, 400);
      }
      const result = Object.hasOwn(unsigned, action) ? await unsigned[action](params) : await signed[action](authenticate(req, request.body), params);
      sendQueryResult(res, { action, namespace: STS_NAMESPACE, result, requestId });
    } catch (error) {
      if (error instanceof QueryProtocolError) return sendQueryError(res, error, { namespace: STS_NAMESPACE, requestId });
      console.error('[sts] internal error', error);
      sendQueryError(res, new StsError('InternalFailure', 'The local cloud failed to process the request; see its console.', 500), { namespace: STS_NAMESPACE, requestId });
    }
  }

  return { name: 'sts', matches: matchesSts, handle };
}
