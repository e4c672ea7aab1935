import { createHash } from 'node:crypto';

/**
 * Amplify's SSM parameter naming, as @aws-amplify/platform-core's
 * ParameterPathConversions and BackendIdentifierConversions define it (the
 * tests compare against that package):
 * - a backend's secret:    /amplify/<namespace>/<name>-<type>-<hash>/<SECRET>
 * - a shared secret:       /amplify/shared/<appId>/<SECRET>
 * - a resource reference:  /amplify/resource_reference/<namespace>/<name>-<type>-<hash>/<NAME>
 */
export interface BackendIdentifier {
  namespace: string;
  name: string;
  type: 'sandbox' | 'branch' | 'standalone';
  hash?: string;
}

/** Secret names `ampx sandbox secret set` accepts. */
export const SECRET_NAME = /^[a-zA-Z0-9_.-]+$/;

const STACK_NAME_LENGTH_LIMIT = 128;
const HASH_LENGTH = 10;

const sanitize = (s: string) => s.replace(/[^A-Za-z0-9]/g, '');

/** amplify-<namespace>-<name>-<type>-<hash>, the root stack's name. */
export function toStackName(id: BackendIdentifier): string {
  const hash =
    id.hash ??
    createHash('sha512').update(id.namespace).update(id.name).digest('hex').slice(0, HASH_LENGTH);
  const name = sanitize(id.name).slice(0, 50);
  const namespaceMax = STACK_NAME_LENGTH_LIMIT - 'amplify'.length - id.type.length - name.length - 4 - HASH_LENGTH;
  const namespace = sanitize(id.namespace).slice(0, namespaceMax - 1);
  return ['amplify', namespace, name, id.type, hash].join('-');
}

/** The backend a root stack name belongs to; undefined when it is not Amplify's. */
export function fromStackName(stackName: string): Required<BackendIdentifier> | undefined {
  const parts = stackName.split('-');
  if (parts.length !== 5) return undefined;
  const [prefix, namespace, name, type, hash] = parts;
  if (prefix !== 'amplify') return undefined;
  if (type !== 'sandbox' && type !== 'branch' && type !== 'standalone') return undefined;
  return { namespace, name, type, hash };
}

function backendPathPart(id: BackendIdentifier): string {
  const sanitized = fromStackName(toStackName(id));
  if (!sanitized) throw new Error(`Cannot derive an SSM path from backend ${JSON.stringify(id)}.`);
  return `${sanitized.namespace}/${sanitized.name}-${sanitized.type}-${sanitized.hash}`;
}

/** The prefix of a backend's secrets (a BackendIdentifier) or an app's shared secrets (an app id). */
export function secretPrefix(backend: BackendIdentifier | string): string {
  return typeof backend === 'string' ? `/amplify/shared/${backend}` : `/amplify/${backendPathPart(backend)}`;
}

export function secretPath(backend: BackendIdentifier | string, secretName: string): string {
  return `${secretPrefix(backend)}/${secretName}`;
}

export function resourceReferencePath(backend: BackendIdentifier, referenceName: string): string {
  return `/amplify/resource_reference/${backendPathPart(backend)}/${referenceName}`;
}
