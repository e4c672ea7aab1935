import type { UserPoolClientConfig, UserPoolConfig } from '../provisioning/user-pools';
import { isValidA, serverEphemeral } from '../services/srp';
import { afterPasswordVerified, assertFlowAllowed, checkSecretHash, likelyToFinish, type AuthResponse } from './auth-flow';
import { InvalidParameter, NotAuthorized, messages, notEmulated } from './errors';
import { findUser } from './lookups';
import { isPassword } from './passwords';
import type { Services, Target } from './services';
import { invokeTrigger } from './trigger-events';
import type { User } from './users';
import { string, stringMap } from './validate';

const AUTH_FLOWS = ['USER_SRP_AUTH', 'REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN', 'CUSTOM_AUTH', 'ADMIN_NO_SRP_AUTH', 'USER_PASSWORD_AUTH', 'ADMIN_USER_PASSWORD_AUTH', 'USER_AUTH'];

/** What PASSWORD_VERIFIER needs back, sealed into the SECRET_BLOCK the client echoes. */
export interface SrpState {
  poolId: string;
  clientId: string;
  username: string;
  A: string;
  b: string;
  B: string;
  /** Set when a device (not the password) is proving itself. */
  deviceKey?: string;
  /** Set in a decoy challenge: the name, designating nobody, whose failures count toward its lockout. */
  unknownName?: string;
}
export const SRP_PURPOSE = 'cognito-idp:srp';

/**
 * The SECRET_BLOCK: the SRP state sealed for the client's AuthSessionValidity,
 * the life of a PASSWORD_VERIFIER (or DEVICE_PASSWORD_VERIFIER) challenge.
 */
export function sealSrpState(services: Pick<Services, 'sealer' | 'pools'>, state: SrpState): string {
  return services.sealer.seal(SRP_PURPOSE, state, services.pools.client(state.clientId).client.authSessionValiditySeconds);
}

export const InitiateAuth: Target = (services) => async (_ctx, req) => {
  const flow = string(req, 'AuthFlow');
  const clientId = string(req, 'ClientId');
  const parameters = stringMap(req, 'AuthParameters');
  const clientMetadata = stringMap(req, 'ClientMetadata');
  if (!AUTH_FLOWS.includes(flow)) {
    throw InvalidParameter(
      `1 validation error detected: Value '${flow}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [${AUTH_FLOWS.join(', ')}]`,
    );
  }
  const { pool, client } = services.pools.client(clientId);
  const param = (name: string) => {
    const value = parameters[name];
    if (!value) throw InvalidParameter(`Missing required parameter ${name}`);
    return value;
  };

  switch (flow) {
    case 'USER_SRP_AUTH': {
      assertFlowAllowed(client, 'USER_SRP_AUTH');
      const username = param('USERNAME');
      const A = param('SRP_A');
      checkSecretHash(client, username, parameters.SECRET_HASH);
      if (!isValidA(A)) throw InvalidParameter('Invalid SRP_A value.');
      if (client.preventUserExistenceErrors && !services.users.bySignInName(pool, username)) {
        services.lockouts.assertOpen(pool, username);
        return decoyPasswordVerifier(services, pool, clientId, username, A);
      }
      const user = await startSignIn(services, pool, client, username, clientMetadata);
      const { b, B } = await serverEphemeral(user.verifier, A);
      // While the client computes its proof (and the server its half of the secret), sign the tokens.
      if (likelyToFinish(pool, user)) services.tokens.prepare(pool, client, user);
      const state: SrpState = { poolId: pool.id, clientId, username: user.username, A, b, B };
      return {
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeParameters: {
          SALT: user.salt,
          SECRET_BLOCK: sealSrpState(services, state),
          SRP_B: B,
          USERNAME: user.username,
          USER_ID_FOR_SRP: user.username,
        },
      } satisfies AuthResponse;
    }
    case 'USER_PASSWORD_AUTH': {
      assertFlowAllowed(client, 'USER_PASSWORD_AUTH');
      const username = param('USERNAME');
      const password = param('PASSWORD');
      checkSecretHash(client, username, parameters.SECRET_HASH);
      return passwordSignIn(services, pool, client, username, password, clientMetadata, parameters.DEVICE_KEY);
    }
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN': {
      assertFlowAllowed(client, 'REFRESH_TOKEN_AUTH');
      const result = await services.tokens.refresh(pool, client, param('REFRESH_TOKEN'), clientMetadata);
      return { ChallengeParameters: {}, AuthenticationResult: result };
    }
    case 'ADMIN_NO_SRP_AUTH':
    case 'ADMIN_USER_PASSWORD_AUTH':
      throw InvalidParameter(`Initiate Auth method not supported.`);
    default:
      throw notEmulated(`the ${flow} flow of InitiateAuth`);
  }
};

