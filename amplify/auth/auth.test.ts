import { beforeAll, describe, expect, it } from 'vitest';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { loadBackend, logicalId, readable, resourcesOf } from '../testing/synthesized-backend';

let auth: Template;
let userPoolId: string;
let identityPoolId: string;

beforeAll(async () => {
  ({ auth } = await loadBackend());
  userPoolId = logicalId(auth, 'AWS::Cognito::UserPool', 'amplifyAuthUserPool');
  identityPoolId = logicalId(auth, 'AWS::Cognito::IdentityPool', 'amplifyAuthIdentityPool');
});

const userPool = () => resourcesOf(auth, 'AWS::Cognito::UserPool')[0][1];

describe('user pool', () => {
  it('signs in with email or phone, case-insensitively', () => {
    const pool = userPool();
    expect(pool.UsernameAttributes).toEqual(['email', 'phone_number']);
    expect(pool.UsernameConfiguration).toEqual({ CaseSensitive: false });
  });

  it('requires only the email, which all four providers map: a federated user can always be created', () => {
    const required = userPool().Schema.filter((a: any) => a.Required).map((a: any) => a.Name);
    expect(required).toEqual(['email']);
    expect(userPool().Schema).toEqual(expect.arrayContaining([{ Name: 'phone_number', Required: false, Mutable: true }]));
    for (const [, provider] of resourcesOf(auth, 'AWS::Cognito::UserPoolIdentityProvider')) {
      expect(Object.keys(provider.AttributeMapping)).toEqual(expect.arrayContaining(required));
    }
  });

  it('attributes mapped from a provider are mutable (Cognito updates them at every sign-in)', () => {
    const mutable = new Map(userPool().Schema.map((a: any) => [a.Name, a.Mutable]));
    for (const [, provider] of resourcesOf(auth, 'AWS::Cognito::UserPoolIdentityProvider')) {
      for (const attribute of Object.keys(provider.AttributeMapping)) {
        if (attribute === 'email_verified') continue; // not a schema attribute of its own
        expect(mutable.get(attribute), attribute).not.toBe(false);
      }
    }
  });

  it('has the product attributes: preferred_username, birthdate, custom:is_beta_user', () => {
    expect(userPool().Schema).toEqual(
      expect.arrayContaining([
        { Name: 'preferred_username', Required: false, Mutable: true },
        { Name: 'birthdate', Required: false, Mutable: true },
        { Name: 'is_beta_user', AttributeDataType: 'Boolean', Mutable: true },
      ]),
    );
  });

  it('verifies the email at sign-up with messages naming the product', () => {
    const pool = userPool();
    expect(pool.AutoVerifiedAttributes).toEqual(['email']);
    expect(pool.VerificationMessageTemplate).toMatchObject({
      DefaultEmailOption: 'CONFIRM_WITH_CODE',
      EmailSubject: 'Your Amplify Vault verification code',
      EmailMessage: expect.stringMatching(/Amplify Vault.*\{####\}/),
      SmsMessage: expect.stringMatching(/Amplify Vault.*\{####\}/),
    });
  });

  it('offers optional TOTP and SMS MFA, and recovers accounts by verified email only', () => {
    const pool = userPool();
    expect(pool.MfaConfiguration).toBe('OPTIONAL');
    expect(pool.EnabledMfas).toEqual(['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
    expect(pool.AccountRecoverySetting).toEqual({ RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] });
  });

  it('requires passwords of 12+ characters with all four character classes', () => {
    expect(userPool().Policies.PasswordPolicy).toEqual({
      MinimumLength: 12,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: 7,
    });
  });
});

describe('external identity providers', () => {
  const secretOf = (name: string) => ({ 'Fn::GetAtt': ['AmplifySecretFetcherResource', name] });

  it.each([
    ['Google', 'Google', { client_id: 'GOOGLE_CLIENT_ID', client_secret: 'GOOGLE_CLIENT_SECRET' }],
    ['Facebook', 'Facebook', { client_id: 'FACEBOOK_CLIENT_ID', client_secret: 'FACEBOOK_CLIENT_SECRET' }],
    [
      'LoginWithAmazon',
      'LoginWithAmazon',
      { client_id: 'LOGINWITHAMAZON_CLIENT_ID', client_secret: 'LOGINWITHAMAZON_CLIENT_SECRET' },
    ],
    [
      'SignInWithApple',
      'SignInWithApple',
      { client_id: 'SIWA_CLIENT_ID', key_id: 'SIWA_KEY_ID', private_key: 'SIWA_PRIVATE_KEY', team_id: 'SIWA_TEAM_ID' },
    ],
  ])('%s takes every credential from a secret()', (name, type, secrets) => {
    const details = Object.fromEntries(Object.entries(secrets).map(([key, secret]) => [key, secretOf(secret)]));
    auth.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: name,
      ProviderType: type,
      ProviderDetails: Match.objectLike(details),
    });
  });

  it('the secrets are fetched at deploy time, never written into the template', () => {
    const body = JSON.stringify(auth.toJSON());
    expect(body).not.toMatch(/client_secret":"[^{]/);
    auth.resourceCountIs('Custom::AmplifySecretFetcherResource', 1);
  });

  it('Google and Apple pass on whether they verified the email (the pre sign-up trigger links only then)', () => {
    const mapping = Object.fromEntries(
      resourcesOf(auth, 'AWS::Cognito::UserPoolIdentityProvider').map(([, p]) => [p.ProviderName, p.AttributeMapping]),
    );
    expect(mapping).toEqual({
      Google: { email: 'email', email_verified: 'email_verified', name: 'name' },
      SignInWithApple: { email: 'email', email_verified: 'email_verified' },
      LoginWithAmazon: { email: 'email' },
      Facebook: { email: 'email' },
    });
  });

  it('the web client grants aws.cognito.signin.user.admin, so hosted-UI sign-ins may read and edit their profile', () => {
    const [[, client]] = resourcesOf(auth, 'AWS::Cognito::UserPoolClient');
    expect(client.AllowedOAuthScopes).toEqual(['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin']);
  });

  it('the web client may not write the birthdate (its rule has a checked path) but writes everything else, every mapped attribute included', () => {
    const [[, client]] = resourcesOf(auth, 'AWS::Cognito::UserPoolClient');
    const writable: string[] = client.WriteAttributes;
    expect(writable).not.toContain('birthdate');
    // What the app writes (sign-up, profile) and what Cognito writes at each federated sign-in.
    expect(writable).toEqual(expect.arrayContaining(['email', 'phone_number', 'preferred_username', 'custom:is_beta_user']));
    for (const [, provider] of resourcesOf(auth, 'AWS::Cognito::UserPoolIdentityProvider')) {
      for (const attribute of Object.keys(provider.AttributeMapping)) expect(writable, attribute).toContain(attribute);
    }
    // Every other attribute of the schema stays writable, as with no list at all.
    for (const { Name } of userPool().Schema as { Name: string; AttributeDataType?: string }[]) {
      if (Name === 'birthdate') continue;
      expect(writable.includes(Name) || writable.includes(`custom:${Name}`), Name).toBe(true);
    }
  });

  it('the web client allows all four providers with local and deployed callback and logout URLs', () => {
    const [[, client]] = resourcesOf(auth, 'AWS::Cognito::UserPoolClient');
    const urls = ['http://localhost:5173/', 'https://vault.example.com/'];
    expect(client.CallbackURLs).toEqual(urls);
    expect(client.LogoutURLs).toEqual(urls);
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.SupportedIdentityProviders).toHaveLength(5);
    expect(client.SupportedIdentityProviders).toContain('COGNITO');
    expect(client.PreventUserExistenceErrors).toBe('ENABLED');
  });
});

describe('groups and the identity pool', () => {
  it.each([
    ['ADMINS', 0],
    ['EDITORS', 1],
  ])('group %s has precedence %i and its own role, assumable only by signed-in identities of this pool', (group, precedence) => {
    const roleId = logicalId(auth, 'AWS::IAM::Role', `amplifyAuth${group}GroupRole`);
    auth.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: group,
      Precedence: precedence,
      RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
    const role = auth.toJSON().Resources[roleId].Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRoleWithWebIdentity',
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Condition: {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: identityPoolId } },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        },
      },
    ]);
  });

  it('allows guests, and maps signed-in users by the token (cognito:preferred_role)', () => {
    auth.hasResourceProperties('AWS::Cognito::IdentityPool', { AllowUnauthenticatedIdentities: true });
    const [[, attachment]] = resourcesOf(auth, 'AWS::Cognito::IdentityPoolRoleAttachment');
    const mappings = Object.values<any>(attachment.RoleMappings);
    expect(mappings).toHaveLength(1);
    expect(mappings[0]).toMatchObject({ Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' });
    const names = {
      [logicalId(auth, 'AWS::IAM::Role', 'amplifyAuthauthenticatedUserRole')]: 'AUTHENTICATED_ROLE',
      [logicalId(auth, 'AWS::IAM::Role', 'amplifyAuthunauthenticatedUserRole')]: 'GUEST_ROLE',
    };
    expect(readable(attachment.Roles, names)).toEqual({ authenticated: 'AUTHENTICATED_ROLE', unauthenticated: 'GUEST_ROLE' });
  });

  it('the guest role is assumable only by unauthenticated identities of this pool', () => {
    const roleId = logicalId(auth, 'AWS::IAM::Role', 'amplifyAuthunauthenticatedUserRole');
    const trust = auth.toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument.Statement[0];
    expect(trust.Condition).toEqual({
      StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: identityPoolId } },
      'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'unauthenticated' },
    });
  });

  it('no identity-pool role may call a user-pool API (administration goes through the admin REST API); in this stack only the two triggers may', () => {
    const roles = ['ADMINSGroupRole', 'EDITORSGroupRole', 'authenticatedUserRole', 'unauthenticatedUserRole'].map((r) =>
      logicalId(auth, 'AWS::IAM::Role', `amplifyAuth${r}`),
    );
    const triggerRoles = ['presignuplambda', 'postconfirmationlambda'].map(
      (prefix) => auth.toJSON().Resources[logicalId(auth, 'AWS::Lambda::Function', prefix)].Properties.Role['Fn::GetAtt'][0],
    );
    const grants = resourcesOf(auth, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.PolicyDocument).includes('cognito-idp:'));
    const holders = grants.map(([, p]) => p.Roles.map((r: { Ref: string }) => r.Ref)).flat();
    expect(holders.sort()).toEqual(triggerRoles.sort());
    for (const role of roles) {
      const properties = auth.toJSON().Resources[role].Properties;
      expect(JSON.stringify(properties.Policies ?? [])).not.toContain('cognito-idp');
      expect(properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('triggers', () => {
  const fn = (prefix: string) => logicalId(auth, 'AWS::Lambda::Function', prefix);
  const roleOf = (functionId: string) => auth.toJSON().Resources[functionId].Properties.Role['Fn::GetAtt'][0];
  const policiesOf = (roleId: string) =>
    resourcesOf(auth, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Roles).includes(`"${roleId}"`))
      .flatMap(([, p]) => readable(p.PolicyDocument.Statement, { [userPoolId]: 'USER_POOL' }));

  it("wires pre sign-up, post confirmation and custom message (the reset code's own words) to the user pool", () => {
    expect(userPool().LambdaConfig).toEqual({
      CustomMessage: { 'Fn::GetAtt': [fn('custommessagelambda'), 'Arn'] },
      PreSignUp: { 'Fn::GetAtt': [fn('presignuplambda'), 'Arn'] },
      PostConfirmation: { 'Fn::GetAtt': [fn('postconfirmationlambda'), 'Arn'] },
    });
  });

  it('pre sign-up may only find users and link a provider identity to one, on this pool (and read its own pool id)', () => {
    const roleId = roleOf(fn('presignuplambda'));
    const statements = policiesOf(roleId);
    expect(statements).toHaveLength(2);
    expect(statements).toContainEqual({
      Action: ['cognito-idp:ListUsers', 'cognito-idp:AdminLinkProviderForUser'],
      Effect: 'Allow',
      Resource: 'USER_POOL',
    });
    const other = statements.find((s: any) => s.Resource !== 'USER_POOL');
    expect(other.Action).toBe('ssm:GetParameters');
    expect(other.Resource).toMatch(/:parameter\/amplify\/resource_reference\/.*\/AMPLIFY_AUTH_USERPOOL_ID$/);
    expect(readable(auth.toJSON().Resources[roleId].Properties.ManagedPolicyArns, { 'AWS::Partition': 'aws' })).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
  });

  it('post confirmation may only add users to groups and update attributes (the sign-up birthdate) of this pool (and read its own pool id)', () => {
    const statements = policiesOf(roleOf(fn('postconfirmationlambda')));
    const pool = { Action: ['cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminUpdateUserAttributes'], Effect: 'Allow', Resource: 'USER_POOL' };
    expect(statements).toEqual(expect.arrayContaining([pool]));
    expect(statements).toHaveLength(2);
    const other = statements.find((s: any) => s.Resource !== 'USER_POOL');
    expect(other.Action).toBe('ssm:GetParameters');
    expect(other.Resource).toMatch(/:parameter\/amplify\/resource_reference\/.*\/AMPLIFY_AUTH_USERPOOL_ID$/);
  });

  it('post confirmation reads ADMIN_EMAILS from its environment', () => {
    const env = auth.toJSON().Resources[fn('postconfirmationlambda')].Properties.Environment.Variables;
    expect(env).toHaveProperty('ADMIN_EMAILS');
  });
});
