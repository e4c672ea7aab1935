import type { ProvisionedAssembly, ProvisionedResource } from './types';

/**
 * User pools as the local cognito-idp serves them, built from the
 * provisioned assembly's AWS::Cognito::* resources with CloudFormation's
 * (and Cognito's) defaults filled in.
 */
export interface SchemaAttribute {
  name: string;
  type: 'String' | 'Number' | 'DateTime' | 'Boolean';
  mutable: boolean;
  required: boolean;
  /** Custom attributes are named `custom:<name>` on the wire. */
  custom: boolean;
  minLength?: number;
  maxLength?: number;
}

export interface PasswordPolicy {
  minimumLength: number;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
  temporaryPasswordValidityDays: number;
}

export interface UserPoolClientConfig {
  clientId: string;
  name: string;
  clientSecret?: string;
  /** ALLOW_* flows; Cognito's default when none is set: SRP, custom and refresh. */
  explicitAuthFlows: string[];
  accessTokenValiditySeconds: number;
  idTokenValiditySeconds: number;
  refreshTokenValiditySeconds: number;
  /** AuthSessionValidity: how long a challenge's Session (and SRP SECRET_BLOCK) lasts; 3 to 15 minutes, 3 by default. */
  authSessionValiditySeconds: number;
  preventUserExistenceErrors: boolean;
  enableTokenRevocation: boolean;
  readAttributes?: string[];
  writeAttributes?: string[];
  oauth: {
    /** AllowedOAuthFlowsUserPoolClient: without it the client cannot use the OAuth 2.0 endpoints. */
    enabled: boolean;
    flows: string[];
    scopes: string[];
    callbackUrls: string[];
    logoutUrls: string[];
    identityProviders: string[];
  };
}

export interface UserPoolGroupConfig {
  name: string;
  precedence?: number;
  roleArn?: string;
  description?: string;
}

export interface UserPoolConfig {
  id: string;
  arn: string;
  name: string;
  region: string;
  schema: SchemaAttribute[];
  /** `email` and/or `phone_number` when those are the username (sign-in with them, internal username = sub). */
  usernameAttributes: string[];
  aliasAttributes: string[];
  caseSensitiveUsernames: boolean;
  autoVerifiedAttributes: string[];
  /** Attributes whose new value waits for verification before it replaces the old one. */
  attributesRequireVerificationBeforeUpdate: string[];
  passwordPolicy: PasswordPolicy;
  mfaConfiguration: 'OFF' | 'ON' | 'OPTIONAL';
  enabledMfas: string[];
  accountRecovery: { name: string; priority: number }[];
  /** Trigger name (PreSignUp, ...) → function ARN, recorded for the Lambda service. */
  lambdaConfig: Record<string, string>;
  verificationMessages: {
    emailSubject: string;
    emailMessage: string;
    smsMessage: string;
    /** SmsAuthenticationMessage: the SMS MFA code's text. */
    smsAuthenticationMessage: string;
  };
  /** AdminCreateUserConfig.InviteMessageTemplate: the invitation AdminCreateUser sends ({username}, {####} = temporary password). */
  inviteMessages: { emailSubject: string; emailMessage: string; smsMessage: string };
  deviceConfiguration?: { challengeRequiredOnNewDevice: boolean; deviceOnlyRememberedOnUserPrompt: boolean };
  allowAdminCreateUserOnly: boolean;
  clients: UserPoolClientConfig[];
  groups: UserPoolGroupConfig[];
  domain?: string;
  /** The pool's external identity providers (AWS::Cognito::UserPoolIdentityProvider): name, type and attribute mapping (pool attribute → provider attribute). */
  identityProviders: UserPoolIdentityProviderConfig[];
}

export interface UserPoolIdentityProviderConfig {
  name: string;
  type: string;
  attributeMapping: Record<string, string>;
  /** IdpIdentifiers: other names `idp_identifier` may give. */
  identifiers: string[];
}

/** Cognito's standard attributes, all Strings except these. */
const STANDARD_ATTRIBUTES: Record<string, SchemaAttribute['type']> = Object.fromEntries(
  [
    'sub', 'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile',
    'picture', 'website', 'email', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number', 'address',
  ].map((n) => [n, 'String' as const]).concat([
    ['email_verified', 'Boolean'],
    ['phone_number_verified', 'Boolean'],
    ['updated_at', 'Number'],
  ]),
);

const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minimumLength: 8,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: true,
  temporaryPasswordValidityDays: 7,
};

const DEFAULT_EMAIL_SUBJECT = 'Your verification code';
const DEFAULT_INVITE = 'Your username is {username} and temporary password is {####}.';
const DEFAULT_MESSAGE = 'Your verification code is {####}. ';

