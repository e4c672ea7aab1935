import { createHmac, timingSafeEqual } from 'node:crypto';
import type { UserPoolClientConfig, UserPoolConfig } from '../provisioning/user-pools';
import { CognitoError, NotAuthorized, ResourceNotFound, UserNotConfirmed, messages } from './errors';
import type { Services } from './services';
import type { AuthenticationResult } from './tokens';
import { invokeTrigger } from './trigger-events';
import type { User } from './users';

/**
 * What the sign-in operations share: lockout after repeated failures, the
 * sealed Session that carries a sign-in from one challenge to the next, the
 * choice of MFA challenge, and the final token issue.
 */
export interface AuthResponse {
  ChallengeName?: string;
  ChallengeParameters?: Record<string, string>;
  Session?: string;
  AuthenticationResult?: AuthenticationResult;
}

/** A sign-in between two challenges. */
export interface PendingSignIn {
  poolId: string;
  clientId: string;
  username: string;
  challenge: string;
  /** The device this sign-in proved (DEVICE_SRP_AUTH) or is proving. */
  deviceKey?: string;
}

const SESSION_PURPOSE = 'cognito-idp:session';

/** A challenge's Session, valid for the app client's AuthSessionValidity (3 to 15 minutes, 3 by default). */
export function sealSession(services: Pick<Services, 'sealer' | 'pools'>, pending: PendingSignIn): string {
  return services.sealer.seal(SESSION_PURPOSE, pending, services.pools.client(pending.clientId).client.authSessionValiditySeconds);
}

/** The pending sign-in a Session carries, checked against the client and the challenge answered. */
export function openSession(
  services: Pick<Services, 'sealer'>,
  session: string | undefined,
  clientId: string,
  challenges: string[],
): PendingSignIn {
  const pending = session ? services.sealer.unseal<PendingSignIn>(SESSION_PURPOSE, session) : undefined;
  if (!pending || pending.clientId !== clientId || !challenges.includes(pending.challenge)) {
    throw NotAuthorized(messages.invalidSession);
  }
  return pending;
}

/** A challenge answered: its Session cannot be answered again. */
export function spendSession(services: Pick<Services, 'sealer'>, session: string | undefined): void {
  if (!session || !services.sealer.spend(SESSION_PURPOSE, session)) throw NotAuthorized(messages.invalidSession);
}

/** SECRET_HASH = Base64(HMAC-SHA256(clientSecret, username + clientId)), required when the client has a secret. */
export function checkSecretHash(client: UserPoolClientConfig, username: string, secretHash: string | undefined): void {
  if (!client.clientSecret) return;
  if (!secretHash) throw NotAuthorized(`Client ${client.clientId} is configured with secret but SECRET_HASH was not received`);
  const expected = createHmac('sha256', client.clientSecret).update(username + client.clientId).digest();
  const given = Buffer.from(secretHash, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw NotAuthorized(`Unable to verify secret hash for client ${client.clientId}`);
  }
}

/** The client secret GetTokensFromRefreshToken and RevokeToken take (not a SECRET_HASH). */
export function checkClientSecret(client: UserPoolClientConfig, given: string | undefined): void {
  if (client.clientSecret && given !== client.clientSecret) {
    throw NotAuthorized(`Client ${client.clientId} is configured with secret but ClientSecret was not received or is invalid`);
  }
}

/** The client a Session was issued to (AssociateSoftwareToken and VerifySoftwareToken carry no ClientId). */
export function sessionClientId(services: Pick<Services, 'sealer'>, session: string | undefined): string {
  return (session && services.sealer.unseal<PendingSignIn>(SESSION_PURPOSE, session)?.clientId) || '';
}

/** Refuses a flow the app client does not allow, as Cognito words it. */
export function assertFlowAllowed(client: UserPoolClientConfig, flow: string): void {
  const allowed = client.explicitAuthFlows.some((f) => f === `ALLOW_${flow}` || (flow === 'USER_PASSWORD_AUTH' && f === 'USER_PASSWORD_AUTH'));
  if (!allowed) throw new CognitoError('InvalidParameterException', `${flow} flow not enabled for this client`);
}

/**
 * The password is right: unless the user is locked out meanwhile (a right
 * password is refused then too) or disabled (said only now, to someone who
 * knows the password), reset the failure count, then challenge for a new
 * password, the device (when the client names a tracked one) or MFA, or
 * finish the sign-in.
 */
export async function afterPasswordVerified(
  services: Services,
  pool: UserPoolConfig,
  client: UserPoolClientConfig,
  user: User,
  clientMetadata: Record<string, string>,
  deviceKey?: string,
): Promise<AuthResponse> {
  services.lockouts.assertOpen(pool, user);
  if (!user.enabled) throw NotAuthorized(messages.disabled);
  services.lockouts.clear(pool, user);
  if (user.status === 'UNCONFIRMED') throw UserNotConfirmed(messages.notConfirmed);
  if (user.status === 'RESET_REQUIRED') throw new CognitoError('PasswordResetRequiredException', 'Password reset required for the user');
  if (user.status === 'FORCE_CHANGE_PASSWORD') {
    if ((user.temporaryPasswordExpiresAt ?? Infinity) < services.clock.now().getTime()) {
      throw NotAuthorized('Temporary password has expired and must be reset by an administrator.');
    }
    const required = pool.schema.filter((a) => a.required && a.name !== 'sub' && !user.attributes[a.name]).map((a) => `userAttributes.${a.name}`);
    return challenge(services, pool, client, user, 'NEW_PASSWORD_REQUIRED', {
      userAttributes: JSON.stringify(Object.fromEntries(Object.entries(user.attributes).filter(([n]) => n !== 'sub' && !n.endsWith('_verified')))),
      requiredAttributes: JSON.stringify(required),
    });
  }
  if (deviceKey && pool.deviceConfiguration) {
    // An unknown device makes aws-amplify forget its keys and sign in afresh.
    if (!services.devices.get(pool.id, user.username, deviceKey)?.confirmed) throw ResourceNotFound('Device does not exist.');
    return challenge(services, pool, client, user, 'DEVICE_SRP_AUTH', { DEVICE_KEY: deviceKey }, deviceKey);
  }
  return mfaOrFinish(services, pool, client, user, clientMetadata);
}

