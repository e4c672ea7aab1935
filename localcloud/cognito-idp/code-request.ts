import type { UserPoolConfig } from '../provisioning/user-pools';
import { checkSecretHash } from './auth-flow';
import { pretendDelivery, unknownHolder, type CodePurpose } from './codes';
import { UserNotFound } from './errors';
import type { Target } from './services';
import type { User } from './users';
import { optionalString, string, stringMap } from './validate';

type Channel = 'email' | 'phone_number';

export interface CodeRequestRules {
  purpose: CodePurpose;
  /** The channels the pool sends these codes to, in order (throws when its settings allow none: the same for every user). */
  channels(pool: UserPoolConfig): Channel[];
  /** The channel for this user, or the error when they cannot be sent one. */
  channelFor(pool: UserPoolConfig, user: User, channels: Channel[]): Channel;
  /** Whether, under PreventUserExistenceErrors, a user who cannot be sent a code gets the pretended delivery an unknown name does. */
  hideRefusals: boolean;
}

/**
 * An unauthenticated "send me a code" operation (ForgotPassword,
 * ResendConfirmationCode): the client and secret hash are checked, an unknown
 * user is UserNotFoundException or, with PreventUserExistenceErrors, a
 * pretended delivery to the pool's first channel — counted against the
 * name's request limit as a real request is against the user's, so that
 * neither the answer nor the limit tells who exists.
 */
export function codeRequest(rules: CodeRequestRules): Target {
  return (services) => async (_ctx, req) => {
    const clientId = string(req, 'ClientId');
    const username = string(req, 'Username');
    const clientMetadata = stringMap(req, 'ClientMetadata');
    const { pool, client } = services.pools.client(clientId);
    checkSecretHash(client, username, optionalString(req, 'SecretHash'));
    const channels = rules.channels(pool);
    const pretend = (subject: { user: User } | { name: string }) => {
      services.codes.countRequest(pool, subject, rules.purpose);
      services.codes.hold(pool, 'user' in subject ? subject.user : unknownHolder(subject.name), rules.purpose);
      return { CodeDeliveryDetails: pretendDelivery(channels[0], username, services.sealer.digest(`pretend:${pool.id}:${username.toLowerCase()}`)) };
    };
    const user = services.users.bySignInName(pool, username);
    if (!user) {
      if (!client.preventUserExistenceErrors) throw UserNotFound('Username/client id combination not found.');
      return pretend({ name: username });
    }
    let channel: Channel;
    try {
      channel = rules.channelFor(pool, user, channels);
    } catch (error) {
      if (!client.preventUserExistenceErrors || !rules.hideRefusals) throw error;
      return pretend({ user });
    }
    return { CodeDeliveryDetails: await services.codes.send(pool, user, rules.purpose, channel, { clientId, clientMetadata }) };
  };
}