export function buildUserPools(assembly: ProvisionedAssembly): UserPoolConfig[] {
  const clients = assembly.ofType('AWS::Cognito::UserPoolClient');
  const groups = assembly.ofType('AWS::Cognito::UserPoolGroup');
  const domains = assembly.ofType('AWS::Cognito::UserPoolDomain');
  const providers = assembly.ofType('AWS::Cognito::UserPoolIdentityProvider');
  return assembly.ofType('AWS::Cognito::UserPool').map((pool) => {
    const p = pool.properties;
    const belongs = (r: ProvisionedResource) => r.properties.UserPoolId === pool.ref;
    const template = p.VerificationMessageTemplate ?? {};
    const invite = p.AdminCreateUserConfig?.InviteMessageTemplate ?? {};
    refuseNotEmulated(pool, clients.filter(belongs));
    return {
      id: pool.ref,
      arn: pool.arn ?? `arn:aws:cognito-idp:${assembly.region}:${assembly.accountId}:userpool/${pool.ref}`,
      name: p.UserPoolName ?? pool.logicalId,
      region: assembly.region,
      schema: buildSchema(p.Schema ?? []),
      usernameAttributes: p.UsernameAttributes ?? [],
      aliasAttributes: p.AliasAttributes ?? [],
      caseSensitiveUsernames: p.UsernameConfiguration?.CaseSensitive ?? true,
      autoVerifiedAttributes: p.AutoVerifiedAttributes ?? [],
      attributesRequireVerificationBeforeUpdate:
        p.UserAttributeUpdateSettings?.AttributesRequireVerificationBeforeUpdate ?? [],
      passwordPolicy: buildPasswordPolicy(p.Policies?.PasswordPolicy, p.AdminCreateUserConfig?.UnusedAccountValidityDays),
      mfaConfiguration: p.MfaConfiguration ?? 'OFF',
      enabledMfas: p.EnabledMfas ?? (p.MfaConfiguration && p.MfaConfiguration !== 'OFF' ? ['SMS_MFA'] : []),
      accountRecovery: (p.AccountRecoverySetting?.RecoveryMechanisms ?? []).map((m: any) => ({
        name: m.Name,
        priority: Number(m.Priority),
      })),
      lambdaConfig: Object.fromEntries(
        Object.entries(p.LambdaConfig ?? {}).filter(([, arn]) => typeof arn === 'string') as [string, string][],
      ),
      verificationMessages: {
        emailSubject: template.EmailSubject ?? p.EmailVerificationSubject ?? DEFAULT_EMAIL_SUBJECT,
        emailMessage: template.EmailMessage ?? p.EmailVerificationMessage ?? DEFAULT_MESSAGE,
        smsMessage: template.SmsMessage ?? p.SmsVerificationMessage ?? DEFAULT_MESSAGE,
        smsAuthenticationMessage: p.SmsAuthenticationMessage ?? 'Your authentication code is {####}. ',
      },
      inviteMessages: {
        emailSubject: invite.EmailSubject ?? 'Your temporary password',
        emailMessage: invite.EmailMessage ?? DEFAULT_INVITE,
        smsMessage: invite.SMSMessage ?? DEFAULT_INVITE,
      },
      deviceConfiguration: p.DeviceConfiguration
        ? {
            challengeRequiredOnNewDevice: bool(p.DeviceConfiguration.ChallengeRequiredOnNewDevice),
            deviceOnlyRememberedOnUserPrompt: bool(p.DeviceConfiguration.DeviceOnlyRememberedOnUserPrompt),
          }
        : undefined,
      allowAdminCreateUserOnly: bool(p.AdminCreateUserConfig?.AllowAdminCreateUserOnly),
      clients: clients.filter(belongs).map(buildClient),
      groups: groups.filter(belongs).map((g) => ({
        name: g.properties.GroupName ?? g.ref,
        precedence: g.properties.Precedence === undefined ? undefined : Number(g.properties.Precedence),
        roleArn: g.properties.RoleArn,
        description: g.properties.Description,
      })),
      domain: domains.find(belongs)?.properties.Domain,
      identityProviders: providers.filter(belongs).map((r) => ({
        name: r.properties.ProviderName,
        type: r.properties.ProviderType,
        attributeMapping: { ...(r.properties.AttributeMapping ?? {}) },
        identifiers: r.properties.IdpIdentifiers ?? [],
      })),
    };
  });
}

const bool = (value: unknown): boolean => value === true || value === 'true';

function buildSchema(declared: any[]): SchemaAttribute[] {
  const schema = new Map<string, SchemaAttribute>();
  for (const [name, type] of Object.entries(STANDARD_ATTRIBUTES)) {
    schema.set(name, { name, type, mutable: name !== 'sub', required: name === 'sub', custom: false });
  }
  for (const attribute of declared) {
    const standard = attribute.Name in STANDARD_ATTRIBUTES;
    const name = standard ? attribute.Name : `custom:${attribute.Name}`;
    const constraints = attribute.StringAttributeConstraints ?? {};
    schema.set(name, {
      name,
      type: attribute.AttributeDataType ?? STANDARD_ATTRIBUTES[attribute.Name] ?? 'String',
      mutable: attribute.Mutable === undefined ? true : bool(attribute.Mutable),
      required: bool(attribute.Required),
      custom: !standard,
      minLength: constraints.MinLength === undefined ? undefined : Number(constraints.MinLength),
      maxLength: constraints.MaxLength === undefined ? undefined : Number(constraints.MaxLength),
    });
  }
  return [...schema.values()];
}

