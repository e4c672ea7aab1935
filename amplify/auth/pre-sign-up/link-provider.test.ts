import { AdminLinkProviderForUserCommand, ListUsersCommand, type UserType } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import {
  emailFilter,
  linkTarget,
  linkToNativeUser,
  parseProviderIdentity,
  verifiedProviderEmail,
  type Send,
} from './link-provider';

const POOL = 'us-east-1_TEST';

function user(username: string, overrides: Partial<UserType> = {}, attributes: Record<string, string> = {}): UserType {
  return {
    Username: username,
    UserStatus: 'CONFIRMED',
    Enabled: true,
    Attributes: Object.entries({ sub: username, email: 'ada@example.com', email_verified: 'true', ...attributes }).map(
      ([Name, Value]) => ({ Name, Value }),
    ),
    ...overrides,
  };
}

/** A stand-in for the client: answers ListUsers with `users`, records every command. */
function fakeCognito(users: UserType[]) {
  const sent: (ListUsersCommand | AdminLinkProviderForUserCommand)[] = [];
  const send: Send = async (command) => {
    sent.push(command);
    return command instanceof ListUsersCommand ? { Users: users } : {};
  };
  return { send, sent, links: () => sent.filter((c) => c instanceof AdminLinkProviderForUserCommand).map((c) => c.input) };
}

const externalEvent = (userName: string, userAttributes: Record<string, string>) => ({
  userPoolId: POOL,
  userName,
  request: { userAttributes },
});

describe('parseProviderIdentity', () => {
  it.each([
    ['Google_117328463928', 'Google', '117328463928'],
    ['google_117328463928', 'Google', '117328463928'],
    ['SignInWithApple_001234.5f0e1a2b3c4d.0912', 'SignInWithApple', '001234.5f0e1a2b3c4d.0912'],
    ['signinwithapple_001234.abc.0912', 'SignInWithApple', '001234.abc.0912'],
    ['LoginWithAmazon_amzn1.account.AF2EXAMPLE', 'LoginWithAmazon', 'amzn1.account.AF2EXAMPLE'],
    ['Facebook_10158_with_underscore', 'Facebook', '10158_with_underscore'],
    ['MyOidc_abc', 'MyOidc', 'abc'],
  ])('%s → %s / %s', (userName, providerName, providerUserId) => {
    expect(parseProviderIdentity(userName)).toEqual({ providerName, providerUserId });
  });

  it.each(['Google', '_123', 'Google_', ''])('refuses %j', (userName) => {
    expect(parseProviderIdentity(userName)).toBeUndefined();
  });
});

describe('verifiedProviderEmail', () => {
  it('accepts email_verified as Cognito passes it ("true") and as Apple words it', () => {
    expect(verifiedProviderEmail({ email: 'ada@example.com', email_verified: 'true' })).toBe('ada@example.com');
    expect(verifiedProviderEmail({ email: 'ada@example.com', email_verified: 'True' })).toBe('ada@example.com');
  });

  it.each<[Record<string, string>, string]>([
    [{ email: 'ada@example.com', email_verified: 'false' }, 'unverified'],
    [{ email: 'ada@example.com' }, 'no email_verified (Amazon, Facebook)'],
    [{ email: 'ada@example.com', email_verified: 'yes' }, 'not a boolean'],
    [{ email_verified: 'true' }, 'no email'],
    [{ email: '  ', email_verified: 'true' }, 'a blank email'],
  ])('refuses %j (%s)', (attributes) => {
    expect(verifiedProviderEmail(attributes)).toBeUndefined();
  });
});

describe('emailFilter', () => {
  it('quotes the value as ListUsers expects', () => {
    expect(emailFilter('ada@example.com')).toBe('email = "ada@example.com"');
  });

  it('escapes quotes and backslashes so the value cannot end the filter early', () => {
    expect(emailFilter('"ada"@example.com')).toBe('email = "\\"ada\\"@example.com"');
    expect(emailFilter('a\\"b@example.com')).toBe('email = "a\\\\\\"b@example.com"');
  });
});

