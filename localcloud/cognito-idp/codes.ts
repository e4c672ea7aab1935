import { newCode } from '../services/ids';
import type { UserPoolConfig } from '../provisioning/user-pools';
import type { Store } from '../store/store';
import type { Clock } from '../services/clock';
import type { Outbox } from '../services/outbox';
import type { Triggers } from '../services/triggers';
import { EMAIL, PHONE } from './attributes';
import { CodeMismatch, ExpiredCode, LimitExceeded, messages } from './errors';
import type { User } from './users';
import { invokeTrigger } from './trigger-events';

/**
 * One-time codes (sign-up, attribute verification, password reset, SMS MFA):
 * stored, delivered through the outbox, checked with a bounded number of
 * attempts, and consumed on success.
 */
export type CodePurpose = 'SIGN_UP' | 'FORGOT_PASSWORD' | 'VERIFY_ATTRIBUTE' | 'SMS_MFA';

/** Whose code: a user, or (unknownHolder) a name that designates nobody. */
export type CodeHolder = Pick<User, 'username'>;

/** The holder of the codes pretended for a name that designates nobody (a space: no real username has one). */
export function unknownHolder(name: string): CodeHolder {
  return { username: `unknown ${name.toLowerCase()}` };
}

export interface CodeDeliveryDetails {
  Destination: string;
  DeliveryMedium: 'EMAIL' | 'SMS';
  AttributeName: string;
}

/** Cognito's lifetimes: 24 h for confirmation and verification codes, 1 h for a reset, 3 min for SMS MFA. */
const TTL_SECONDS: Record<CodePurpose, number> = {
  SIGN_UP: 86400,
  VERIFY_ATTRIBUTE: 86400,
  FORGOT_PASSWORD: 3600,
  SMS_MFA: 180,
};
const MAX_ATTEMPTS = 5;

/**
 * Per-user limit on code requests (ForgotPassword, ResendConfirmationCode,
 * GetUserAttributeVerificationCode, UpdateUserAttributes), so that asking
 * for a fresh code (and a fresh guess budget) again and again cannot brute
 * force one: Cognito's LimitExceededException beyond it. Cognito does not
 * publish its figure; 5 an hour per user and purpose is within what it allows.
 */
export const MAX_CODE_REQUESTS = 5;
export const CODE_REQUEST_WINDOW_MS = 60 * 60 * 1000;

/** CustomMessage trigger sources for each purpose. */
const TRIGGER_SOURCE: Record<CodePurpose, string> = {
  SIGN_UP: 'CustomMessage_SignUp',
  VERIFY_ATTRIBUTE: 'CustomMessage_VerifyUserAttribute',
  FORGOT_PASSWORD: 'CustomMessage_ForgotPassword',
  SMS_MFA: 'CustomMessage_Authentication',
};

export const codesMigrations = [
  `CREATE TABLE cognito_codes (
     pool_id TEXT NOT NULL, username TEXT NOT NULL, purpose TEXT NOT NULL,
     attribute TEXT NOT NULL, code TEXT NOT NULL, expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (pool_id, username, purpose, attribute))`,
  `CREATE TABLE cognito_code_requests (pool_id TEXT NOT NULL, subject TEXT NOT NULL, purpose TEXT NOT NULL, requested_at INTEGER NOT NULL)`,
  'CREATE INDEX cognito_code_requests_subject ON cognito_code_requests (pool_id, subject, purpose, requested_at)',
];

