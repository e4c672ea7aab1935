import type { IncomingMessage } from 'node:http';
import { AwsJsonError } from '../http/http';
import { sha256Hex, verifySigV4 } from '../sigv4/verify';
import { SigV4Error } from '../sigv4/errors';

/**
 * SigV4 + IAM for the AWS JSON protocol services (SSM, cognito-idp's Admin*
 * and List* operations): the request's signature is verified against the
 * temporary credentials the local cloud issued, then the action is authorized
 * by the credentials' role policies. Errors are worded as those services word
 * them (all HTTP 400, as the JSON services answer).
 *
 * The credential store and the authorizer are the IAM service's
 * (localcloud/iam); these are the parts of them this module uses.
 */
export interface SignedCaller {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  roleArn: string;
  sessionName: string;
  expiration: Date;
}

export interface CredentialLookup<C extends SignedCaller = SignedCaller> {
  lookup(accessKeyId: string): C | undefined;
  /** The key's secret, session token (none for a long-term key) and expiry, for SigV4. */
  signingSecret(accessKeyId: string): { secretAccessKey: string; sessionToken?: string; expiration?: Date } | undefined;
}

export interface PolicyAuthorizer<C extends SignedCaller = SignedCaller> {
  authorize(request: { credentials: C; action: string; resource: string; sourceIp?: string }): {
    allowed: boolean;
    message: string;
  };
}

export class AwsJsonAuthError extends AwsJsonError {
  constructor(code: string, message: string) {
    super(code, message, 400);
  }
}

export interface AwsJsonAuthOptions<C extends SignedCaller> {
  credentials: CredentialLookup<C>;
  authorizer: PolicyAuthorizer<C>;
  region: string;
  now?: () => Date;
}

export interface AwsJsonAuth<C extends SignedCaller = SignedCaller> {
  /** Verifies the request's SigV4 signature (the body is part of it). */
  authenticate(req: IncomingMessage, body: Buffer, service: string): C;
  /** Throws AccessDeniedException unless the caller's policies allow the action on the resource. */
  authorize(caller: C, action: string, resource: string, sourceIp?: string): void;
}

export function createAwsJsonAuth<C extends SignedCaller>(options: AwsJsonAuthOptions<C>): AwsJsonAuth<C> {
  return {
    authenticate(req, body, service) {
      const headers: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      let accessKeyId: string;
      try {
        ({ accessKeyId } = verifySigV4(
          { method: req.method ?? 'POST', url: req.url ?? '/', headers },
          {
            service,
            region: options.region,
            now: options.now,
            payloadHash: sha256Hex(body),
            lookup: (id) => options.credentials.signingSecret(id),
          },
        ));
      } catch (error) {
        if (error instanceof SigV4Error) throw jsonAuthError(error);
        throw error;
      }
      const caller = options.credentials.lookup(accessKeyId);
      if (!caller) throw new AwsJsonAuthError('UnrecognizedClientException', 'The security token included in the request is invalid.');
      return caller;
    },
    authorize(caller, action, resource, sourceIp) {
      const result = options.authorizer.authorize({ credentials: caller, action, resource, sourceIp });
      if (!result.allowed) throw new AwsJsonAuthError('AccessDeniedException', result.message);
    },
  };
}

/** SigV4 failures as the JSON protocol services name them. */
function jsonAuthError(error: SigV4Error): AwsJsonAuthError {
  switch (error.code) {
    case 'InvalidAccessKeyId':
    case 'InvalidToken':
      return new AwsJsonAuthError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    case 'ExpiredToken':
      return new AwsJsonAuthError('ExpiredTokenException', 'The security token included in the request is expired');
    case 'SignatureDoesNotMatch':
      return new AwsJsonAuthError(
        'InvalidSignatureException',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      );
    case 'RequestTimeTooSkewed':
      return new AwsJsonAuthError('InvalidSignatureException', `Signature expired: ${error.message}`);
    case 'AccessDenied':
      return /no AWS Signature/.test(error.message)
        ? new AwsJsonAuthError('MissingAuthenticationTokenException', 'Missing Authentication Token')
        : new AwsJsonAuthError('IncompleteSignatureException', error.message);
    default:
      return new AwsJsonAuthError('IncompleteSignatureException', error.message);
  }
}
