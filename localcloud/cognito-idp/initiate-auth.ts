import type { UserPoolClientConfig, UserPoolConfig } from '../provisioning/user-pools';
import { isValidA, serverEphemeral } from '../services/srp';
import {
  afterPasswordVerified,
  assertFlowAllowed,
  assertNotLockedOut,
  checkSecretHash,
  likelyToFinish,
  recordFailedSignIn,
  type AuthResponse,
} from './auth-flow';
import { InvalidParameter, NotAuthorized, Unsupported, messages } from './errors';
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
}
export const SRP_PURPOSE = 'cognito-idp:srp';

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
        return decoyPasswordVerifier(services, pool.id, clientId, username, A);
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
          SECRET_BLOCK: services.sealer.seal(SRP_PURPOSE, state, 300),
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
      throw Unsupported(`The local cloud does not implement the ${flow} flow of InitiateAuth.`);
  }
};

/**
 * What an unknown user gets under PreventUserExistenceErrors: a challenge
 * shaped like a real one (stable salt and ids per name), which then fails
 * as a wrong password does.
 */
async function decoyPasswordVerifier(services: Services, poolId: string, clientId: string, username: string, A: string): Promise<AuthResponse> {
  const seed = services.sealer.digest(`decoy:${poolId}:${username.toLowerCase()}`);
  const { b, B } = await serverEphemeral(seed, A);
  const id = `${seed.slice(0, 8)}-${seed.slice(8, 12)}-4${seed.slice(13, 16)}-a${seed.slice(17, 20)}-${seed.slice(20, 32)}`;
  const state: SrpState = { poolId, clientId, username: '', A, b, B };
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: { SALT: seed.slice(32, 64), SECRET_BLOCK: services.sealer.seal(SRP_PURPOSE, state, 300), SRP_B: B, USERNAME: id, USER_ID_FOR_SRP: id },
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
  const user = await startSignIn(services, pool, client, username, clientMetadata);
  if (!isPassword(pool, user, password)) {
    recordFailedSignIn(services, pool, user);
    throw NotAuthorized(messages.incorrectCredentials);
  }
  return afterPasswordVerified(services, pool, client, user, clientMetadata, deviceKey);
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
  if (!user.enabled) throw NotAuthorized(messages.disabled);
  assertNotLockedOut(services, user);
  await invokeTrigger(services.triggers, pool, 'PreAuthentication', 'PreAuthentication_Authentication', user, {
    clientId: client.clientId,
    request: { userAttributes: user.attributes, validationData: {}, userNotFound: false, clientMetadata },
    response: {},
  });
  return user;
}
