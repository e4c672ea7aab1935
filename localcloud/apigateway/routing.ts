import type { ApiResource, Method } from './rest-apis';

/**
 * API Gateway's route selection for a REST API: the most specific resource
 * for the path — at each level a literal path part before a `{param}`, and a
 * `{param}` before a greedy `{proxy+}` (one or more segments) — then the
 * method: the request's own, else ANY. No method there means no route.
 */
export interface Route {
  resource: ApiResource;
  method: Method;
  /** Decoded values by name; `{proxy+}` gets the rest of the path, `a/b/c`. */
  pathParameters: Record<string, string>;
}

const PARAM = /^\{([^{}+]+)\}$/;
const GREEDY = /^\{([^{}+]+)\+\}$/;

export function selectRoute(root: ApiResource, path: string, httpMethod: string): Route | undefined {
  const segments = path.split('/').filter((s) => s !== '').map(decodeSegment);
  if (segments.some((s) => s === undefined)) return undefined;
  const match = resourceFor(root, segments as string[], 0, {});
  if (!match) return undefined;
  const method = match.resource.methods.get(httpMethod.toUpperCase()) ?? match.resource.methods.get('ANY');
  if (!method) return undefined;
  return { resource: match.resource, method, pathParameters: match.params };
}

function resourceFor(node: ApiResource, segments: string[], i: number, params: Record<string, string>): { resource: ApiResource; params: Record<string, string> } | undefined {
  if (i === segments.length) return { resource: node, params };
  const segment = segments[i];
  for (const child of node.children) {
    if (child.pathPart !== segment) continue;
    const found = resourceFor(child, segments, i + 1, params);
    if (found) return found;
  }
  for (const child of node.children) {
    const name = PARAM.exec(child.pathPart)?.[1];
    if (name === undefined) continue;
    const found = resourceFor(child, segments, i + 1, { ...params, [name]: segment });
    if (found) return found;
  }
  for (const child of node.children) {
    const name = GREEDY.exec(child.pathPart)?.[1];
    if (name !== undefined) return { resource: child, params: { ...params, [name]: segments.slice(i).join('/') } };
  }
  return undefined;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
