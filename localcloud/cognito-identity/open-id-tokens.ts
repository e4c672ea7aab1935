import type { KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';
import type { CognitoWebIdentity } from '../iam/web-identity';
import { signRs256All } from '../services/jwt';

/**
 * The identity pools' OpenID Connect tokens (GetOpenIdToken, the basic flow):
 * RS256 JWTs signed with the state folder's key, `iss`
 * https://cognito-identity.amazonaws.com, `aud` the identity pool, `sub` the
 * identity, `amr` how it signed in; valid ten minutes, as Cognito's.
 */
export const OPEN_ID_ISSUER = 'https://cognito-identity.amazonaws.com';
export const OPEN_ID_TOKEN_SECONDS = 600;

/** Why a web identity token was refused: not ours / not valid, or expired. */
export class OpenIdTokenError extends Error {
  constructor(
    readonly reason: 'invalid' | 'expired',
    message: string,
  ) {
    super(message);
  }
}

export interface OpenIdTokens {
  sign(identity: CognitoWebIdentity): Promise<string>;
  /** The token's identity, if it is one this local cloud signed and it has not expired; throws OpenIdTokenError otherwise. */
  verify(token: string): Promise<CognitoWebIdentity & { exp: number }>;
}

export function createOpenIdTokens(key: { kid: string; privateKey: KeyObject; publicKey: KeyObject }, now: () => Date): OpenIdTokens {
  return {
    async sign({ aud, sub, amr }) {
      const iat = Math.floor(now().getTime() / 1000);
      const [token] = await signRs256All([{ iss: OPEN_ID_ISSUER, aud, sub, amr, iat, exp: iat + OPEN_ID_TOKEN_SECONDS }], key.privateKey, key.kid);
      return token;
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key.publicKey, { algorithms: ['RS256'], issuer: OPEN_ID_ISSUER, currentDate: now(), clockTolerance: 0 });
        const { aud, sub, amr, exp } = payload;
        if (typeof aud !== 'string' || typeof sub !== 'string' || !Array.isArray(amr) || typeof exp !== 'number') throw new Error('incomplete claims');
        return { aud, sub, amr: amr.map(String), exp };
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) {
          const exp = Number((error.payload as { exp?: unknown }).exp);
          throw new OpenIdTokenError('expired', `Token expired: current date/time ${Math.floor(now().getTime() / 1000)} must be before the expiration date/time ${exp}`);
        }
        if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'iss') {
          throw new OpenIdTokenError('invalid', `No OpenIDConnect provider found in your account for ${String((error.payload as { iss?: unknown }).iss)}`);
        }
        throw new OpenIdTokenError('invalid', "Couldn't verify the web identity token: it is not one the local cloud's identity pools issued.");
      }
    },
  };
}
