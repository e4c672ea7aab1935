import type { IamRole } from '../iam/iam-account';
import type { PolicyDocument } from '../iam/policy-evaluator';

/**
 * What `cdk bootstrap` leaves in an account, present in every local account
 * from the start (the tools never bootstrap the local cloud): the version
 * parameter, the assets bucket and the four roles the toolkit assumes,
 * shaped as the pinned aws-cdk's bootstrap template makes them
 * (node_modules/aws-cdk/lib/api/bootstrap/bootstrap-template.yaml).
 */
export const BOOTSTRAP_QUALIFIER = 'hnb659fds';
/** The template's `BootstrapVersion` (aws-cdk 2.1148: 33); the toolkit requires at least 6. */
export const BOOTSTRAP_VERSION = '33';
export const BOOTSTRAP_VERSION_PARAMETER = `/cdk-bootstrap/${BOOTSTRAP_QUALIFIER}/version`;

export const assetsBucketName = (accountId: string, region: string) => `cdk-${BOOTSTRAP_QUALIFIER}-assets-${accountId}-${region}`;

export type BootstrapRoleKind = 'deploy' | 'file-publishing' | 'image-publishing' | 'lookup' | 'cfn-exec';
export const BOOTSTRAP_ROLE_KINDS: BootstrapRoleKind[] = ['deploy', 'file-publishing', 'image-publishing', 'lookup', 'cfn-exec'];

export const bootstrapRoleName = (kind: BootstrapRoleKind, accountId: string, region: string) => `cdk-${BOOTSTRAP_QUALIFIER}-${kind}-role-${accountId}-${region}`;

function roleId(name: string): string {
  // AROA + 17 characters, stable per role name.
  let h = 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `AROA${h.toString(36).toUpperCase().padStart(8, 'X')}BOOTSTRAP`.slice(0, 21);
}

/** The bootstrap roles with their trust and identity policies (the template's, less KMS and ECR details). */
export function bootstrapRoles(accountId: string, region: string): IamRole[] {
  const bucket = assetsBucketName(accountId, region);
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const trustAccount: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
  };
  const trustCloudFormation: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  };
  const policies: Record<BootstrapRoleKind, PolicyDocument> = {
    'file-publishing': {
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject*', 's3:GetBucket*', 's3:GetEncryptionConfiguration', 's3:List*', 's3:DeleteObject*', 's3:PutObject*', 's3:Abort*'],
          Resource: [bucketArn, `${bucketArn}/*`],
        },
      ],
    },
    'image-publishing': { Statement: [{ Effect: 'Allow', Action: ['ecr:*'], Resource: '*' }] },
    lookup: { Statement: [{ Effect: 'Allow', Action: ['*:Describe*', '*:Get*', '*:List*'], Resource: '*' }] },
    deploy: {
      Statement: [
        { Effect: 'Allow', Action: ['cloudformation:*'], Resource: '*' },
        { Effect: 'Allow', Action: ['iam:PassRole'], Resource: `arn:aws:iam::${accountId}:role/${bootstrapRoleName('cfn-exec', accountId, region)}` },
        { Effect: 'Allow', Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:Abort*', 's3:DeleteObject*', 's3:PutObject*'], Resource: [bucketArn, `${bucketArn}/*`] },
        { Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: `arn:aws:ssm:${region}:${accountId}:parameter${BOOTSTRAP_VERSION_PARAMETER}` },
        // The hotswap path (`cdk deploy --hotswap`, what `ampx sandbox` uses for function code).
        { Effect: 'Allow', Action: ['lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration'], Resource: '*' },
        { Effect: 'Allow', Action: ['logs:FilterLogEvents', 'logs:DescribeLogGroups'], Resource: '*' },
      ],
    },
    'cfn-exec': { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  };
  return BOOTSTRAP_ROLE_KINDS.map((kind) => {
    const name = bootstrapRoleName(kind, accountId, region);
    return {
      name,
      arn: `arn:aws:iam::${accountId}:role/${name}`,
      roleId: roleId(name),
      logicalId: name,
      trustPolicy: kind === 'cfn-exec' ? trustCloudFormation : trustAccount,
      policies: [{ name: `${name}/default`, document: { Version: '2012-10-17', ...policies[kind] } }],
      unknownManagedPolicies: [],
    };
  });
}
