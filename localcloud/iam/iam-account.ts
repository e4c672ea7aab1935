import type { ProvisionedAssembly } from '../provisioning/types';
import { UNRESOLVED } from '../provisioning/types';
import type { NamedPolicy, PolicyDocument } from './policy-evaluator';

/**
 * The IAM side of a provisioned assembly: roles with their trust policy and
 * identity policies (inline `Policies`, AWS::IAM::Policy and
 * AWS::IAM::ManagedPolicy resources naming the role, ManagedPolicyArns that
 * point at managed policies of the assembly), and resource policies
 * (AWS::S3::BucketPolicy). AWS-managed policies (arn:aws:iam::aws:policy/...)
 * are not known offline and grant nothing here.
 */
export interface IamRole {
  name: string;
  arn: string;
  /** AROA... */
  roleId: string;
  logicalId: string;
  trustPolicy: PolicyDocument;
  /** MaxSessionDuration in seconds, when the template sets it (AWS's default is 3600). */
  maxSessionDuration?: number;
  policies: NamedPolicy[];
  /** ARNs of AWS-managed policies we cannot evaluate offline. */
  unknownManagedPolicies: string[];
}

export interface IamAccount {
  accountId: string;
  region: string;
  roles: Map<string, IamRole>; // by ARN
  roleByName(name: string): IamRole | undefined;
  /**
   * Adds a principal the templates do not declare: the CDK bootstrap roles,
   * and the operator (an IAM user, kept here by its user ARN so the
   * authorizer finds its policies as it finds a role's).
   */
  addRole(role: IamRole): void;
  bucketPolicies: Map<string, NamedPolicy>; // by bucket name
}

function isDocument(d: unknown): d is PolicyDocument {
  return !!d && typeof d === 'object' && !(UNRESOLVED in (d as object)) && 'Statement' in (d as object);
}

export function buildIamAccount(assembly: ProvisionedAssembly): IamAccount {
  const roles = new Map<string, IamRole>();
  const byName = new Map<string, IamRole>();
  const managed = new Map<string, NamedPolicy>(); // by ARN
  for (const r of assembly.ofType('AWS::IAM::ManagedPolicy')) {
    if (!isDocument(r.properties.PolicyDocument)) continue;
    const name = r.properties.ManagedPolicyName ?? r.logicalId;
    managed.set(r.ref, { name, document: r.properties.PolicyDocument });
  }
  for (const r of assembly.ofType('AWS::IAM::Role')) {
    const arn = r.arn ?? `arn:aws:iam::${assembly.accountId}:role/${r.ref}`;
    const role: IamRole = {
      name: r.ref,
      arn,
      roleId: r.attributes.RoleId ?? r.ref,
      logicalId: r.logicalId,
      trustPolicy: isDocument(r.properties.AssumeRolePolicyDocument) ? r.properties.AssumeRolePolicyDocument : { Statement: [] },
      maxSessionDuration: Number.isInteger(Number(r.properties.MaxSessionDuration)) ? Number(r.properties.MaxSessionDuration) : undefined,
      policies: [],
      unknownManagedPolicies: [],
    };
    for (const p of r.properties.Policies ?? []) {
      if (isDocument(p?.PolicyDocument)) role.policies.push({ name: `${r.logicalId}/${p.PolicyName}`, document: p.PolicyDocument });
    }
    for (const policyArn of r.properties.ManagedPolicyArns ?? []) {
      const known = typeof policyArn === 'string' ? managed.get(policyArn) : undefined;
      if (known) role.policies.push(known);
      else role.unknownManagedPolicies.push(String(policyArn));
    }
    roles.set(arn, role);
    byName.set(role.name, role);
  }
  const attach = (roleNames: unknown, policy: NamedPolicy) => {
    for (const name of Array.isArray(roleNames) ? roleNames : []) {
      const role = byName.get(String(name)) ?? roles.get(String(name));
      if (role && !role.policies.includes(policy)) role.policies.push(policy);
    }
  };
  for (const r of assembly.ofType('AWS::IAM::Policy')) {
    if (!isDocument(r.properties.PolicyDocument)) continue;
    attach(r.properties.Roles, { name: r.properties.PolicyName ?? r.logicalId, document: r.properties.PolicyDocument });
  }
  for (const r of assembly.ofType('AWS::IAM::ManagedPolicy')) {
    const policy = managed.get(r.ref);
    if (policy) attach(r.properties.Roles, policy);
  }
  const bucketPolicies = new Map<string, NamedPolicy>();
  for (const r of assembly.ofType('AWS::S3::BucketPolicy')) {
    if (!isDocument(r.properties.PolicyDocument) || typeof r.properties.Bucket !== 'string') continue;
    bucketPolicies.set(r.properties.Bucket, { name: `${r.logicalId}(bucket policy)`, document: r.properties.PolicyDocument });
  }
  return {
    accountId: assembly.accountId,
    region: assembly.region,
    roles,
    roleByName: (name) => byName.get(name),
    addRole(role) {
      roles.set(role.arn, role);
      byName.set(role.name, role);
    },
    bucketPolicies,
  };
}
