import type { Context, PostConfirmationTriggerEvent } from 'aws-lambda';
import { AdminAddUserToGroupCommand, AdminUpdateUserAttributesCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseAdminEmails, shouldBootstrapAdmin } from './admin-emails';
import { handler } from './handler';

function event(
  attributes: Record<string, string>,
  triggerSource: PostConfirmationTriggerEvent['triggerSource'] = 'PostConfirmation_ConfirmSignUp',
): PostConfirmationTriggerEvent {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_TEST',
    userName: 'user-123',
    triggerSource,
    callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'client' },
    request: { userAttributes: attributes },
    response: {},
  };
}

const invoke = (e: PostConfirmationTriggerEvent) => handler(e, {} as Context, () => {});

describe('ADMIN_EMAILS parsing', () => {
  it('splits on commas, semicolons and whitespace, ignoring case and blanks', () => {
    expect([...parseAdminEmails(' Ada@Example.com, bob@example.com;carol@example.com\n\n')]).toEqual([
      'ada@example.com',
      'bob@example.com',
      'carol@example.com',
    ]);
    expect(parseAdminEmails(undefined).size).toBe(0);
    expect(parseAdminEmails('').size).toBe(0);
  });

  it('bootstraps only a listed AND verified email', () => {
    const admins = parseAdminEmails('ada@example.com');
    expect(shouldBootstrapAdmin({ email: 'ADA@example.com', email_verified: 'true' }, admins)).toBe(true);
    expect(shouldBootstrapAdmin({ email: 'ada@example.com', email_verified: 'false' }, admins)).toBe(false);
    expect(shouldBootstrapAdmin({ email: 'ada@example.com' }, admins)).toBe(false);
    expect(shouldBootstrapAdmin({ email: 'eve@example.com', email_verified: 'true' }, admins)).toBe(false);
    expect(shouldBootstrapAdmin({ email_verified: 'true' }, admins)).toBe(false);
  });
});

describe('post confirmation handler', () => {
  let send: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    process.env.ADMIN_EMAILS = 'ada@example.com, grace@example.com';
    send = vi.spyOn(CognitoIdentityProviderClient.prototype, 'send').mockResolvedValue({} as never);
  });
  afterEach(() => {
    delete process.env.ADMIN_EMAILS;
    vi.restoreAllMocks();
  });

  it('adds a listed, verified user to ADMINS', async () => {
    const e = event({ email: 'Grace@example.com', email_verified: 'true' });
    await expect(invoke(e)).resolves.toEqual(e);
    expect(send).toHaveBeenCalledTimes(1);
    const command = send.mock.calls[0][0] as AdminAddUserToGroupCommand;
    expect(command).toBeInstanceOf(AdminAddUserToGroupCommand);
    expect(command.input).toEqual({ UserPoolId: 'us-east-1_TEST', Username: 'user-123', GroupName: 'ADMINS' });
  });

  it('leaves an unlisted user alone', async () => {
    await invoke(event({ email: 'eve@example.com', email_verified: 'true' }));
    expect(send).not.toHaveBeenCalled();
  });

  it('leaves a listed but unverified email alone', async () => {
    await invoke(event({ email: 'ada@example.com', email_verified: 'false', phone_number_verified: 'true' }));
    expect(send).not.toHaveBeenCalled();
  });

  it('stores the birthdate the sign-up gave when it passes the sign-up rule, and only then', async () => {
    const withBirthdate = (birthdate: string, source?: PostConfirmationTriggerEvent['triggerSource']) => {
      const e = event({ email: 'eve@example.com', email_verified: 'true' }, source);
      return { ...e, request: { ...e.request, clientMetadata: { birthdate } } };
    };
    await invoke(withBirthdate('1990-04-23'));
    expect(send).toHaveBeenCalledTimes(1);
    const command = send.mock.calls[0][0] as AdminUpdateUserAttributesCommand;
    expect(command).toBeInstanceOf(AdminUpdateUserAttributesCommand);
    expect(command.input).toEqual({ UserPoolId: 'us-east-1_TEST', Username: 'user-123', UserAttributes: [{ Name: 'birthdate', Value: '1990-04-23' }] });

    send.mockClear();
    vi.spyOn(console, 'log').mockImplementation(() => {});
    for (const bad of [`${new Date().getUTCFullYear() - 10}-01-01`, '1990-02-31', 'soon']) await invoke(withBirthdate(bad));
    await invoke(withBirthdate('1990-04-23', 'PostConfirmation_ConfirmForgotPassword'));
    expect(send).not.toHaveBeenCalled();
  });

  it('does nothing after a password reset confirmation', async () => {
    await invoke(event({ email: 'ada@example.com', email_verified: 'true' }, 'PostConfirmation_ConfirmForgotPassword'));
    expect(send).not.toHaveBeenCalled();
  });

  it('does nothing when ADMIN_EMAILS is empty', async () => {
    process.env.ADMIN_EMAILS = '';
    await invoke(event({ email: 'ada@example.com', email_verified: 'true' }));
    expect(send).not.toHaveBeenCalled();
  });

  it('fails the confirmation if the group cannot be joined, so it is not silently skipped', async () => {
    send.mockRejectedValueOnce(new Error('AccessDenied'));
    await expect(invoke(event({ email: 'ada@example.com', email_verified: 'true' }))).rejects.toThrow('AccessDenied');
  });
});
