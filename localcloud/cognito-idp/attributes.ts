import type { UserPoolClientConfig, UserPoolConfig } from '../provisioning/user-pools';
import { InvalidParameter, NotAuthorized } from './errors';
import type { User } from './users';
import type { AttributeType } from './validate';

/**
 * User attributes against the pool's schema: what may be written, in which
 * format, and how a user's attributes look on the wire.
 */
export const EMAIL = /^[^\s@]+@[^\s@]+$/;
/** E.164, as Cognito requires phone numbers. */
export const PHONE = /^\+[0-9]{4,15}$/;
const VERIFIED = new Set(['email_verified', 'phone_number_verified']);

const schemaError = (detail: string) => InvalidParameter(`Attributes did not conform to the schema: ${detail}`);

/**
 * Validates attributes a user writes (SignUp, UpdateUserAttributes): known to
 * the schema, mutable unless `creating`, well-formed. `sub` and the
 * `*_verified` flags are Cognito's to set.
 */
export function checkAttributes(pool: UserPoolConfig, attributes: AttributeType[], creating: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { Name, Value } of attributes) {
    const definition = pool.schema.find((a) => a.name === Name);
    if (!definition) throw schemaError(`Type for attribute {${Name}} could not be determined`);
    if (Name === 'sub' || VERIFIED.has(Name)) {
      throw InvalidParameter(`Cannot modify the non-mutable attribute ${Name}`);
    }
    if (!creating && !definition.mutable) throw InvalidParameter(`Cannot modify the non-mutable attribute ${Name}`);
    if (Value.length > (definition.maxLength ?? 2048)) throw schemaError(`${Name}: String must be no longer than ${definition.maxLength ?? 2048} characters`);
    if (definition.minLength !== undefined && Value.length < definition.minLength) throw schemaError(`${Name}: String must be no shorter than ${definition.minLength} characters`);
    if (Name === 'email' && !EMAIL.test(Value)) throw InvalidParameter('Invalid email address format.');
    if (Name === 'phone_number' && !PHONE.test(Value)) throw InvalidParameter('Invalid phone number format.');
    if (definition.type === 'Number' && Value !== '' && !Number.isFinite(Number(Value))) throw schemaError(`${Name}: Number must be a valid number`);
    if (definition.type === 'Boolean' && !['true', 'false', '1', '0'].includes(Value.toLowerCase())) throw schemaError(`${Name}: Boolean must be true or false`);
    out[Name] = Value;
  }
  return out;
}

/**
 * DeleteUserAttributes and AdminDeleteUserAttributes: every name must be an
 * optional, mutable attribute of the schema (checked before any is removed);
 * a deleted email or phone takes its verified flag and any pending change with it.
 */
export function deleteAttributes(pool: UserPoolConfig, user: User, names: string[], now: number): void {
  for (const name of names) {
    const definition = pool.schema.find((a) => a.name === name);
    if (!definition) throw schemaError(`Type for attribute {${name}} could not be determined`);
    if (definition.required || name === 'sub') throw schemaError(`${name}: The attribute is required`);
    if (!definition.mutable) throw InvalidParameter(`Cannot modify the non-mutable attribute ${name}`);
  }
  for (const name of names) {
    delete user.attributes[name];
    delete user.attributes[`${name}_verified`];
    delete user.pendingAttributes[name];
  }
  user.updatedAt = now;
}

/**
 * In a pool that signs in with email or phone, which of the two a username
 * is (or Cognito's error when it is neither it allows); undefined in a pool
 * of plain usernames.
 */
export function usernameAttributeOf(pool: UserPoolConfig, username: string): 'email' | 'phone_number' | undefined {
  if (!pool.usernameAttributes.length) return undefined;
  if (pool.usernameAttributes.includes('email') && EMAIL.test(username)) return 'email';
  if (pool.usernameAttributes.includes('phone_number') && PHONE.test(username)) return 'phone_number';
  throw InvalidParameter(
    pool.usernameAttributes.length > 1
      ? 'Username should be either an email or a phone number.'
      : `Username should be ${pool.usernameAttributes[0] === 'email' ? 'an email' : 'a phone number'}.`,
  );
}

/** Required attributes missing from a new user's attributes (Cognito names the first). */
export function checkRequired(pool: UserPoolConfig, attributes: Record<string, string>): void {
  const missing = pool.schema.find((a) => a.required && a.name !== 'sub' && !attributes[a.name]);
  if (missing) throw schemaError(`${missing.name}: The attribute is required`);
}

/** The user's attributes as GetUser returns them: sub first, then the rest. */
export function attributesOnTheWire(user: User): AttributeType[] {
  return [{ Name: 'sub', Value: user.sub }, ...Object.entries(user.attributes).filter(([n]) => n !== 'sub').map(([Name, Value]) => ({ Name, Value }))];
}

/**
 * The app client's WriteAttributes: where the template lists them, a user
 * (SignUp, UpdateUserAttributes, DeleteUserAttributes, NEW_PASSWORD_REQUIRED)
 * may write only those; unset, every attribute the schema lets them.
 */
export function assertWritable(client: UserPoolClientConfig, names: Iterable<string>): void {
  for (const name of names) {
    if (!isWritable(client, name)) throw NotAuthorized('A client attempted to write unauthorized attribute');
  }
}

/** Whether the app client's WriteAttributes let it write `name` (unset: every attribute). */
export function isWritable(client: UserPoolClientConfig, name: string): boolean {
  return !client.writeAttributes || client.writeAttributes.includes(name);
}

/**
 * The app client's ReadAttributes: where the template lists them, GetUser and
 * the id token show only those (and `sub`); unset, every attribute.
 */
export function isReadable(client: UserPoolClientConfig, name: string): boolean {
  return name === 'sub' || !client.readAttributes || client.readAttributes.includes(name);
}

/** Whether the user's email/phone is a verified channel codes can go to. */
export const isVerified = (user: User, attribute: 'email' | 'phone_number') =>
  !!user.attributes[attribute] && user.attributes[`${attribute}_verified`] === 'true';
