import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { writeTestAssembly } from '../cognito-idp/testing';
import { loadCloudAssembly } from './cloud-assembly';
import { buildUserPools } from './user-pools';
import { ASSEMBLY_DIR as SYNTH } from '../../scripts/synth-context';

describe('user pools from a hand-made assembly', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'user-pools-')), 'cdk.out');
  writeTestAssembly(dir, { LambdaConfig: { PreSignUp: 'arn:aws:lambda:us-east-1:000000000000:function:pre' } });
  const [pool] = buildUserPools(loadCloudAssembly(dir));

  test('fills in Cognito defaults and reads every setting', () => {
    expect(pool.passwordPolicy).toMatchObject({ minimumLength: 10, requireSymbols: true });
    expect(pool.lambdaConfig).toEqual({ PreSignUp: 'arn:aws:lambda:us-east-1:000000000000:function:pre' });
    expect(pool.schema.find((a) => a.name === 'custom:is_beta_user')).toMatchObject({ type: 'Boolean', custom: true, required: false });
    expect(pool.schema.find((a) => a.name === 'email')).toMatchObject({ required: true, mutable: true });
    const [web, legacy] = pool.clients;
    expect(web).toMatchObject({ accessTokenValiditySeconds: 3600, idTokenValiditySeconds: 3600, refreshTokenValiditySeconds: 30 * 86400, preventUserExistenceErrors: true });
    expect(legacy.preventUserExistenceErrors).toBe(false);
    expect(pool.groups.map((g) => [g.name, g.precedence])).toEqual([['ADMINS', 0], ['EDITORS', 1]]);
  });

  test('reads the invitation, the SMS MFA text and the older UnusedAccountValidityDays', () => {
    const custom = join(mkdtempSync(join(tmpdir(), 'user-pools-')), 'cdk.out');
    writeTestAssembly(custom, {
      Policies: { PasswordPolicy: { MinimumLength: 10 } },
      SmsAuthenticationMessage: 'Sign-in code {####}',
      AdminCreateUserConfig: {
        UnusedAccountValidityDays: 3,
        InviteMessageTemplate: { EmailSubject: 'Welcome', EmailMessage: 'Hi {username}, use {####}', SMSMessage: '{username} / {####}' },
      },
    });
    const [customized] = buildUserPools(loadCloudAssembly(custom));
    expect(customized.passwordPolicy.temporaryPasswordValidityDays).toBe(3);
    expect(customized.verificationMessages.smsAuthenticationMessage).toBe('Sign-in code {####}');
    expect(customized.inviteMessages).toEqual({ emailSubject: 'Welcome', emailMessage: 'Hi {username}, use {####}', smsMessage: '{username} / {####}' });
    expect(pool.passwordPolicy.temporaryPasswordValidityDays).toBe(7);
    expect(pool.clients[0].authSessionValiditySeconds).toBe(180);
  });
});

// The real backend: vitest's global setup (scripts/vitest-global-setup.ts) synthesizes it when missing or stale.
describe('user pools from the synthesized Amplify backend', () => {
  test('the auth resource provisions as amplify/auth/resource.ts declares it', () => {
    const pools = buildUserPools(loadCloudAssembly(SYNTH));
    expect(pools).toHaveLength(1);
    const [pool] = pools;
    expect(pool.id).toMatch(/^us-east-1_[0-9A-Za-z]{9}$/);
    expect(pool).toMatchObject({
      usernameAttributes: ['email', 'phone_number'],
      caseSensitiveUsernames: false,
      autoVerifiedAttributes: ['email'],
      mfaConfiguration: 'OPTIONAL',
      enabledMfas: ['SMS_MFA', 'SOFTWARE_TOKEN_MFA'],
      accountRecovery: [{ name: 'verified_email', priority: 1 }],
      attributesRequireVerificationBeforeUpdate: ['email', 'phone_number'],
    });
    expect(pool.passwordPolicy.minimumLength).toBeGreaterThanOrEqual(8);
    expect(Object.keys(pool.lambdaConfig).sort()).toEqual(expect.arrayContaining(['PostConfirmation', 'PreSignUp']));
    expect(pool.groups.map((g) => g.name).sort()).toEqual(['ADMINS', 'EDITORS']);
    expect(pool.groups.every((g) => g.roleArn?.startsWith('arn:aws:iam::'))).toBe(true);
    const [client] = pool.clients;
    expect(client.explicitAuthFlows).toContain('ALLOW_USER_SRP_AUTH');
    expect(client.preventUserExistenceErrors).toBe(true);
    expect(client.clientSecret).toBeUndefined();
    expect(pool.domain).toBeTruthy();
  });
});
