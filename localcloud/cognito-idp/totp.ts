import { generateSecret, verifySync } from 'otplib';
import type { Clock } from '../services/clock';

/** RFC 6238 TOTP as authenticator apps compute it (SHA-1, 6 digits, 30 s), one step of drift allowed. */
export const newTotpSecret = (): string => generateSecret({ length: 20 });

export function totpMatches(secret: string, code: string, clock: Clock): boolean {
  if (!/^[0-9]{6}$/.test(code)) return false;
  try {
    return verifySync({ secret, token: code, epoch: Math.floor(clock.now().getTime() / 1000), epochTolerance: 30 }).valid;
  } catch {
    return false;
  }
}