/**
 * A cheap guess, before the password is checked, that the sign-in will end
 * in tokens (a confirmed user with no MFA to answer): worth signing them
 * ahead. A wrong guess only wastes that work; mfaOrFinish decides.
 */
export function likelyToFinish(pool: UserPoolConfig, user: User): boolean {
  if (user.status !== 'CONFIRMED') return false;
  return pool.mfaConfiguration === 'OFF' || (pool.mfaConfiguration === 'OPTIONAL' && !user.totpEnabled && !user.smsMfaEnabled);
}

/** Which MFA challenge (if any) the user must answer, following the pool's MFA configuration. */
export async function mfaOrFinish(
  services: Services,
  pool: UserPoolConfig,
  client: UserPoolClientConfig,
  user: User,
  clientMetadata: Record<string, string>,
  deviceKey?: string,
): Promise<AuthResponse> {
  if (pool.mfaConfiguration === 'OFF') return finishSignIn(services, pool, client, user, clientMetadata, deviceKey);
  const totp = pool.enabledMfas.includes('SOFTWARE_TOKEN_MFA') && user.totpEnabled;
  const smsAllowed = pool.enabledMfas.includes('SMS_MFA') && !!user.attributes.phone_number;
  const sms = smsAllowed && user.smsMfaEnabled;
  if (totp && sms && !user.preferredMfa) {
    return challenge(services, pool, client, user, 'SELECT_MFA_TYPE', { MFAS_CAN_CHOOSE: JSON.stringify(['SMS_MFA', 'SOFTWARE_TOKEN_MFA']) }, deviceKey);
  }
  if (totp && (!sms || user.preferredMfa === 'SOFTWARE_TOKEN_MFA')) return challenge(services, pool, client, user, 'SOFTWARE_TOKEN_MFA', {}, deviceKey);
  if (sms || (pool.mfaConfiguration === 'ON' && smsAllowed)) return smsChallenge(services, pool, client, user, deviceKey);
  if (pool.mfaConfiguration === 'ON') {
    const canSetUp = pool.enabledMfas.filter((m) => m === 'SOFTWARE_TOKEN_MFA' || (m === 'SMS_MFA' && smsAllowed));
    if (!canSetUp.length) throw NotAuthorized('User has not set up software token mfa');
    return challenge(services, pool, client, user, 'MFA_SETUP', { MFAS_CAN_SETUP: JSON.stringify(canSetUp) }, deviceKey);
  }
  return finishSignIn(services, pool, client, user, clientMetadata, deviceKey);
}

export async function smsChallenge(
  services: Services,
  pool: UserPoolConfig,
  client: UserPoolClientConfig,
  user: User,
  deviceKey?: string,
): Promise<AuthResponse> {
  const delivery = await services.codes.send(pool, user, 'SMS_MFA', 'phone_number', { clientId: client.clientId });
  return challenge(services, pool, client, user, 'SMS_MFA', {
    CODE_DELIVERY_DELIVERY_MEDIUM: delivery.DeliveryMedium,
    CODE_DELIVERY_DESTINATION: delivery.Destination,
  }, deviceKey);
}

export function challenge(
  services: Pick<Services, 'sealer' | 'pools'>,
  pool: UserPoolConfig,
  client: UserPoolClientConfig,
  user: User,
  name: string,
  parameters: Record<string, string>,
  deviceKey?: string,
): AuthResponse {
  return {
    ChallengeName: name,
    ChallengeParameters: { USER_ID_FOR_SRP: user.username, ...parameters },
    Session: sealSession(services, { poolId: pool.id, clientId: client.clientId, username: user.username, challenge: name, deviceKey }),
  };
}

/**
 * Tokens for a completed sign-in, after the PostAuthentication trigger; where
 * the pool tracks devices and no known device signed in, new device keys.
 */
export async function finishSignIn(
  services: Services,
  pool: UserPoolConfig,
  client: UserPoolClientConfig,
  user: User,
  clientMetadata: Record<string, string>,
  deviceKey?: string,
): Promise<AuthResponse> {
  const result: AuthenticationResult & { NewDeviceMetadata?: { DeviceKey: string; DeviceGroupKey: string } } =
    await services.tokens.issue(pool, client, user, clientMetadata);
  if (pool.deviceConfiguration && !deviceKey) {
    const device = services.devices.create(pool, user.username);
    result.NewDeviceMetadata = { DeviceKey: device.deviceKey, DeviceGroupKey: device.deviceGroupKey };
  }
  await invokeTrigger(services.triggers, pool, 'PostAuthentication', 'PostAuthentication_Authentication', user, {
    clientId: client.clientId,
    request: { userAttributes: user.attributes, newDeviceUsed: false, clientMetadata },
    response: {},
  });
  return { ChallengeParameters: {}, AuthenticationResult: result };
}

/** The user a pending sign-in is about, refusing if it was deleted meanwhile. */
export function userOf(services: Pick<Services, 'users'>, pending: PendingSignIn): User {
  const user = services.users.byUsername(pending.poolId, pending.username);
  if (!user) throw NotAuthorized(messages.invalidSession);
  return user;
}
