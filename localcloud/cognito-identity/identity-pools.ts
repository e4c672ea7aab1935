import type { ProvisionedAssembly } from '../provisioning/types';
import { UNRESOLVED } from '../provisioning/types';

/**
 * Identity pools as the templates declare them: AWS::Cognito::IdentityPool
 * (Cognito providers, supported login providers, guest access) joined with its
 * AWS::Cognito::IdentityPoolRoleAttachment (roles and role mappings).
 */
export interface CognitoProvider {
  /** e.g. cognito-idp.us-east-1.amazonaws.com/us-east-1_abc — also the Logins key. */
  providerName: string;
  clientId: string;
  serverSideTokenCheck: boolean;
}

export interface MappingRule {
  claim: string;
  matchType: 'Equals' | 'Contains' | 'StartsWith' | 'NotEqual';
  value: string;
  roleArn: string;
}

export interface RoleMapping {
  type: 'Token' | 'Rules';
  ambiguousRoleResolution: 'AuthenticatedRole' | 'Deny';
  rules: MappingRule[];
}

export interface IdentityPoolConfig {
  id: string;
  name: string;
  allowUnauthenticated: boolean;
  allowClassicFlow: boolean;
  cognitoProviders: CognitoProvider[];
  /** Social providers (accounts.google.com, ...) → app id; not verifiable offline. */
  supportedLoginProviders: Record<string, string>;
  authenticatedRoleArn?: string;
  unauthenticatedRoleArn?: string;
  /** Keyed by provider name (`<providerName>:<clientId>` keys are normalized to the provider name + client). */
  roleMappings: Map<string, RoleMapping>;
}

const isUnresolved = (v: unknown) => !!v && typeof v === 'object' && UNRESOLVED in (v as object);

export function buildIdentityPools(assembly: ProvisionedAssembly): IdentityPoolConfig[] {
  const pools: IdentityPoolConfig[] = [];
  const attachments = assembly.ofType('AWS::Cognito::IdentityPoolRoleAttachment');
  for (const r of assembly.ofType('AWS::Cognito::IdentityPool')) {
    const attachment = attachments.find((a) => a.properties.IdentityPoolId === r.ref)?.properties ?? {};
    const roleMappings = new Map<string, RoleMapping>();
    for (const mapping of Object.values<any>(attachment.RoleMappings ?? {})) {
      if (!mapping || isUnresolved(mapping) || typeof mapping.IdentityProvider !== 'string') continue;
      roleMappings.set(mapping.IdentityProvider, {
        type: mapping.Type === 'Rules' ? 'Rules' : 'Token',
        ambiguousRoleResolution: mapping.AmbiguousRoleResolution === 'Deny' ? 'Deny' : 'AuthenticatedRole',
        rules: (mapping.RulesConfiguration?.Rules ?? []).map((rule: any) => ({
          claim: rule.Claim,
          matchType: rule.MatchType,
          value: rule.Value,
          roleArn: rule.RoleARN,
        })),
      });
    }
    let props = r.properties;
    if (isUnresolved(props)) {
      // The properties hold a deploy-time value (a social provider's client id from a
      // secret) and the whole object could not be resolved offline. Fall back on what
      // the rest of the assembly says: every user pool client named by a role mapping is
      // a Cognito provider, and guest access is on when the pool has an unauthenticated role.
      props = {
        AllowUnauthenticatedIdentities: typeof attachment.Roles?.unauthenticated === 'string',
        CognitoIdentityProviders: [...roleMappings.keys()].map((key) => {
          const [providerName, clientId] = key.split(':');
          return { ProviderName: providerName, ClientId: clientId };
        }),
      };
    }
    const supported: Record<string, string> = {};
    for (const [k, v] of Object.entries<any>(props.SupportedLoginProviders ?? {})) if (typeof v === 'string') supported[k] = v;
    pools.push({
      id: r.ref,
      name: props.IdentityPoolName ?? r.attributes.Name ?? r.logicalId,
      allowUnauthenticated: props.AllowUnauthenticatedIdentities === true || props.AllowUnauthenticatedIdentities === 'true',
      allowClassicFlow: props.AllowClassicFlow === true,
      cognitoProviders: (props.CognitoIdentityProviders ?? [])
        .filter((p: any) => typeof p?.ProviderName === 'string' && typeof p?.ClientId === 'string')
        .map((p: any) => ({ providerName: p.ProviderName, clientId: p.ClientId, serverSideTokenCheck: p.ServerSideTokenCheck === true })),
      supportedLoginProviders: supported,
      authenticatedRoleArn: typeof attachment.Roles?.authenticated === 'string' ? attachment.Roles.authenticated : undefined,
      unauthenticatedRoleArn: typeof attachment.Roles?.unauthenticated === 'string' ? attachment.Roles.unauthenticated : undefined,
      roleMappings,
    });
  }
  return pools;
}

/** The role mapping for a provider (`<provider>:<clientId>` keys first, then `<provider>`). */
export function roleMappingFor(pool: IdentityPoolConfig, providerName: string, clientId: string): RoleMapping | undefined {
  return pool.roleMappings.get(`${providerName}:${clientId}`) ?? pool.roleMappings.get(providerName);
}