export interface Codes {
  /** Creates (replacing any previous one) and sends a code to the user's `attribute` (or `destination`). */
  send(
    pool: UserPoolConfig,
    user: User,
    purpose: CodePurpose,
    attribute: 'email' | 'phone_number',
    options?: { destination?: string; clientId?: string; clientMetadata?: Record<string, string>; unlimited?: boolean },
  ): Promise<CodeDeliveryDetails>;
  /**
   * Counts a code request of `subject` (a user, or under
   * PreventUserExistenceErrors a name that designates nobody, so that the
   * limit tells nothing about who exists): LimitExceededException beyond
   * MAX_CODE_REQUESTS in CODE_REQUEST_WINDOW_MS. `send` counts its own
   * (SMS MFA codes and `unlimited` sends aside).
   */
  countRequest(pool: UserPoolConfig, subject: { user: User } | { name: string }, purpose: CodePurpose): void;
  /**
   * Throws CodeMismatch / ExpiredCode / LimitExceeded, counting the failed
   * attempt (so call it outside a transaction that would roll the count back).
   */
  check(pool: UserPoolConfig, user: CodeHolder, purpose: CodePurpose, attribute: string, code: string): void;
  /** Uses up a checked code (in the transaction that applies what it proved). */
  consume(pool: UserPoolConfig, user: CodeHolder, purpose: CodePurpose, attribute: string): void;
  /**
   * A code made and kept but sent to nobody, behind a pretended delivery
   * (PreventUserExistenceErrors): checking a guess against it then answers
   * exactly as for a user who was sent one (mismatch, then the attempt limit).
   */
  hold(pool: UserPoolConfig, holder: CodeHolder, purpose: CodePurpose, options?: { keepExisting?: boolean }): void;
  /** Forgets a user's codes (deleted user). */
  forget(poolId: string, username: string): void;
}

export function deliveryDetails(attribute: 'email' | 'phone_number', destination: string): CodeDeliveryDetails {
  return { Destination: mask(attribute, destination), DeliveryMedium: attribute === 'email' ? 'EMAIL' : 'SMS', AttributeName: attribute };
}

/**
 * What a code request answers, under PreventUserExistenceErrors, for a name
 * that designates nobody (or a user who cannot be sent one): the delivery a
 * user of this pool would get on `attribute` — the name itself, masked, when
 * it is such an address, else an address made up from `digest` (keyed, so
 * stable per name and not computable by the caller).
 */
export function pretendDelivery(attribute: 'email' | 'phone_number', name: string, digest: string): CodeDeliveryDetails {
  if (attribute === 'email' && EMAIL.test(name)) return deliveryDetails('email', name);
  if (attribute === 'phone_number' && PHONE.test(name)) return deliveryDetails('phone_number', name);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const letter = (i: number) => letters[parseInt(digest.slice(i, i + 2), 16) % letters.length];
  const digits = [...digest.slice(4, 12)].map((c) => parseInt(c, 16) % 10).join('').slice(0, 4);
  return attribute === 'email' ? deliveryDetails('email', `${letter(0)}@${letter(2)}.com`) : deliveryDetails('phone_number', `+1555555${digits}`);
}

/** Cognito's masking: "a***@e***" and "+*******1234". */
export function mask(attribute: 'email' | 'phone_number', value: string): string {
  if (attribute === 'email') {
    const [local, domain = ''] = value.split('@');
    return `${local.charAt(0)}***@${domain.charAt(0)}***`;
  }
  return `+${'*'.repeat(Math.max(0, value.length - 5))}${value.slice(-4)}`;
}

/** Attribute verification keeps one code per attribute; the other purposes one per user. */
const codeKey = (purpose: CodePurpose, attribute: string) => (purpose === 'VERIFY_ATTRIBUTE' ? attribute : '');

