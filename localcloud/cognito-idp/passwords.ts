import type { PasswordPolicy, UserPoolConfig } from '../provisioning/user-pools';
import { createVerifier, passwordMatches, srpPoolName, type PasswordVerifier } from '../services/srp';
import { InvalidParameter, InvalidPassword } from './errors';
import type { User } from './users';

/** Cognito's symbol set for RequireSymbols. */
const SYMBOLS = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/;

/** Checks a new password against the pool's policy, with Cognito's messages. */
export function checkPasswordPolicy(policy: PasswordPolicy, password: string, member = 'password'): void {
  if (password.length > 256 || !/^[\S]+.*[\S]+$/s.test(password)) {
    throw InvalidParameter(
      `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$`,
    );
  }
  const fail = (why: string) => InvalidPassword(`Password did not conform with policy: ${why}`);
  if (password.length < policy.minimumLength) throw fail('Password not long enough');
  if (policy.requireLowercase && !/[a-z]/.test(password)) throw fail('Password must have lowercase characters');
  if (policy.requireUppercase && !/[A-Z]/.test(password)) throw fail('Password must have uppercase characters');
  if (policy.requireNumbers && !/[0-9]/.test(password)) throw fail('Password must have numeric characters');
  if (policy.requireSymbols && !SYMBOLS.test(password)) throw fail('Password must have symbol characters');
}

/** The SRP verifier Cognito would store for this user's password (userIdForSrp is the internal username). */
export function passwordVerifier(pool: UserPoolConfig, username: string, password: string): PasswordVerifier {
  return createVerifier(srpPoolName(pool.id), username, password);
}

export function isPassword(pool: UserPoolConfig, user: User, password: string): boolean {
  return passwordMatches(srpPoolName(pool.id), user.username, password, user);
}