/**
 * What an unknown user gets under PreventUserExistenceErrors: a challenge
 * shaped like a real one, stable per name (salt, and the USER_ID_FOR_SRP a
 * real user of this pool would have: a random-looking v4 UUID like a sub
 * where the pool signs in with email or phone, else the name itself), which
 * then fails as a wrong password does and counts toward the name's lockout.
 */
async function decoyPasswordVerifier(services: Services, pool: UserPoolConfig, clientId: string, username: string, A: string): Promise<AuthResponse> {
  const seed = decoySeed(services, pool, username);
  const { b, B } = await serverEphemeral(seed, A);
  const id = pool.usernameAttributes.length ? decoySub(seed) : username;
  const state: SrpState = { poolId: pool.id, clientId, username: '', A, b, B, unknownName: username };
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: { SALT: seed.slice(32, 64), SECRET_BLOCK: sealSrpState(services, state), SRP_B: B, USERNAME: id, USER_ID_FOR_SRP: id },
  };
}

/**
 * A sign-in with the password itself (USER_PASSWORD_AUTH, the hosted UI's
 * login form): the user's status, lockout and PreAuthentication trigger,
 * the password, then the challenges or tokens that follow.
 */
export async function passwordSignIn(
  services: Services,
  pool: UserPoolConfig,
  client: UserPoolClientConfig,
  username: string,
  password: string,
  clientMetadata: Record<string, string>,
  deviceKey?: string,
): Promise<AuthResponse> {
  if (client.preventUserExistenceErrors && !services.users.bySignInName(pool, username)) {
    // Counted and locked out as a user's failures are: a lockout does not tell who exists.
    services.lockouts.assertOpen(pool, username);
    throw services.lockouts.fail(pool, username, NotAuthorized(messages.incorrectCredentials));
  }
  const user = await startSignIn(services, pool, client, username, clientMetadata);
  if (!isPassword(pool, user, password)) throw services.lockouts.fail(pool, user, NotAuthorized(messages.incorrectCredentials));
  return afterPasswordVerified(services, pool, client, user, clientMetadata, deviceKey);
}

/** The decoy's secret, stable per name: its salt and ids, and the verifier its SRP math runs with. */
export function decoySeed(services: Pick<Services, 'sealer'>, pool: UserPoolConfig, name: string): string {
  return services.sealer.digest(`decoy:${pool.id}:${name.toLowerCase()}`);
}

/** A v4 UUID from 32 hex digits of a digest: version 4 and the RFC 4122 variant (8, 9, a or b), as randomUUID makes subs. */
export function decoySub(hex: string): string {
  const variant = '89ab'[parseInt(hex.charAt(16), 16) % 4];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The user signing in, once they exist, are enabled, not locked out, and the PreAuthentication trigger agrees. */
async function startSignIn(
  services: Services,
  pool: UserPoolConfig,
  client: UserPoolClientConfig,
  username: string,
  clientMetadata: Record<string, string>,
): Promise<User> {
  const user = findUser(services, pool, client, username, () => NotAuthorized(messages.incorrectCredentials));
  // Under PreventUserExistenceErrors a disabled user is told so only once the password is right (afterPasswordVerified).
  if (!user.enabled && !client.preventUserExistenceErrors) throw NotAuthorized(messages.disabled);
  services.lockouts.assertOpen(pool, user);
  if (!user.enabled) return user;
  await invokeTrigger(services.triggers, pool, 'PreAuthentication', 'PreAuthentication_Authentication', user, {
    clientId: client.clientId,
    request: { userAttributes: user.attributes, validationData: {}, userNotFound: false, clientMetadata },
    response: {},
  });
  return user;
}
