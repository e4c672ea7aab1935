import type { BoundCredentials } from './credentials';
import type { IamAccount } from './iam-account';
import { type Decision, evaluate, type NamedPolicy, type RequestContextKeys } from './policy-evaluator';

/**
 * Authorizes a request made with temporary credentials: the role's identity
 * policies, plus the resource policy (bucket policy) when there is one.
 *
 * aws:SecureTransport: the local cloud listens on loopback only, over plain
 * HTTP. Traffic that never leaves the machine cannot be read or altered on a
 * network, so a request arriving on a loopback address counts as a secure
 * transport (`aws:SecureTransport = true`), and the bucket policy's "deny
 * non-TLS" statement does not fire for it. A request from any other address
 * would count as insecure and be denied by that statement.
 */
export interface AuthorizeRequest {
  credentials: BoundCredentials;
  /** e.g. s3:GetObject, cognito-idp:AdminAddUserToGroup, ssm:GetParameter */
  action: string;
  /** ARN of the resource. */
  resource: string;
  /** Service-specific keys (s3:prefix, ...) and overrides; merged over the standard aws:* keys. */
  context?: RequestContextKeys;
  /** Resource policies to include (default: the bucket policy for s3 ARNs). */
  resourcePolicies?: NamedPolicy[];
  /** Remote address of the request, for aws:SourceIp and aws:SecureTransport. */
  sourceIp?: string;
}

export interface AuthorizationResult {
  allowed: boolean;
  decision: Decision;
  decidedBy?: string;
  /** AWS-style message for AccessDenied. */
  message: string;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return true; // in-process calls
  const a = address.replace(/^::ffff:/, '');
  return a === '::1' || a.startsWith('127.');
}

/** An IAM user's ARN (the operator's long-term key), as opposed to a role's. */
export const isUserArn = (arn: string) => /^arn:aws[\w-]*:iam::\d{12}:user\//.test(arn);

export class Authorizer {
  constructor(
    private readonly account: IamAccount,
    private readonly now: () => Date = () => new Date(),
  ) {}

  principalArn(credentials: BoundCredentials): string {
    if (isUserArn(credentials.roleArn)) return credentials.roleArn; // a long-term key: the IAM user itself
    const role = this.account.roles.get(credentials.roleArn);
    const roleName = role?.name ?? credentials.roleArn.split('/').pop();
    return `arn:aws:sts::${this.account.accountId}:assumed-role/${roleName}/${credentials.sessionName}`;
  }

  /** The standard request context for a session of these credentials. */
  contextFor(credentials: BoundCredentials, sourceIp?: string): RequestContextKeys {
    const now = this.now();
    const context: RequestContextKeys = {
      'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
      'aws:SecureTransport': isLoopback(sourceIp) ? 'true' : 'false',
      'aws:SourceIp': sourceIp?.replace(/^::ffff:/, '') ?? '127.0.0.1',
      'aws:PrincipalType': isUserArn(credentials.roleArn) ? 'User' : 'AssumedRole',
      'aws:PrincipalArn': credentials.roleArn,
      'aws:PrincipalAccount': this.account.accountId,
      'aws:userid': isUserArn(credentials.roleArn) ? credentials.roleId : `${credentials.roleId}:${credentials.sessionName}`,
      'aws:RequestedRegion': this.account.region,
      'aws:TokenIssueTime': credentials.issuedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    if (credentials.identityId) {
      context['cognito-identity.amazonaws.com:sub'] = credentials.identityId;
      context['cognito-identity.amazonaws.com:aud'] = credentials.identityPoolId;
      context['cognito-identity.amazonaws.com:amr'] = credentials.amr;
      context['aws:FederatedProvider'] = 'cognito-identity.amazonaws.com';
    }
    return context;
  }

  authorize(request: AuthorizeRequest): AuthorizationResult {
    const { credentials, action, resource } = request;
    const role = this.account.roles.get(credentials.roleArn);
    const identityPolicies = role?.policies ?? [];
    let resourcePolicies = request.resourcePolicies;
    if (!resourcePolicies && resource.startsWith('arn:aws:s3:::')) {
      const bucket = resource.slice('arn:aws:s3:::'.length).split('/')[0];
      const policy = this.account.bucketPolicies.get(bucket);
      resourcePolicies = policy ? [policy] : [];
    }
    const principalArn = this.principalArn(credentials);
    const result = evaluate(
      {
        principal: { arn: principalArn, roleArn: credentials.roleArn, accountId: this.account.accountId },
        action,
        resource,
        context: { ...this.contextFor(credentials, request.sourceIp), ...request.context },
      },
      identityPolicies,
      resourcePolicies ?? [],
    );
    const allowed = result.decision === 'Allow';
    const message = allowed
      ? 'Allowed'
      : `User: ${principalArn} is not authorized to perform: ${action} on resource: "${resource}" ${
          result.decision === 'ExplicitDeny' ? `with an explicit deny in ${result.decidedBy}` : 'because no identity-based policy allows the ' + action + ' action'
        }`;
    return { allowed, decision: result.decision, decidedBy: result.decidedBy, message };
  }
}
