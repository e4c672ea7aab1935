import type { IamRole } from './iam-account';
import { evaluate } from './policy-evaluator';

/** What a Cognito identity-pool identity presents to assume a role: the pool, the identity, how it signed in. */
export interface CognitoWebIdentity {
  /** The identity pool id (`cognito-identity.amazonaws.com:aud`). */
  aud: string;
  /** The identity id (`cognito-identity.amazonaws.com:sub`). */
  sub: string;
  /** `unauthenticated`, or `authenticated` and the login providers (`cognito-identity.amazonaws.com:amr`). */
  amr: string[];
}

/**
 * Does the role's trust policy let a Cognito identity assume it
 * (sts:AssumeRoleWithWebIdentity by the federated principal
 * cognito-identity.amazonaws.com, with its aud / sub / amr keys)? The one
 * check behind GetCredentialsForIdentity (enhanced flow) and STS
 * AssumeRoleWithWebIdentity (basic flow).
 */
export function trustsCognitoIdentity(role: IamRole, identity: CognitoWebIdentity, now: Date): boolean {
  const trust = evaluate(
    {
      principal: { arn: 'cognito-identity.amazonaws.com', federated: 'cognito-identity.amazonaws.com' },
      action: 'sts:AssumeRoleWithWebIdentity',
      resource: role.arn,
      context: {
        'cognito-identity.amazonaws.com:aud': identity.aud,
        'cognito-identity.amazonaws.com:sub': identity.sub,
        'cognito-identity.amazonaws.com:amr': identity.amr,
        'aws:FederatedProvider': 'cognito-identity.amazonaws.com',
        'aws:CurrentTime': now.toISOString(),
        'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
      },
    },
    [],
    [{ name: `${role.logicalId} trust policy`, document: role.trustPolicy }],
  );
  return trust.decision === 'Allow';
}
