import { randomBytes } from 'node:crypto';
import type { UserPoolClientConfig, UserPoolConfig, UserPoolIdentityProviderConfig } from '../provisioning/user-pools';
import { newUuid } from '../services/ids';
import { isWritable } from './attributes';
import { InvalidParameter, NotAuthorized, messages } from './errors';
import { federatedUsername } from './identities';
import type { Services } from './services';
import { invokeTrigger } from './trigger-events';
import { newUser, type User } from './users';

/**
 * A person signing in through an external provider, as Cognito handles it:
 * the identity's user (its own federated user `<ProviderName>_<id>`, or the
 * user an administrator linked it to) with the template's AttributeMapping
 * applied; on the first sign-in the PreSignUp trigger
 * (`PreSignUp_ExternalProvider`), the pool's required attributes, a new
 * user in status EXTERNAL_PROVIDER with the `identities` attribute, and the
 * PostConfirmation trigger (`PostConfirmation_ConfirmSignUp`).
 * A PreSignUp trigger that links the identity to an existing user
 * (AdminLinkProviderForUser) makes this very sign-in land on that user.
 * Every later sign-in (and every sign-in landing on a linked user) rewrites
 * the mapped attributes, and fails when one cannot be written (see
 * `assertUpdatable`).
 * Refusals are CognitoErrors whose message Cognito sends as error_description.
 */
export interface ExternalSignIn {
  provider: UserPoolIdentityProviderConfig;
  /** The provider's id of the person. */
  userId: string;
  /** The provider's attributes by its own names. */
  attributes: Record<string, unknown>;
}

/** The pool attributes the mapping gives (`username` names the provider's id, not an attribute). */
export function mappedAttributes(pool: UserPoolConfig, provider: UserPoolIdentityProviderConfig, from: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [poolAttribute, providerAttribute] of Object.entries(provider.attributeMapping)) {
    if (poolAttribute === 'username' || !pool.schema.some((a) => a.name === poolAttribute)) continue;
    const value = from[providerAttribute];
    if (value === undefined || value === null || value === '') continue;
    out[poolAttribute] = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return out;
}

/** Writes the mapped values that changed; a changed email or phone not verified by the mapping becomes unverified. */
function applyMapping(user: User, mapped: Record<string, string>): boolean {
  let changed = false;
  for (const [name, value] of Object.entries(mapped)) {
    if (user.attributes[name] === value) continue;
    user.attributes[name] = value;
    changed = true;
    for (const channel of ['email', 'phone_number']) {
      if (name === channel && mapped[`${channel}_verified`] === undefined && user.attributes[`${channel}_verified`] !== undefined) {
        user.attributes[`${channel}_verified`] = 'false';
      }
    }
  }
  return changed;
}

export async function signInExternal(services: Services, pool: UserPoolConfig, client: UserPoolClientConfig, signIn: ExternalSignIn): Promise<User> {
  const { provider, userId } = signIn;
  const mapped = mappedAttributes(pool, provider, signIn.attributes);
  const existing = signedInAs(services, pool, provider, userId);
  if (existing) return update(existing);

  const missing = pool.schema.filter((a) => a.required && a.name !== 'sub' && !mapped[a.name]).map((a) => a.name);
  if (missing.length) throw InvalidParameter(`attributes required: [${missing.join(', ')}]`);

  const username = federatedUsername(provider.name, userId);
  await invokeTrigger(services.triggers, pool, 'PreSignUp', 'PreSignUp_ExternalProvider', { username }, {
    clientId: client.clientId,
    request: { userAttributes: { ...mapped }, validationData: {} },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  });
  // The trigger may have linked the identity to an existing user (AdminLinkProviderForUser): sign in as that user.
  const linked = signedInAs(services, pool, provider, userId);
  if (linked) return update(linked);

  const now = services.clock.now().getTime();
  const user = newUser(pool, { username, sub: newUuid(), status: 'EXTERNAL_PROVIDER', attributes: mapped, password: randomBytes(32).toString('base64url') }, now);
  services.store.transaction(() => {
    services.users.insert(pool, user);
    services.users.addIdentity(user, { userId, providerName: provider.name, providerType: provider.type, issuer: null, primary: true, dateCreated: now });
    services.users.update(pool, user);
    joinProviderGroup(services, pool, provider, user, now);
  });
  await invokeTrigger(services.triggers, pool, 'PostConfirmation', 'PostConfirmation_ConfirmSignUp', user, {
    clientId: client.clientId,
    request: { userAttributes: { sub: user.sub, ...user.attributes, 'cognito:user_status': 'EXTERNAL_PROVIDER' }, clientMetadata: {} },
    response: {},
  });
  return services.users.byUsername(pool.id, username) ?? user;

  function update(user: User): User {
    if (!user.enabled) throw NotAuthorized(messages.disabled);
    assertUpdatable(pool, client, mapped);
    const now = services.clock.now().getTime();
    services.store.transaction(() => {
      if (applyMapping(user, mapped)) {
        user.updatedAt = now;
        services.users.update(pool, user);
      }
      const own = services.users.identitiesOf(pool.id, user.username).some((i) => i.providerName === provider.name && i.userId === userId && i.primary);
      if (own) joinProviderGroup(services, pool, provider, user, now);
    });
    return user;
  }
}

/**
 * Cognito's group for an identity provider, `<userPoolId>_<ProviderName>`:
 * made at the first sign-in through the provider (no role, no precedence,
 * "Autogenerated group for users who sign in using <ProviderName>"), and
 * every federated user of the provider is put in it at sign-in, so its
 * tokens carry it in `cognito:groups`. A native user an identity is linked
 * to is not (it signs in as itself, not as the provider's user).
 */
function joinProviderGroup(services: Services, pool: UserPoolConfig, provider: UserPoolIdentityProviderConfig, user: User, now: number): void {
  const name = `${pool.id}_${provider.name}`;
  services.users.makeGroup(pool.id, { name, description: `Autogenerated group for users who sign in using ${provider.name}`, createdAt: now });
  services.users.addToGroup(pool.id, name, user.username);
}

/**
 * Cognito writes every mapped attribute the provider sent at each sign-in of
 * an existing user, even one whose value is unchanged, and fails the sign-in
 * (nothing written) when it may not: an attribute immutable in the schema, or
 * one the app client's WriteAttributes leave out. The first sign-in, which
 * creates the user, is not refused for it (AWS reports: the second fails). AWS
 * words it `user.<name>: Attribute cannot be updated.` (older reports:
 * `Invalid user attributes: <name>: Attribute cannot be updated.`), sent to
 * the app as error_description with `error=invalid_request`.
 */
function assertUpdatable(pool: UserPoolConfig, client: UserPoolClientConfig, mapped: Record<string, string>): void {
  for (const name of Object.keys(mapped)) {
    const definition = pool.schema.find((a) => a.name === name);
    if (!definition?.mutable || !isWritable(client, name)) throw InvalidParameter(`user.${name}: Attribute cannot be updated.`);
  }
}

/** The user an identity signs in as, if any (its federated user, or the user it is linked to). */
function signedInAs(services: Services, pool: UserPoolConfig, provider: UserPoolIdentityProviderConfig, userId: string): User | undefined {
  const owner = services.users.identityOwner(pool.id, provider.name, userId);
  return owner === undefined ? undefined : services.users.byUsername(pool.id, owner);
}
