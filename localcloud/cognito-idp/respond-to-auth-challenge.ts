import type { UserPoolConfig } from '../provisioning/user-pools';
import { isValidA, parseSrpTimestamp, serverEphemeral, srpPoolName, verifyPasswordClaim } from '../services/srp';
import {
  afterPasswordVerified,
  challenge,
  finishSignIn,
  mfaOrFinish,
  openSession,
  sealSession,
  smsChallenge,
  spendSession,
  userOf,
} from './auth-flow';
import { assertWritable, checkAttributes } from './attributes';
import { CodeMismatch, InvalidParameter, NotAuthorized, ResourceNotFound, messages, notEmulated } from './errors';
import { SRP_PURPOSE, decoySeed, sealSrpState, type SrpState } from './initiate-auth';
import { CHALLENGE_NAMES } from './operations';
import { checkPasswordPolicy, passwordVerifier } from './passwords';
import type { Services, Target } from './services';
import { totpMatches } from './totp';
import type { User } from './users';
import { optionalString, string, stringMap } from './validate';

/** How far the client's TIMESTAMP may be from the server's clock. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export const RespondToAuthChallenge: Target = (services) => async (_ctx, req) => {
  const name = string(req, 'ChallengeName');
  const clientId = string(req, 'ClientId');
  const responses = stringMap(req, 'ChallengeResponses');
  const session = optionalString(req, 'Session');
  const clientMetadata = stringMap(req, 'ClientMetadata');
  const { pool, client } = services.pools.client(clientId);
  const response = (key: string) => {
    const value = responses[key];
    if (!value) throw InvalidParameter(`Missing required parameter ${key}`);
    return value;
  };

  switch (name) {
    case 'PASSWORD_VERIFIER': {
      const { state, user } = await passwordClaim(services, pool, clientId, response);
      if (state.deviceKey) throw NotAuthorized(messages.incorrectCredentials);
      await checkClaim(services, pool, user, response, state, { poolName: srpPoolName(pool.id), userId: user.username, verifier: user.verifier });
      return afterPasswordVerified(services, pool, client, user, clientMetadata, responses.DEVICE_KEY);
    }
    case 'DEVICE_SRP_AUTH': {
      const pending = openSession(services, session, clientId, ['DEVICE_SRP_AUTH']);
      const user = userOf(services, pending);
      const A = response('SRP_A');
      const device = services.devices.get(pool.id, user.username, response('DEVICE_KEY'));
      if (!device?.confirmed || device.deviceKey !== pending.deviceKey) throw ResourceNotFound('Device does not exist.');
      if (!isValidA(A)) throw InvalidParameter('Invalid SRP_A value.');
      spendSession(services, session);
      const { b, B } = await serverEphemeral(device.verifier!, A);
      const state: SrpState = { poolId: pool.id, clientId, username: user.username, A, b, B, deviceKey: device.deviceKey };
      return {
        ChallengeName: 'DEVICE_PASSWORD_VERIFIER',
        ChallengeParameters: {
          SALT: device.salt!,
          SRP_B: B,
          SECRET_BLOCK: sealSrpState(services, state),
          USERNAME: user.username,
          DEVICE_KEY: device.deviceKey,
        },
        Session: sealSession(services, { ...pending, challenge: 'DEVICE_PASSWORD_VERIFIER' }),
      };
    }
    case 'DEVICE_PASSWORD_VERIFIER': {
      const pending = openSession(services, session, clientId, ['DEVICE_PASSWORD_VERIFIER']);
      const { state, user } = await passwordClaim(services, pool, clientId, response);
      const device = services.devices.get(pool.id, user.username, pending.deviceKey ?? '');
      if (!device?.confirmed || state.deviceKey !== device.deviceKey) throw NotAuthorized(messages.incorrectCredentials);
      await checkClaim(services, pool, user, response, state, { poolName: device.deviceGroupKey, userId: device.deviceKey, verifier: device.verifier! });
      spendSession(services, session);
      services.devices.save({ ...device, lastAuthenticatedAt: services.clock.now().getTime() });
      // With ChallengeRequiredOnNewDevice, a remembered device stands in for MFA (new ones must answer it).
      return device.remembered && pool.deviceConfiguration?.challengeRequiredOnNewDevice
        ? finishSignIn(services, pool, client, user, clientMetadata, device.deviceKey)
        : mfaOrFinish(services, pool, client, user, clientMetadata, device.deviceKey);
    }
    case 'SOFTWARE_TOKEN_MFA': {
      const code = response('SOFTWARE_TOKEN_MFA_CODE');
      const pending = openSession(services, session, clientId, ['SOFTWARE_TOKEN_MFA']);
      const user = userOf(services, pending);
      services.lockouts.assertOpen(pool, user);
      if (!user.totpSecret || !totpMatches(user.totpSecret, code, services.clock)) {
        throw services.lockouts.fail(pool, user, CodeMismatch('Invalid code received for user'));
      }
      spendSession(services, session);
      return finishSignIn(services, pool, client, user, clientMetadata, pending.deviceKey);
    }
    case 'SMS_MFA': {
      const code = response('SMS_MFA_CODE');
      const pending = openSession(services, session, clientId, ['SMS_MFA']);
      const user = userOf(services, pending);
      services.lockouts.assertOpen(pool, user);
      try {
        services.codes.check(pool, user, 'SMS_MFA', '', code);
      } catch {
        throw services.lockouts.fail(pool, user, CodeMismatch('Invalid code or auth state for the user.'));
      }
      services.codes.consume(pool, user, 'SMS_MFA', '');
      spendSession(services, session);
      return finishSignIn(services, pool, client, user, clientMetadata, pending.deviceKey);
    }
    case 'SELECT_MFA_TYPE': {
      const answer = response('ANSWER');
      const pending = openSession(services, session, clientId, ['SELECT_MFA_TYPE']);
      const user = userOf(services, pending);
      if (answer === 'SOFTWARE_TOKEN_MFA' || answer === 'SMS_MFA') spendSession(services, session);
      if (answer === 'SOFTWARE_TOKEN_MFA') return challenge(services, pool, client, user, 'SOFTWARE_TOKEN_MFA', {}, pending.deviceKey);
      if (answer === 'SMS_MFA') return smsChallenge(services, pool, client, user, pending.deviceKey);
      throw InvalidParameter('Invalid MFA type chosen.');
    }
    case 'MFA_SETUP': {
      // The Session VerifySoftwareToken returned proves the new factor works.
      const pending = openSession(services, session, clientId, ['MFA_SETUP_VERIFIED']);
      spendSession(services, session);
      return finishSignIn(services, pool, client, userOf(services, pending), clientMetadata, pending.deviceKey);
    }
    case 'NEW_PASSWORD_REQUIRED': {
      const password = response('NEW_PASSWORD');
      const user = userOf(services, openSession(services, session, clientId, ['NEW_PASSWORD_REQUIRED']));
      checkPasswordPolicy(pool.passwordPolicy, password);
      const given = Object.entries(responses)
        .filter(([key]) => key.startsWith('userAttributes.'))
        .map(([key, Value]) => ({ Name: key.slice('userAttributes.'.length), Value }));
      assertWritable(client, given.map((a) => a.Name));
      Object.assign(user.attributes, checkAttributes(pool, given, true));
      const missing = pool.schema.find((a) => a.required && a.name !== 'sub' && !user.attributes[a.name]);
      if (missing) throw InvalidParameter(`Invalid attributes given, ${missing.name} is missing`);
      spendSession(services, session);
      Object.assign(user, passwordVerifier(pool, user.username, password), { status: 'CONFIRMED', temporaryPasswordExpiresAt: undefined, updatedAt: services.clock.now().getTime() });
      services.users.update(pool, user);
      return mfaOrFinish(services, pool, client, user, clientMetadata);
    }
    default:
      // Cognito's other challenges (CUSTOM_CHALLENGE, EMAIL_OTP, WEB_AUTHN, ...) belong to flows not emulated.
      if (CHALLENGE_NAMES.includes(name)) throw notEmulated(`the ${name} challenge of RespondToAuthChallenge`);
      throw InvalidParameter(
        `1 validation error detected: Value '${name}' at 'challengeName' failed to satisfy constraint: Member must satisfy enum value set: [${CHALLENGE_NAMES.join(', ')}]`,
      );
  }
};

/** The SRP state sealed in the echoed SECRET_BLOCK, and its user (not locked out). */
async function passwordClaim(services: Services, pool: UserPoolConfig, clientId: string, response: (key: string) => string): Promise<{ state: SrpState; user: User }> {
  response('USERNAME');
  const block = response('PASSWORD_CLAIM_SECRET_BLOCK');
  const state = services.sealer.unseal<SrpState>(SRP_PURPOSE, block);
  // The challenge outlived the client's AuthSessionValidity.
  if (!state && services.sealer.expired(SRP_PURPOSE, block)) throw NotAuthorized(messages.invalidSession);
  if (!state || state.clientId !== clientId || state.poolId !== pool.id) throw NotAuthorized(messages.incorrectCredentials);
  if (state.unknownName !== undefined) {
    // A decoy's claim fails as a wrong password does, after the same SRP work (no quicker answer to time), and
    // counts toward the name's lockout.
    services.lockouts.assertOpen(pool, state.unknownName);
    await verifyClaimSignature(services, response, state, { poolName: srpPoolName(pool.id), userId: response('USERNAME'), verifier: decoySeed(services, pool, state.unknownName) });
    throw services.lockouts.fail(pool, state.unknownName, NotAuthorized(messages.incorrectCredentials));
  }
  const user = services.users.byUsername(pool.id, state.username);
  if (!user) throw NotAuthorized(messages.incorrectCredentials);
  services.lockouts.assertOpen(pool, user);
  return { state, user };
}

