import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag AwsSolutions findings this backend accepts, each with its reason.
 * Acknowledgements are construct metadata only: templates do not change.
 * `npm test` fails on any finding not listed here (amplify/nag.test.ts).
 */
export const AUTH_ACKNOWLEDGEMENTS = [
  {
    id: 'AwsSolutions-COG7',
    reason: 'Guest identities exist on purpose: signed-out visitors read public/ files through the unauthenticated role.',
  },
  {
    id: 'AwsSolutions-COG2',
    reason: 'MFA is optional by product decision; people turn on TOTP or SMS from their profile.',
  },
  {
    id: 'AwsSolutions-COG8',
    reason: 'The Plus feature plan (threat protection) is a per-user cost this product does not take on yet.',
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'Function roles made by Amplify and CDK use the AWS-managed basic execution policy: CloudWatch Logs only.',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::arn:aws:ssm:*:*:parameter/amplify/amplifyvault/local-sandbox-b1bf32956d/*]',
    reason: "Amplify's secret fetcher reads this backend's own secrets, scoped to its own parameter path.",
  },
  {
    id: 'AwsSolutions-IAM5[Resource::arn:aws:ssm:*:*:parameter/amplify/shared/amplifyvault/*]',
    reason: "Amplify's secret fetcher reads the app's shared secrets, scoped to the app's parameter path.",
  },
  {
    id: 'AwsSolutions-IAM5[Resource::<AmplifySecretFetcherResourceProviderLambda27823B35.Arn>:*]',
    reason: 'The CDK custom-resource framework invokes any version of its own provider function.',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Cognito sends SMS through SNS to any phone number: sns:Publish cannot be scoped to a resource.',
  },
  {
    id: 'AwsSolutions-L1',
    reason: 'The runtime of Amplify and CDK framework functions is pinned by those libraries.',
  },
];

export const STORAGE_ACKNOWLEDGEMENTS = [
  ...['public/*', 'protected/*', 'shared/*', 'admin/*', 'audit/*', 'owners/*'].map((prefix) => ({
    id: `AwsSolutions-IAM5[Resource::<vaultFilesBucket7227EF26.Arn>/${prefix}]`,
    reason: `The storage rule for ${prefix} grants every object under that prefix: the wildcard is the rule.`,
  })),
  ...['private', 'protected', 'public'].map((area) => ({
    id: `AwsSolutions-IAM5[Resource::<vaultFilesBucket7227EF26.Arn>/${area}/<cognito-identity.amazonaws.com:sub>/*]`,
    reason: `Each person's own ${area}/ folder, bound to their identity id by the policy variable.`,
  })),
  {
    id: 'AwsSolutions-S1',
    reason: 'Server access logs would need a second bucket per environment; object access is audited with CloudTrail data events instead.',
  },
  {
    id: 'AwsSolutions-L1',
    reason: "The runtime of CDK's auto-delete-objects provider is pinned by aws-cdk-lib.",
  },
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: "CDK's auto-delete-objects provider uses the AWS-managed basic execution policy: CloudWatch Logs only.",
  },
];

/** The admin REST API (amplify/api/) and its function (amplify/functions/admin-api/). */
export const ADMIN_API_ACKNOWLEDGEMENTS = [
  {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'The admin API function writes its logs with the AWS-managed basic execution policy: CloudWatch Logs only.',
  },
  {
    id: 'AwsSolutions-APIG1',
    reason:
      'Every change made through the API is recorded by the function in the audit log (who, what, when, before/after) and every call is in its CloudWatch logs; stage access logs would need the account-wide API Gateway CloudWatch role, which a per-branch stack must not own.',
  },
  {
    id: 'AwsSolutions-APIG6',
    reason:
      'Execution logging needs the account-wide API Gateway CloudWatch role (AWS::ApiGateway::Account), which a per-branch stack must not own; the function logs every call itself.',
  },
  {
    id: 'AwsSolutions-APIG2',
    reason:
      'The function validates every path parameter and body itself (it must, to answer in plain words), and the authorizer refuses calls without a valid id token before any of it runs.',
  },
  {
    id: 'AwsSolutions-APIG3',
    reason:
      'A WAF web ACL is a per-month cost this product does not take on yet; every method requires a valid user-pool id token and admin routes are refused by the function to anyone outside ADMINS.',
  },
];

export function acknowledge(scope: IConstruct, acknowledgements: { id: string; reason: string }[]): void {
  for (const acknowledgement of acknowledgements) Validations.of(scope).acknowledge(acknowledgement);
}
