import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SYNTH_CONTEXT } from '../../scripts/synth-context';

/**
 * Imports amplify/backend.ts the way `npm run synth` runs it (fixed context,
 * output to a temporary folder) and exposes the stacks' templates.
 */
export async function loadBackend() {
  process.env.CDK_CONTEXT_JSON = JSON.stringify(SYNTH_CONTEXT);
  process.env.CDK_OUTDIR = mkdtempSync(join(tmpdir(), 'vault-synth-'));
  const { backend, adminRestApi } = await import('../backend');
  return {
    backend,
    auth: Template.fromStack(backend.auth.stack),
    storage: Template.fromStack(backend.storage.stack),
    /** The admin API's function and its role (the "function" stack). */
    functions: Template.fromStack(backend.adminApi.stack),
    /** The admin REST API (its own stack). */
    api: Template.fromStack(adminRestApi.stack),
    root: Template.fromStack(Stack.of(backend.auth.stack).nestedStackParent ?? Stack.of(backend.auth.stack)),
  };
}

type Json = any;

/** Resources of one type as [logicalId, properties] pairs. */
export function resourcesOf(template: Template, type: string): [string, Json][] {
  return Object.entries(template.findResources(type)).map(([id, r]) => [id, (r as Json).Properties]);
}

/**
 * Makes policy JSON readable: `{Fn::Join: ['', [{Fn::GetAtt: [bucket, 'Arn']}, '/public/*']]}`
 * becomes `BUCKET/public/*`, `{Fn::GetAtt: [pool, 'Arn']}` becomes `USER_POOL` (names stand for ARNs), a
 * pseudo parameter `{Ref: 'AWS::Region'}` becomes `{AWS::Region}`.
 */
export function readable(value: Json, names: Record<string, string>): Json {
  if (Array.isArray(value)) return value.map((v) => readable(v, names));
  if (value && typeof value === 'object') {
    if (value['Fn::GetAtt']) {
      const [id, attribute] = value['Fn::GetAtt'];
      const name = names[id] ?? id;
      return attribute === 'Arn' ? name : `${name}.${attribute}`;
    }
    if (value.Ref) return names[value.Ref] ?? `{${value.Ref}}`;
    if (value['Fn::Join']) {
      const [separator, parts] = value['Fn::Join'];
      return readable(parts, names).join(separator);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, readable(v, names)]));
  }
  return value;
}

/** The logical id of the single resource of `type` whose id starts with `prefix`. */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}
