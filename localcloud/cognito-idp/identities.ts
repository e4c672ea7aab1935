/**
 * A user's external identities, as Cognito records them: the `identities`
 * attribute (a JSON string, what AdminGetUser and ListUsers show) and the
 * `identities` claim of the id token (the same objects with every value but
 * `issuer` as a string). A federated user (`Google_<sub>`) has its own
 * identity, primary; a user an administrator linked an identity to
 * (AdminLinkProviderForUser) lists it, not primary.
 */
export interface Identity {
  userId: string;
  providerName: string;
  providerType: string;
  issuer: string | null;
  primary: boolean;
  /** Epoch milliseconds. */
  dateCreated: number;
}

/** The `identities` attribute's value. */
export function identitiesAttribute(identities: Identity[]): string {
  return JSON.stringify(
    identities.map((i) => ({ userId: i.userId, providerName: i.providerName, providerType: i.providerType, issuer: i.issuer, primary: i.primary, dateCreated: i.dateCreated })),
  );
}

/** The id token's `identities` claim from the attribute's value. */
export function identitiesClaim(attribute: string): Record<string, string | null>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(attribute);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.map((i: Record<string, unknown>) => ({
    dateCreated: String(i.dateCreated),
    userId: String(i.userId),
    providerName: String(i.providerName),
    providerType: String(i.providerType),
    issuer: i.issuer === null || i.issuer === undefined ? null : String(i.issuer),
    primary: String(i.primary),
  }));
}

/** `Google_<sub>`: the username Cognito gives a federated user. */
export function federatedUsername(providerName: string, userId: string): string {
  return `${providerName}_${userId}`;
}
