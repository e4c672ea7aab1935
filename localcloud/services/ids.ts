import { randomBytes, randomInt, randomUUID } from 'node:crypto';

/** Random identifiers and codes, all from the OS's CSPRNG. */
export const newUuid = (): string => randomUUID();

/** A numeric one-time code as Cognito sends them (6 digits, leading zeros kept). */
export const newCode = (digits = 6): string => String(randomInt(0, 10 ** digits)).padStart(digits, '0');

/** URL-safe random token (refresh tokens, secrets). */
export const newToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');