describe('linkTarget', () => {
  it('is the one confirmed, enabled user whose email is verified and equal (regardless of case)', () => {
    const native = user('sub-1', {}, { email: 'Ada@Example.com' });
    expect(linkTarget([native], 'ada@example.com')).toBe(native);
  });

  it.each([
    ['disabled', user('sub-1', { Enabled: false })],
    ['unconfirmed', user('sub-1', { UserStatus: 'UNCONFIRMED' })],
    ['waiting for a new password', user('sub-1', { UserStatus: 'FORCE_CHANGE_PASSWORD' })],
    ['another federated user', user('Google_1', { UserStatus: 'EXTERNAL_PROVIDER' })],
    ['with an unverified email', user('sub-1', {}, { email_verified: 'false' })],
    ['with another email', user('sub-1', {}, { email: 'grace@example.com' })],
  ])('is never a user %s', (_why, candidate) => {
    expect(linkTarget([candidate], 'ada@example.com')).toBeUndefined();
  });

  it('is nobody when two users qualify', () => {
    expect(linkTarget([user('sub-1'), user('sub-2')], 'ada@example.com')).toBeUndefined();
  });

  it('skips the ones that do not qualify', () => {
    const native = user('sub-2');
    expect(linkTarget([user('sub-1', { Enabled: false }), native, user('Google_9', { UserStatus: 'EXTERNAL_PROVIDER' })], 'ada@example.com')).toBe(native);
  });
});

describe('linkToNativeUser', () => {
  it('links the provider identity to the native user with the same verified email', async () => {
    const cognito = fakeCognito([user('sub-1')]);
    const outcome = await linkToNativeUser(cognito.send, externalEvent('Google_1173', { email: 'ada@example.com', email_verified: 'true' }));
    expect(outcome).toEqual({ linked: true, username: 'sub-1', provider: { providerName: 'Google', providerUserId: '1173' } });
    expect((cognito.sent[0] as ListUsersCommand).input).toEqual({ UserPoolId: POOL, Filter: 'email = "ada@example.com"' });
    expect(cognito.links()).toEqual([
      {
        UserPoolId: POOL,
        DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: 'sub-1' },
        SourceUser: { ProviderName: 'Google', ProviderAttributeName: 'Cognito_Subject', ProviderAttributeValue: '1173' },
      },
    ]);
  });

  it('never links, nor even looks, on an unverified email', async () => {
    const cognito = fakeCognito([user('sub-1')]);
    const outcome = await linkToNativeUser(cognito.send, externalEvent('Google_1173', { email: 'ada@example.com', email_verified: 'false' }));
    expect(outcome.linked).toBe(false);
    expect(cognito.sent).toEqual([]);
  });

  it('never links a provider that asserts nothing about the email (Facebook)', async () => {
    const cognito = fakeCognito([user('sub-1')]);
    expect((await linkToNativeUser(cognito.send, externalEvent('Facebook_42', { email: 'ada@example.com' }))).linked).toBe(false);
    expect(cognito.sent).toEqual([]);
  });

  it.each([
    ['no user has the email', []],
    ['the user is disabled', [user('sub-1', { Enabled: false })]],
    ['the user never confirmed', [user('sub-1', { UserStatus: 'UNCONFIRMED' })]],
  ])('changes nothing when %s', async (_why, users) => {
    const cognito = fakeCognito(users);
    const outcome = await linkToNativeUser(cognito.send, externalEvent('SignInWithApple_0012.ab.34', { email: 'ada@example.com', email_verified: 'true' }));
    expect(outcome.linked).toBe(false);
    expect(cognito.links()).toEqual([]);
  });

  it('searches for an email with quotes by its escaped value', async () => {
    const cognito = fakeCognito([]);
    await linkToNativeUser(cognito.send, externalEvent('Google_1', { email: 'a"b@example.com', email_verified: 'true' }));
    expect((cognito.sent[0] as ListUsersCommand).input.Filter).toBe('email = "a\\"b@example.com"');
  });

  it('reads every page ListUsers returns', async () => {
    const pages = [{ Users: [user('Google_5', { UserStatus: 'EXTERNAL_PROVIDER' })], PaginationToken: 'next' }, { Users: [user('sub-7')] }];
    const sent: unknown[] = [];
    const send: Send = async (command) => {
      sent.push(command.input);
      return command instanceof ListUsersCommand ? pages.shift() : {};
    };
    const outcome = await linkToNativeUser(send, externalEvent('Google_1', { email: 'ada@example.com', email_verified: 'true' }));
    expect(outcome).toMatchObject({ linked: true, username: 'sub-7' });
    expect(sent[1]).toMatchObject({ PaginationToken: 'next' });
  });

  it('lets a failing link fail the sign-in rather than make a second account', async () => {
    const send: Send = async (command) => {
      if (command instanceof ListUsersCommand) return { Users: [user('sub-1')] };
      throw Object.assign(new Error('Merging is not currently supported'), { name: 'InvalidParameterException' });
    };
    await expect(linkToNativeUser(send, externalEvent('Google_1', { email: 'ada@example.com', email_verified: 'true' }))).rejects.toThrow(/Merging/);
  });
});
