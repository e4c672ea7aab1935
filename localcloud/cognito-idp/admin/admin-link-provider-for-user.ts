import { AliasExists, InvalidParameter, LimitExceeded, UserNotFound } from '../errors';
import { federatedUsername } from '../identities';
import type { Target } from '../services';
import type { User } from '../users';
import { poolOf } from './common';
import { COGNITO, COGNITO_SUBJECT, externalProviderOf, providerUserOf } from './provider-users';

/** Cognito's limit of identities linked to one user. */
export const MAX_LINKED_IDENTITIES = 5;

/**
 * Links an external identity that has not signed in yet (SourceUser: a
 * provider of the pool, Cognito_Subject, the provider's user id) to an
 * existing user (DestinationUser: `Cognito` and a username, or a federated
 * user's provider and id). From then on that identity signs in as the
 * destination user: same sub, same groups, same identity-pool identity.
 */
export const AdminLinkProviderForUser: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const destination = providerUserOf(req, 'DestinationUser');
  const source = providerUserOf(req, 'SourceUser');

  if (source.providerName === COGNITO) throw InvalidParameter('SourceUser must be a user of an external identity provider, not a Cognito user.');
  const provider = externalProviderOf(pool, source.providerName);
  if (source.attributeName !== COGNITO_SUBJECT) {
    throw InvalidParameter(`ProviderAttributeName of SourceUser must be ${COGNITO_SUBJECT} for ${provider.type} identity providers.`);
  }

  let target: User | undefined;
  if (destination.providerName === COGNITO) {
    target = services.users.byUsername(pool.id, destination.attributeValue) ?? services.users.bySignInName(pool, destination.attributeValue);
  } else {
    externalProviderOf(pool, destination.providerName);
    const owner = services.users.identityOwner(pool.id, destination.providerName, destination.attributeValue);
    target = owner === undefined ? undefined : services.users.byUsername(pool.id, owner);
  }
  if (!target) throw UserNotFound('User does not exist.');

  services.store.transaction(() => {
    if (services.users.identityOwner(pool.id, source.providerName, source.attributeValue) !== undefined) {
      const signedIn = services.users.byUsername(pool.id, federatedUsername(source.providerName, source.attributeValue));
      if (signedIn) throw InvalidParameter('Merging is not currently supported, provide a SourceUser that has not been linked or signed in');
      throw AliasExists('The SourceUser is already linked to a user of this pool.');
    }
    if (services.users.identitiesOf(pool.id, target.username).filter((i) => !i.primary).length >= MAX_LINKED_IDENTITIES) {
      throw LimitExceeded(`A user can have at most ${MAX_LINKED_IDENTITIES} linked identities.`);
    }
    const now = services.clock.now().getTime();
    services.users.addIdentity(target, { userId: source.attributeValue, providerName: provider.name, providerType: provider.type, issuer: null, primary: false, dateCreated: now });
    target.updatedAt = now;
    services.users.update(pool, target);
  });
  return {};
};