/** Checks PASSWORD_CLAIM_SIGNATURE (and the TIMESTAMP's skew); a failure counts toward lockout. */
async function checkClaim(
  services: Services,
  pool: UserPoolConfig,
  user: User,
  response: (key: string) => string,
  state: SrpState,
  proof: { poolName: string; userId: string; verifier: string },
): Promise<void> {
  const verified = await verifyClaimSignature(services, response, state, proof);
  // Counted against the stored user as it is now: claims answered concurrently each count.
  if (!verified) throw services.lockouts.fail(pool, user, NotAuthorized(messages.incorrectCredentials));
  // A SECRET_BLOCK proves one sign-in: the same claim sent again is refused.
  if (!services.sealer.spend(SRP_PURPOSE, response('PASSWORD_CLAIM_SECRET_BLOCK'))) throw NotAuthorized(messages.incorrectCredentials);
}

/** Whether PASSWORD_CLAIM_SIGNATURE proves the verifier's secret, with a TIMESTAMP within the allowed skew. */
async function verifyClaimSignature(
  services: Pick<Services, 'clock'>,
  response: (key: string) => string,
  state: SrpState,
  proof: { poolName: string; userId: string; verifier: string },
): Promise<boolean> {
  const timestamp = response('TIMESTAMP');
  const when = parseSrpTimestamp(timestamp);
  return (
    !!when &&
    Math.abs(when.getTime() - services.clock.now().getTime()) <= MAX_CLOCK_SKEW_MS &&
    verifyPasswordClaim({
      poolName: proof.poolName,
      userIdForSrp: proof.userId,
      verifier: proof.verifier,
      A: state.A,
      ephemeral: { b: state.b, B: state.B },
      secretBlock: response('PASSWORD_CLAIM_SECRET_BLOCK'),
      timestamp,
      signature: response('PASSWORD_CLAIM_SIGNATURE'),
    })
  );
}
