import { InvalidParameter, missingMember, Serialization } from './errors';

/**
 * Request validation before any handler runs: AWS's JSON protocol refuses
 * wrong types with SerializationException and missing members with
 * InvalidParameterException, never a crash deeper down.
 */
export type Json = Record<string, unknown>;

/** A request body as both cognito-idp routers read it: `{}` when empty, else a JSON object (or SerializationException). */
export function requestObject(body: Buffer): Json {
  let input: unknown;
  try {
    input = body.length ? JSON.parse(body.toString('utf8')) : {};
  } catch {
    throw Serialization('The request body is not valid JSON.');
  }
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw Serialization('The request body must be a JSON object.');
  return input as Json;
}

export function string(req: Json, member: string): string {
  const value = optionalString(req, member);
  if (value === undefined) throw missingMember(member);
  return value;
}

export function optionalString(req: Json, member: string): string | undefined {
  const value = req[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(member, 'java.lang.String');
  if (value.length > 131072) throw InvalidParameter(`Value at '${lowerFirst(member)}' failed to satisfy constraint: Member must have length less than or equal to 131072`);
  return value;
}

/** A map of strings (AuthParameters, ChallengeResponses, ClientMetadata). */
export function stringMap(req: Json, member: string): Record<string, string> {
  const value = req[member];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(member, 'java.util.Map');
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw wrongType(`${member}.${key}`, 'java.lang.String');
  }
  return value as Record<string, string>;
}

export interface AttributeType {
  Name: string;
  Value: string;
}

/** A list of `{Name, Value}` (UserAttributes, ValidationData). */
export function attributeList(req: Json, member: string, required = false): AttributeType[] {
  const value = req[member];
  if (value === undefined || value === null) {
    if (required) throw missingMember(member);
    return [];
  }
  if (!Array.isArray(value)) throw wrongType(member, 'java.util.List');
  return value.map((item, index) => {
    if (!item || typeof item !== 'object') throw wrongType(`${member}.${index + 1}`, 'AttributeType');
    const { Name, Value } = item as Json;
    if (typeof Name !== 'string') throw missingMember(`${member}.${index + 1}.member.name`);
    if (Value !== undefined && Value !== null && typeof Value !== 'string') throw wrongType(`${member}.${index + 1}.Value`, 'java.lang.String');
    return { Name, Value: (Value as string | undefined) ?? '' };
  });
}

export function stringList(req: Json, member: string, required = false): string[] {
  const value = req[member];
  if (value === undefined || value === null) {
    if (required) throw missingMember(member);
    return [];
  }
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw wrongType(member, 'java.util.List');
  return value as string[];
}

export function optionalBoolean(req: Json, member: string): boolean | undefined {
  const value = req[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw wrongType(member, 'java.lang.Boolean');
  return value;
}

/** An optional object member (e.g. SoftwareTokenMfaSettings). */
export function optionalObject(req: Json, member: string): Json | undefined {
  const value = req[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(member, 'structure');
  return value as Json;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function wrongType(member: string, expected: string) {
  return Serialization(`Start of structure or map found where not expected, or wrong type at '${member}' (expected ${expected}).`);
}