export function createCodes(store: Store, clock: Clock, outbox: Outbox, triggers: Triggers): Codes {
  store.migrate('cognito-idp.codes', codesMigrations);
  const db = store.db;
  const upsert = db.prepare(
    `INSERT INTO cognito_codes (pool_id, username, purpose, attribute, code, expires_at, attempts) VALUES (?, ?, ?, ?, ?, ?, 0)
     ON CONFLICT (pool_id, username, purpose, attribute) DO UPDATE SET code = excluded.code, expires_at = excluded.expires_at, attempts = 0`,
  );
  const find = db.prepare('SELECT code, expires_at AS expiresAt, attempts FROM cognito_codes WHERE pool_id = ? AND username = ? AND purpose = ? AND attribute = ?');
  const remove = db.prepare('DELETE FROM cognito_codes WHERE pool_id = ? AND username = ? AND purpose = ? AND attribute = ?');
  const countAttempt = db.prepare('UPDATE cognito_codes SET attempts = attempts + 1 WHERE pool_id = ? AND username = ? AND purpose = ? AND attribute = ?');
  const recentRequests = db.prepare('SELECT count(*) FROM cognito_code_requests WHERE pool_id = ? AND subject = ? AND purpose = ? AND requested_at > ?').pluck();
  const recordRequest = db.prepare('INSERT INTO cognito_code_requests (pool_id, subject, purpose, requested_at) VALUES (?, ?, ?, ?)');
  const purgeRequests = db.prepare('DELETE FROM cognito_code_requests WHERE requested_at <= ?');
  let requests = 0;

  const codes: Codes = {
    countRequest(pool, subject, purpose) {
      const now = clock.now().getTime();
      const key = 'user' in subject ? `user:${subject.user.username}` : `name:${subject.name.toLowerCase()}`;
      if (Number(recentRequests.get(pool.id, key, purpose, now - CODE_REQUEST_WINDOW_MS)) >= MAX_CODE_REQUESTS) throw LimitExceeded(messages.limitExceeded);
      recordRequest.run(pool.id, key, purpose, now);
      if (++requests % 100 === 0) purgeRequests.run(now - CODE_REQUEST_WINDOW_MS);
    },
    async send(pool, user, purpose, attribute, options = {}) {
      if (purpose !== 'SMS_MFA' && !options.unlimited) codes.countRequest(pool, { user }, purpose);
      const destination = options.destination ?? user.attributes[attribute] ?? '';
      const code = newCode();
      upsert.run(pool.id, user.username, purpose, codeKey(purpose, attribute), code, clock.now().getTime() + TTL_SECONDS[purpose] * 1000);
      const channel = attribute === 'email' ? 'email' : 'sms';
      let subject = pool.verificationMessages.emailSubject;
      let body = (channel === 'email' ? pool.verificationMessages.emailMessage : pool.verificationMessages.smsMessage);
      if (purpose === 'SMS_MFA') body = pool.verificationMessages.smsAuthenticationMessage;
      if (pool.lambdaConfig.CustomMessage) {
        const event = await invokeTrigger(triggers, pool, 'CustomMessage', TRIGGER_SOURCE[purpose], user, {
          clientId: options.clientId,
          request: { userAttributes: user.attributes, codeParameter: '{####}', usernameParameter: null, clientMetadata: options.clientMetadata ?? {} },
          response: { smsMessage: null, emailMessage: null, emailSubject: null },
        });
        const r = event.response as { smsMessage?: string | null; emailMessage?: string | null; emailSubject?: string | null };
        if (channel === 'email' && r.emailMessage) body = r.emailMessage;
        if (channel === 'sms' && r.smsMessage) body = r.smsMessage;
        if (channel === 'email' && r.emailSubject) subject = r.emailSubject;
      }
      outbox.send({
        to: destination,
        channel,
        subject: channel === 'email' ? subject : '',
        body: body.replaceAll('{####}', code).replaceAll('{username}', user.username),
        code,
      });
      return deliveryDetails(attribute, destination);
    },
    hold(pool, holder, purpose, options = {}) {
      if (options.keepExisting && find.get(pool.id, holder.username, purpose, '')) return;
      upsert.run(pool.id, holder.username, purpose, '', newCode(), clock.now().getTime() + TTL_SECONDS[purpose] * 1000);
    },
    check(pool, user, purpose, attribute, code) {
      const key = [pool.id, user.username, purpose, codeKey(purpose, attribute)] as const;
      const stored = find.get(...key) as { code: string; expiresAt: number; attempts: number } | undefined;
      if (!stored) throw ExpiredCode(messages.codeExpired);
      if (stored.expiresAt < clock.now().getTime()) {
        remove.run(...key);
        throw ExpiredCode(messages.codeExpired);
      }
      if (stored.attempts >= MAX_ATTEMPTS) throw LimitExceeded(messages.limitExceeded);
      if (stored.code !== code) {
        countAttempt.run(...key);
        throw CodeMismatch(messages.codeMismatch);
      }
    },
    consume(pool, user, purpose, attribute) {
      remove.run(pool.id, user.username, purpose, codeKey(purpose, attribute));
    },
    forget(poolId, username) {
      db.prepare('DELETE FROM cognito_codes WHERE pool_id = ? AND username = ?').run(poolId, username);
    },
  };
  return codes;
}
