/** A refused signature, carrying the S3-style error code and HTTP status. */
export class SigV4Error extends Error {
  constructor(
    readonly code:
      | 'AccessDenied'
      | 'AuthorizationHeaderMalformed'
      | 'AuthorizationQueryParametersError'
      | 'InvalidAccessKeyId'
      | 'InvalidToken'
      | 'ExpiredToken'
      | 'SignatureDoesNotMatch'
      | 'RequestTimeTooSkewed'
      | 'MissingSecurityHeader'
      | 'InvalidRequest'
      | 'InvalidArgument'
      | 'XAmzContentSHA256Mismatch'
      | 'IncompleteBody'
      | 'BadDigest'
      | 'InvalidChunkSizeError',
    message: string,
    readonly status = code === 'RequestTimeTooSkewed' ||
      code === 'AccessDenied' ||
      code === 'InvalidAccessKeyId' ||
      code === 'SignatureDoesNotMatch'
      ? 403
      : code === 'ExpiredToken' || code === 'InvalidToken'
        ? 400
        : 400,
  ) {
    super(message);
  }
}
