import {
  AdminLinkProviderForUserCommand,
  ListUsersCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * Account linking for social sign-in, the pattern AWS documents: when a person
 * first signs in with a provider, Cognito runs the pre sign-up trigger with
 * `PreSignUp_ExternalProvider` before it creates the federated user. If the
 * provider asserts a *verified* email and a native (password) user of this
 * pool has that same email, verified, enabled and confirmed, the provider
 * identity is linked to that user (`AdminLinkProviderForUser`): the person
 * keeps one user, one `sub`, one identity id, one set of files.
 *
 * Never on an unverified email: anyone can type any address into some
 * providers' sign-up, and linking on it would hand them the account.
 */

/** `Google_1234` → { providerName: 'Google', providerUserId: '1234' }. */
export interface ProviderIdentity {
  providerName: string;
  providerUserId: string;
}

/** The four social providers' names as Cognito spells them in ProviderName. */
const SOCIAL_PROVIDER_NAMES = ['Google', 'Facebook', 'SignInWithApple', 'LoginWithAmazon'];

/**
 * Cognito names a federated user `<ProviderName>_<provider's user id>`; the
 * prefix may arrive lower-cased (`google_1234`), so a social provider's name is
 * matched without regard to case and given back as Cognito spells it
 * (ProviderName is case-sensitive in AdminLinkProviderForUser).
 */
export function parseProviderIdentity(userName: string): ProviderIdentity | undefined {
  const separator = userName.indexOf('_');
  if (separator <= 0 || separator === userName.length - 1) return undefined;
  const prefix = userName.slice(0, separator);
  const providerName = SOCIAL_PROVIDER_NAMES.find((name) => name.toLowerCase() === prefix.toLowerCase()) ?? prefix;
  return { providerName, providerUserId: userName.slice(separator + 1) };
}

/** Providers send `email_verified` as a boolean (Google) or the string "true" (Apple); Cognito passes strings. */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

/** The email the provider asserts, if it asserts that the email is verified. */
export function verifiedProviderEmail(userAttributes: Record<string, string | undefined>): string | undefined {
  const email = userAttributes.email?.trim();
  if (!email || !isTrue(userAttributes.email_verified)) return undefined;
  return email;
}

/**
 * ListUsers' filter for one exact email: `email = "..."`, with backslashes and
 * double quotes inside the value escaped by a backslash.
 */
export function emailFilter(email: string): string {
  return `email = "${email.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

const attribute = (user: UserType, name: string) => user.Attributes?.find((a) => a.Name === name)?.Value;

/**
 * The native user to link to: the one user who signed up with a password (not
 * another federated user), whose email equals the asserted one and is
 * verified, enabled and confirmed. None when there is none or more than one.
 */
export function linkTarget(users: UserType[], email: string): UserType | undefined {
  const candidates = users.filter(
    (user) =>
      user.UserStatus === 'CONFIRMED' &&
      user.Enabled === true &&
      isTrue(attribute(user, 'email_verified')) &&
      attribute(user, 'email')?.toLowerCase() === email.toLowerCase(),
  );
  return candidates.length === 1 ? candidates[0] : undefined;
}

export type LinkOutcome =
  | { linked: true; username: string; provider: ProviderIdentity }
  | { linked: false; reason: string };

/** The client's `send`, narrowed to what linking calls (tests pass a fake). */
export type Send = (command: ListUsersCommand | AdminLinkProviderForUserCommand) => Promise<unknown>;

const MAX_PAGES = 5;

/**
 * Links the signing-in provider identity to the native user with the same
 * verified email, when there is exactly one; otherwise changes nothing and
 * Cognito creates a new federated user. Errors from Cognito propagate: the
 * sign-in then fails rather than silently making a second account.
 */
export async function linkToNativeUser(
  send: Send,
  event: { userPoolId: string; userName: string; request: { userAttributes: Record<string, string | undefined> } },
): Promise<LinkOutcome> {
  const provider = parseProviderIdentity(event.userName);
  if (!provider) return { linked: false, reason: `"${event.userName}" is not <Provider>_<id>` };
  const email = verifiedProviderEmail(event.request.userAttributes);
  if (!email) return { linked: false, reason: `${provider.providerName} asserts no verified email` };

  const users: UserType[] = [];
  let paginationToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = (await send(
      new ListUsersCommand({ UserPoolId: event.userPoolId, Filter: emailFilter(email), PaginationToken: paginationToken }),
    )) as { Users?: UserType[]; PaginationToken?: string };
    users.push(...(result.Users ?? []));
    paginationToken = result.PaginationToken;
    if (!paginationToken) break;
  }
  const target = linkTarget(users, email);
  if (!target?.Username) return { linked: false, reason: 'no single confirmed, enabled user with that verified email' };

  await send(
    new AdminLinkProviderForUserCommand({
      UserPoolId: event.userPoolId,
      DestinationUser: { ProviderName: 'Cognito', ProviderAttributeValue: target.Username },
      SourceUser: {
        ProviderName: provider.providerName,
        ProviderAttributeName: 'Cognito_Subject',
        ProviderAttributeValue: provider.providerUserId,
      },
    }),
  );
  return { linked: true, username: target.Username, provider };
}
