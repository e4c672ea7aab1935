import { QueryProtocolError } from '../http/query-protocol';
import { SigV4Error } from '../sigv4/errors';

/** An STS error: `<ErrorResponse>` with STS's code, message and status. */
export class StsError extends QueryProtocolError {}

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

export const invalidClientTokenId = () => new StsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);

/** SigV4 failures as STS words them. */
export function stsAuthError(error: SigV4Error): StsError {
  switch (error.code) {
    case 'InvalidAccessKeyId':
    case 'InvalidToken':
      return invalidClientTokenId();
    case 'ExpiredToken':
      return new StsError('ExpiredToken', 'The security token included in the request is expired', 400);
    case 'SignatureDoesNotMatch':
      return new StsError(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
        403,
      );
    case 'RequestTimeTooSkewed':
      return new StsError('SignatureDoesNotMatch', `Signature expired: ${error.message}`, 403);
    case 'AccessDenied':
      if (/no AWS Signature/.test(error.message)) return new StsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
      if (/expired/i.test(error.message)) return new StsError('ExpiredToken', 'The security token included in the request is expired', 400);
      return new StsError('IncompleteSignature', error.message, 400);
    default:
      return new StsError('IncompleteSignature', error.message, 400);
  }
}
