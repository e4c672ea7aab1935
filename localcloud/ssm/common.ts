import { createHash } from 'node:crypto';
import type { AwsJsonAuth, SignedCaller } from './aws-json-auth';
import { SsmError, validation } from './errors';
import type { Parameter, ParameterSource } from './parameters';

export interface SsmServices {
  parameters: ParameterSource;
  auth: AwsJsonAuth;
  region: string;
  accountId: string;
}

export interface SsmContext {
  caller: SignedCaller;
  sourceIp?: string;
}

export type SsmOperation = (services: SsmServices) => (ctx: SsmContext, input: Record<string, unknown>) => Promise<unknown>;

export function parameterArn(services: Pick<SsmServices, 'region' | 'accountId'>, name: string): string {
  return `arn:aws:ssm:${services.region}:${services.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
}

/** `name`, `name:3` (version) or an ARN; labels are not kept locally. */
export function parseSelector(raw: string): { name: string; version?: number; selector?: string } {
  let text = raw;
  const arn = /^arn:aws[\w-]*:ssm:[^:]*:\d*:parameter(\/.*)$/.exec(text);
  if (arn) text = arn[1].startsWith('//') ? arn[1].slice(1) : arn[1];
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return { name: text };
  const selector = text.slice(colon + 1);
  const name = text.slice(0, colon);
  if (/^\d+$/.test(selector)) return { name, version: Number(selector), selector: `:${selector}` };
  return { name, selector: `:${selector}` };
}

export function requireString(input: Record<string, unknown>, member: string): string {
  const value = input[member];
  if (value === undefined || value === null) {
    const path = member.charAt(0).toLowerCase() + member.slice(1);
    throw validation(`1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`);
  }
  if (typeof value !== 'string') throw new SsmError('SerializationException', `${member} must be a string.`);
  if (value.length < 1 || value.length > 2048) {
    const path = member.charAt(0).toLowerCase() + member.slice(1);
    throw validation(
      `1 validation error detected: Value '${value.slice(0, 64)}' at '${path}' failed to satisfy constraint: Member must have length between 1 and 2048`,
    );
  }
  return value;
}

export function optionalBoolean(input: Record<string, unknown>, member: string): boolean {
  const value = input[member];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new SsmError('SerializationException', `${member} must be a boolean.`);
  return value;
}

/** A SecureString read without decryption comes back encrypted: never the plaintext. */
function ciphertext(p: Parameter): string {
  const digest = createHash('sha256').update('localcloud-ssm-ciphertext').update(p.Name).update(p.Value).digest();
  return `AQICAHh${digest.toString('base64')}`;
}

export function wireParameter(
  services: Pick<SsmServices, 'region' | 'accountId'>,
  p: Parameter,
  withDecryption: boolean,
  selector?: string,
): Record<string, unknown> {
  return {
    Name: p.Name,
    Type: p.Type,
    Value: p.Type === 'SecureString' && !withDecryption ? ciphertext(p) : p.Value,
    Version: p.Version,
    ...(selector ? { Selector: selector } : {}),
    LastModifiedDate: p.LastModifiedDate.getTime() / 1000,
    ARN: parameterArn(services, p.Name),
    DataType: p.DataType,
  };
}
