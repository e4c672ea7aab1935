import { parseSrpTimestamp, srpPoolName, verifyPasswordClaim } from '../services/srp';
import {
  afterPasswordVerified,
  assertNotLockedOut,
  challenge,
  finishSignIn,
  mfaOrFinish,
  openSession,
  recordFailedSignIn,
  smsChallenge,
  userOf,
} from './auth-flow';
import { checkAttributes } from './attributes';
import { CodeMismatch, InvalidParameter, NotAuthorized, messages } from './errors';
import { SRP_PURPOSE, type SrpState } from './initiate-auth';
import { checkPasswordPolicy, passwordVerifier } from './passwords';
import type { Target } from './services';
import { totpMatches } from './totp';
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
      response('USERNAME');
      const secretBlock = response('PASSWORD_CLAIM_SECRET_BLOCK');
      const signature = response('PASSWORD_CLAIM_SIGNATURE');
      const timestamp = response('TIMESTAMP');
      const state = services.sealer.unseal<SrpState>(SRP_PURPOSE, secretBlock);
      if (!state || state.clientId !== clientId) throw NotAuthorized(messages.incorrectCredentials);
      const user = services.users.byUsername(pool.id, state.username);
      if (!user) throw NotAuthorized(messages.incorrectCredentials);
      assertNotLockedOut(services, user);
      const when = parseSrpTimestamp(timestamp);
      const skewed = !when || Math.abs(when.getTime() - services.clock.now().getTime()) > MAX_CLOCK_SKEW_MS;
      const verified =
        !skewed &&
        verifyPasswordClaim({
          poolName: srpPoolName(pool.id),
          userIdForSrp: user.username,
          verifier: user.verifier,
          A: state.A,
          ephemeral: { b: state.b, B: state.B },
          secretBlock,
          timestamp,
          signature,
        });
      if (!verified) {
        recordFailedSignIn(services, pool, user);
        throw NotAuthorized(messages.incorrectCredentials);
      }
      return afterPasswordVerified(services, pool, client, user, clientMetadata);
    }
    case 'SOFTWARE_TOKEN_MFA': {
      const code = response('SOFTWARE_TOKEN_MFA_CODE');
      const user = userOf(services, openSession(services, session, clientId, ['SOFTWARE_TOKEN_MFA']));
      assertNotLockedOut(services, user);
      if (!user.totpSecret || !totpMatches(user.totpSecret, code, services.clock)) {
        recordFailedSignIn(services, pool, user);
        throw CodeMismatch('Invalid code received for user');
      }
      return finishSignIn(services, pool, client, user, clientMetadata);
    }
    case 'SMS_MFA': {
      const code = response('SMS_MFA_CODE');
      const user = userOf(services, openSession(services, session, clientId, ['SMS_MFA']));
      assertNotLockedOut(services, user);
      try {
        services.codes.check(pool, user, 'SMS_MFA', '', code);
      } catch {
        recordFailedSignIn(services, pool, user);
        throw CodeMismatch('Invalid code or auth state for the user.');
      }
      return finishSignIn(services, pool, client, user, clientMetadata);
    }
    case 'SELECT_MFA_TYPE': {
      const answer = response('ANSWER');
      const user = userOf(services, openSession(services, session, clientId, ['SELECT_MFA_TYPE']));
      if (answer === 'SOFTWARE_TOKEN_MFA') return challenge(services, pool, client, user, 'SOFTWARE_TOKEN_MFA', {});
      if (answer === 'SMS_MFA') return smsChallenge(services, pool, client, user);
      throw InvalidParameter('Invalid MFA type chosen.');
    }
    case 'MFA_SETUP': {
      // The Session VerifySoftwareToken returned proves the new factor works.
      const user = userOf(services, openSession(services, session, clientId, ['MFA_SETUP_VERIFIED']));
      return finishSignIn(services, pool, client, user, clientMetadata);
    }
    case 'NEW_PASSWORD_REQUIRED': {
      const password = response('NEW_PASSWORD');
      const user = userOf(services, openSession(services, session, clientId, ['NEW_PASSWORD_REQUIRED']));
      checkPasswordPolicy(pool.passwordPolicy, password);
      const given = Object.entries(responses)
        .filter(([key]) => key.startsWith('userAttributes.'))
        .map(([key, Value]) => ({ Name: key.slice('userAttributes.'.length), Value }));
      Object.assign(user.attributes, checkAttributes(pool, given, true));
      const missing = pool.schema.find((a) => a.required && a.name !== 'sub' && !user.attributes[a.name]);
      if (missing) throw InvalidParameter(`Invalid attributes given, ${missing.name} is missing`);
      Object.assign(user, passwordVerifier(pool, user.username, password), { status: 'CONFIRMED', updatedAt: services.clock.now().getTime() });
      services.users.update(pool, user);
      return mfaOrFinish(services, pool, client, user, clientMetadata);
    }
    default:
      throw InvalidParameter(`The local cloud does not support the ${name} challenge.`);
  }
};
