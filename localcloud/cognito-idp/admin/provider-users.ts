import type { UserPoolConfig, UserPoolIdentityProviderConfig } from '../../provisioning/user-pools';
import { InvalidParameter, missingMember } from '../errors';
import { type Json, optionalString } from '../validate';

/**
 * ProviderUserIdentifierType, as AdminLinkProviderForUser and
 * AdminDisableProviderForUser take it: `Cognito` and a username, or an
 * external provider of the pool, `Cognito_Subject` and the provider's user id.
 */
export interface ProviderUser {
  providerName: string;
  attributeName?: string;
  attributeValue: string;
}

export const COGNITO = 'Cognito';
export const COGNITO_SUBJECT = 'Cognito_Subject';

/** The member (DestinationUser, SourceUser, User), with Cognito's validation errors. */
export function providerUserOf(req: Json, member: string): ProviderUser {
  const value = req[member];
  if (value === undefined || value === null) throw missingMember(member);
  if (typeof value !== 'object' || Array.isArray(value)) throw InvalidParameter(`${member} must be a ProviderUserIdentifierType.`);
  const json = value as Json;
  const providerName = optionalString(json, 'ProviderName');
  const attributeValue = optionalString(json, 'ProviderAttributeValue');
  if (providerName === undefined) throw missingMember(`${member}.providerName`);
  if (attributeValue === undefined) throw missingMember(`${member}.providerAttributeValue`);
  if (providerName.length < 1 || providerName.length > 32) {
    throw InvalidParameter(`1 validation error detected: Value '${providerName}' at '${lower(member)}.providerName' failed to satisfy constraint: Member must have length between 1 and 32`);
  }
  return { providerName, attributeName: optionalString(json, 'ProviderAttributeName'), attributeValue };
}

/** The pool's external provider of that name, or InvalidParameterException. */
export function externalProviderOf(pool: UserPoolConfig, providerName: string): UserPoolIdentityProviderConfig {
  const provider = pool.identityProviders.find((p) => p.name === providerName);
  if (!provider) throw InvalidParameter(`Provider ${providerName} does not exist for user pool ${pool.id}.`);
  return provider;
}

const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
