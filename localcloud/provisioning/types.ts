/**
 * The provisioned view of a CDK cloud assembly: every resource of every stack
 * (root and nested), with its properties' intrinsics resolved against
 * deterministic local identifiers. Services (cognito-idp, cognito-identity,
 * iam, s3, lambda) build their own state from this and nothing else.
 */
export interface ProvisionedResource {
  /** Name of the (possibly nested) stack that declares it. */
  stackName: string;
  logicalId: string;
  /** CloudFormation type, e.g. AWS::Cognito::UserPool. */
  type: string;
  /** What `Ref` returns for this resource (pool id, role name, bucket name, ...). */
  ref: string;
  /** What `Fn::GetAtt [id, Arn]` returns, where the type has an ARN. */
  arn?: string;
  /** Other attributes `Fn::GetAtt` can return (ProviderName, RoleId, ...). */
  attributes: Record<string, string>;
  /** Properties with every intrinsic resolved. Unresolvable values (a custom
   * resource's attribute, e.g. a secret) become `{ "LocalCloud::Unresolved": "<Logical.Attr>" }`. */
  properties: Record<string, any>;
  metadata?: Record<string, unknown>;
}

export interface ProvisionedAssembly {
  region: string;
  accountId: string;
  /** The root stack's name, e.g. amplify-<app>-<name>-sandbox-<hash>. */
  rootStackName: string;
  /** Absolute path of the cloud assembly folder (assets are relative to it). */
  directory: string;
  resources: ProvisionedResource[];
  /** Resources of one CloudFormation type, in template order. */
  ofType(type: string): ProvisionedResource[];
  /** The resource whose Ref or Arn equals the given value. */
  find(refOrArn: string): ProvisionedResource | undefined;
  /** The root stack's Outputs, resolved. */
  rootOutputs: Record<string, string>;
  /** The root stack's Metadata (AWS::Amplify::Auth, ... with stackOutputs). */
  rootMetadata: Record<string, unknown>;
  /** Absolute path of an asset (a Lambda's code folder, a nested template)
   * from its object key as templates name it (e.g. `<hash>.zip`). */
  assetPath(objectKey: string): string | undefined;
}

/** Marker left where a value only exists at deploy time (e.g. a secret). */
export const UNRESOLVED = 'LocalCloud::Unresolved';
