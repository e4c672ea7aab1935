import { domainToASCII } from 'node:url';
import { type CognitoIdentityClient, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type OwnerName, ownerNameKey } from '../../api/contract';

/**
 * The owner-name directory: `owners/{identity id}.json` in the storage bucket,
 * which only this function's role may write (amplify/storage/resource.ts).
 */
export interface OwnerNames {
  /** The caller's own identity id, from their id token (which the authorizer verified) — never from the request. */
  identityIdOf(idToken: string, issuer: string): Promise<string>;
  publish(entry: OwnerName): Promise<void>;
}

/**
 * GetId with the id token in the Logins map, as aws-amplify does it (the key is
 * the token's issuer without its scheme): the identity pool verifies the token
 * again and answers the one identity linked to that login, so nobody can name
 * another person's identity id. GetId needs no AWS credentials (the SDK sends
 * it unsigned) and gives the same id the app's own GetId gets.
 */
export function s3OwnerNames(identity: CognitoIdentityClient, IdentityPoolId: string, s3: S3Client, Bucket: string): OwnerNames {
  return {
    async identityIdOf(idToken, issuer) {
      const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId, Logins: { [issuer.replace(/^\w+:\/\//, '')]: idToken } }));
      if (!IdentityId) throw new Error('GetId answered no IdentityId');
      return IdentityId;
    },
    async publish(entry) {
      await s3.send(
        new PutObjectCommand({
          Bucket,
          Key: ownerNameKey(entry.identityId),
          Body: JSON.stringify(entry),
          ContentType: 'application/json',
          // A changed email shows at the next read, not after a cache's lifetime.
          CacheControl: 'no-cache',
        }),
      );
    },
  };
}

/**
 * How a verified email is shown as an owner name in other people's file
 * browsers, or null (they see "Person N") when it could pass for someone
 * else's: the domain as the mail system reads it (lower case, an
 * internationalized one in its `xn--` form, as browsers show look-alike
 * domains: `ada@exаmple.com` with a Cyrillic "а" is not `ada@example.com`),
 * and a local part of visible ASCII only (no look-alike letters, no
 * right-to-left overrides or other invisible characters).
 */
export function displayedOwnerName(email: string): string | null {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  if (at <= 0 || !/^[\x21-\x7e]+$/.test(local)) return null;
  const domain = domainToASCII(email.slice(at + 1));
  return domain && /^[a-z0-9.-]+$/.test(domain) ? `${local}@${domain}` : null;
}