function buildPasswordPolicy(policy: any, unusedAccountValidityDays: unknown): PasswordPolicy {
  // The older AdminCreateUserConfig.UnusedAccountValidityDays stands in when the policy does not say.
  const legacyDays = unusedAccountValidityDays === undefined ? undefined : Number(unusedAccountValidityDays);
  if (!policy) return { ...DEFAULT_PASSWORD_POLICY, temporaryPasswordValidityDays: legacyDays ?? 7 };
  return {
    minimumLength: Number(policy.MinimumLength ?? DEFAULT_PASSWORD_POLICY.minimumLength),
    requireLowercase: bool(policy.RequireLowercase),
    requireUppercase: bool(policy.RequireUppercase),
    requireNumbers: bool(policy.RequireNumbers),
    requireSymbols: bool(policy.RequireSymbols),
    temporaryPasswordValidityDays: Number(policy.TemporaryPasswordValidityDays ?? legacyDays ?? 7),
  };
}

/** AuthSessionValidity in minutes, as CloudFormation accepts it (3–15), in seconds. */
function authSessionValidity(value: unknown, logicalId: string): number {
  const minutes = value === undefined ? 3 : Number(value);
  if (!Number.isInteger(minutes) || minutes < 3 || minutes > 15) {
    throw new Error(`${logicalId}: AuthSessionValidity must be a whole number of minutes from 3 to 15 (got ${String(value)}).`);
  }
  return minutes * 60;
}

/**
 * Template settings that change how sign-in or messages behave and that the
 * local cloud does not emulate stop it at startup, naming the setting,
 * rather than being silently ignored (a test passing locally must not pass
 * only because a protection or a hook is missing).
 */
function refuseNotEmulated(pool: ProvisionedResource, clients: ProvisionedResource[]): void {
  const p = pool.properties;
  const refuse = (where: string, setting: string, why: string) => {
    throw new Error(`${where}: ${setting} is not emulated by the local cloud (${why}). Remove it from the backend to run it locally.`);
  };
  const mode = p.UserPoolAddOns?.AdvancedSecurityMode;
  if (mode === 'ENFORCED') refuse(pool.logicalId, 'UserPoolAddOns.AdvancedSecurityMode ENFORCED', 'threat protection would block risky sign-ins');
  for (const sender of ['CustomSMSSender', 'CustomEmailSender', 'KMSKeyID']) {
    if (p.LambdaConfig?.[sender] !== undefined) refuse(pool.logicalId, `LambdaConfig.${sender}`, 'codes go to the outbox, not through a custom sender');
  }
  const version = p.LambdaConfig?.PreTokenGenerationConfig?.LambdaVersion;
  if (version !== undefined && version !== 'V1_0') refuse(pool.logicalId, `LambdaConfig.PreTokenGenerationConfig.LambdaVersion ${String(version)}`, 'only the V1_0 event is sent');
  for (const client of clients) {
    if (client.properties.RefreshTokenRotation?.Feature === 'ENABLED') refuse(client.logicalId, 'RefreshTokenRotation', 'refresh tokens are not rotated');
  }
}

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

function buildClient(client: ProvisionedResource): UserPoolClientConfig {
  const p = client.properties;
  const units = p.TokenValidityUnits ?? {};
  const validity = (value: unknown, unit: string | undefined, fallbackUnit: string, fallback: number) =>
    (value === undefined ? fallback : Number(value)) * UNIT_SECONDS[value === undefined ? fallbackUnit : (unit ?? fallbackUnit)];
  return {
    clientId: client.ref,
    name: p.ClientName ?? client.logicalId,
    clientSecret: bool(p.GenerateSecret) ? client.attributes.ClientSecret : undefined,
    explicitAuthFlows: p.ExplicitAuthFlows ?? ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    accessTokenValiditySeconds: validity(p.AccessTokenValidity, units.AccessToken, 'hours', 1),
    idTokenValiditySeconds: validity(p.IdTokenValidity, units.IdToken, 'hours', 1),
    refreshTokenValiditySeconds: validity(p.RefreshTokenValidity, units.RefreshToken, 'days', 30),
    authSessionValiditySeconds: authSessionValidity(p.AuthSessionValidity, client.logicalId),
    // CloudFormation leaves it LEGACY when unset; Amplify sets ENABLED.
    preventUserExistenceErrors: p.PreventUserExistenceErrors === 'ENABLED',
    enableTokenRevocation: p.EnableTokenRevocation === undefined ? true : bool(p.EnableTokenRevocation),
    readAttributes: p.ReadAttributes,
    writeAttributes: p.WriteAttributes,
    oauth: {
      enabled: bool(p.AllowedOAuthFlowsUserPoolClient),
      flows: p.AllowedOAuthFlows ?? [],
      scopes: p.AllowedOAuthScopes ?? [],
      callbackUrls: p.CallbackURLs ?? [],
      logoutUrls: p.LogoutURLs ?? [],
      identityProviders: p.SupportedIdentityProviders ?? [],
    },
  };
}
