import { InvalidParameter, UserNotFound } from '../errors';
import { federatedUsername } from '../identities';
import type { Target } from '../services';
import type { User } from '../users';
import { poolOf } from './common';
import { COGNITO, COGNITO_SUBJECT, externalProviderOf, providerUserOf } from './provider-users';

/**
 * Stops an identity from signing in: a link to an existing user is removed
 * (the identity's next sign-in makes a new federated user), a federated
 * user who signed in with it is disabled (their tokens stop working), and
 * with `Cognito` and a username, that user is disabled.
 */
export const AdminDisableProviderForUser: Target = (services) => async (_ctx, req) => {
  const pool = poolOf(services, req);
  const named = providerUserOf(req, 'User');
  if (named.attributeName !== COGNITO_SUBJECT) throw InvalidParameter(`ProviderAttributeName must be ${COGNITO_SUBJECT}.`);

  const disable = (user: User) => {
    user.enabled = false;
    services.tokens.revokeAll(pool.id, user.username);
  };
  services.store.transaction(() => {
    const now = services.clock.now().getTime();
    if (named.providerName === COGNITO) {
      const user = services.users.byUsername(pool.id, named.attributeValue);
      if (!user) throw UserNotFound('User does not exist.');
      disable(user);
      user.updatedAt = now;
      return services.users.update(pool, user);
    }
    externalProviderOf(pool, named.providerName);
    const federated = services.users.byUsername(pool.id, federatedUsername(named.providerName, named.attributeValue));
    const owner = services.users.identityOwner(pool.id, named.providerName, named.attributeValue);
    if (!federated && owner === undefined) throw UserNotFound('User does not exist.');
    if (federated) {
      disable(federated);
      federated.updatedAt = now;
      services.users.update(pool, federated);
    } else {
      const linked = services.users.removeIdentity(pool.id, named.providerName, named.attributeValue);
      if (linked) {
        linked.updatedAt = now;
        services.users.update(pool, linked);
      }
    }
  });
  return {};
};
