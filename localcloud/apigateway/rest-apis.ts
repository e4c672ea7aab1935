import type { ProvisionedAssembly, ProvisionedResource } from '../provisioning/types';

/**
 * The REST APIs of a cloud assembly, as API Gateway holds them once deployed:
 * each `AWS::ApiGateway::RestApi` with its resource tree, methods,
 * authorizers, gateway responses and stages. Only what is read here is
 * emulated; a method using something else (IAM or Lambda authorizers, API
 * keys, HTTP or AWS service integrations) is kept with the reason, and
 * answers 500 rather than run without the check it asks for.
 */
export interface RestApi {
  id: string;
  name: string;
  logicalId: string;
  root: ApiResource;
  stages: Map<string, Stage>;
  authorizers: Map<string, Authorizer>;
  /** By response type (DEFAULT_4XX, UNAUTHORIZED, ...). */
  gatewayResponses: Map<string, GatewayResponse>;
  /** Content types whose bodies reach the function base64-encoded. */
  binaryMediaTypes: string[];
  /** Why part of the API is not served (an OpenAPI definition), for the console. */
  unsupported?: string;
}

export interface ApiResource {
  id: string;
  /** The whole path, `/items/{id}`. */
  path: string;
  /** The last segment as declared: `items`, `{id}`, `{proxy+}` ('' for the root). */
  pathPart: string;
  children: ApiResource[];
  /** By HTTP method (GET, ..., ANY). */
  methods: Map<string, Method>;
}

export interface Method {
  httpMethod: string;
  logicalId: string;
  authorizationType: string;
  authorizerId?: string;
  authorizationScopes: string[];
  integration: Integration;
  /** Why the local cloud cannot serve this method as configured (it then answers 500). */
  unsupported?: string;
}

export type Integration =
  | { type: 'AWS_PROXY'; functionArn: string }
  | { type: 'MOCK'; requestTemplates: Record<string, string>; responses: IntegrationResponse[] }
  | { type: 'OTHER'; description: string };

export interface IntegrationResponse {
  statusCode: string;
  selectionPattern?: string;
  /** `method.response.header.X` → `'static'` or another mapping expression. */
  responseParameters: Record<string, string>;
  responseTemplates: Record<string, string>;
}

export interface Authorizer {
  id: string;
  name: string;
  type: string;
  /** The header the token is read from (`method.request.header.Authorization` → `authorization`). */
  identityHeader?: string;
  /** The user pools' ARNs. */
  providerArns: string[];
  /** A regular expression the token's `aud` must match, when set. */
  identityValidationExpression?: string;
}

export interface GatewayResponse {
  statusCode?: number;
  responseParameters: Record<string, string>;
  responseTemplates: Record<string, string>;
}

export interface Stage {
  name: string;
  variables: Record<string, string>;
  /** Throttling by `<resourcePath> <METHOD>`, with `/* *` for the stage's default. */
  throttling: Map<string, Throttle>;
}

export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

const LAMBDA_INVOCATION_URI = /^arn:[^:]+:apigateway:[^:]+:lambda:path\/[^/]+\/functions\/(.+)\/invocations$/;

export function restApisFromAssembly(assembly: ProvisionedAssembly): RestApi[] {
  const ofApi = (type: string, apiId: string) => assembly.ofType(type).filter((r) => r.properties.RestApiId === apiId);
  return assembly.ofType('AWS::ApiGateway::RestApi').map((api) => {
    const p = api.properties;
    const root: ApiResource = { id: api.attributes.RootResourceId, path: '/', pathPart: '', children: [], methods: new Map() };
    const resources = new Map<string, ApiResource>([[root.id, root]]);
    // Resources in any order: attach each once its parent is known.
    let pending = ofApi('AWS::ApiGateway::Resource', api.ref);
    while (pending.length > 0) {
      const next = pending.filter((r) => {
        const parent = resources.get(String(r.properties.ParentId));
        if (!parent) return true;
        const pathPart = String(r.properties.PathPart);
        const node: ApiResource = { id: r.ref, path: `${parent.path === '/' ? '' : parent.path}/${pathPart}`, pathPart, children: [], methods: new Map() };
        parent.children.push(node);
        resources.set(node.id, node);
        return false;
      });
      if (next.length === pending.length) break; // orphans (a parent of another API): ignored
      pending = next;
    }
    for (const m of ofApi('AWS::ApiGateway::Method', api.ref)) {
      const resource = resources.get(String(m.properties.ResourceId));
      if (!resource) continue;
      const method = methodOf(m);
      resource.methods.set(method.httpMethod, method);
    }
    const authorizers = new Map<string, Authorizer>();
    for (const a of ofApi('AWS::ApiGateway::Authorizer', api.ref)) {
      const source = typeof a.properties.IdentitySource === 'string' ? a.properties.IdentitySource : '';
      const header = /^method\.request\.header\.(.+)$/.exec(source.trim());
      authorizers.set(a.ref, {
        id: a.ref,
        name: String(a.properties.Name ?? a.logicalId),
        type: String(a.properties.Type ?? ''),
        identityHeader: header ? header[1].toLowerCase() : undefined,
        providerArns: Array.isArray(a.properties.ProviderARNs) ? a.properties.ProviderARNs.filter((x: unknown) => typeof x === 'string') : [],
        identityValidationExpression: typeof a.properties.IdentityValidationExpression === 'string' ? a.properties.IdentityValidationExpression : undefined,
      });
    }
    for (const resource of resources.values()) {
      for (const method of resource.methods.values()) {
        checkAuthorization(method, authorizers);
        // A resource policy may deny what the method allows: not served rather than served without it.
        if (p.Policy !== undefined && !method.unsupported) method.unsupported = 'resource policies (RestApi Policy) are not emulated';
      }
    }
    const gatewayResponses = new Map<string, GatewayResponse>();
    for (const g of ofApi('AWS::ApiGateway::GatewayResponse', api.ref)) {
      gatewayResponses.set(String(g.properties.ResponseType), {
        statusCode: g.properties.StatusCode !== undefined ? Number(g.properties.StatusCode) : undefined,
        responseParameters: stringRecord(g.properties.ResponseParameters),
        responseTemplates: stringRecord(g.properties.ResponseTemplates),
      });
    }
    return {
      id: api.ref,
      name: String(p.Name ?? api.logicalId),
      logicalId: api.logicalId,
      root,
      stages: stagesOf(assembly, api.ref),
      authorizers,
      gatewayResponses,
      binaryMediaTypes: Array.isArray(p.BinaryMediaTypes) ? p.BinaryMediaTypes.map((t: unknown) => String(t).replace(/~1/g, '/')) : [],
      unsupported:
        p.Body !== undefined || p.BodyS3Location !== undefined
          ? 'its OpenAPI definition (Body / BodyS3Location) is not read; only AWS::ApiGateway::Resource and Method resources are served'
          : undefined,
    };
  });
}

function methodOf(m: ProvisionedResource): Method {
  const p = m.properties;
  const integration = integrationOf(p.Integration ?? {});
  const method: Method = {
    httpMethod: String(p.HttpMethod ?? '').toUpperCase(),
    logicalId: m.logicalId,
    authorizationType: String(p.AuthorizationType ?? 'NONE'),
    authorizerId: typeof p.AuthorizerId === 'string' ? p.AuthorizerId : undefined,
    authorizationScopes: Array.isArray(p.AuthorizationScopes) ? p.AuthorizationScopes.map(String) : [],
    integration,
  };
  if (p.ApiKeyRequired === true) method.unsupported = 'API keys (ApiKeyRequired) are not emulated';
  else if (integration.type === 'OTHER') method.unsupported = `${integration.description} integrations are not emulated (AWS_PROXY to Lambda and MOCK are)`;
  return method;
}

function integrationOf(i: Record<string, any>): Integration {
  const type = String(i.Type ?? '');
  if (type === 'AWS_PROXY') {
    const match = LAMBDA_INVOCATION_URI.exec(typeof i.Uri === 'string' ? i.Uri : '');
    if (match) return { type: 'AWS_PROXY', functionArn: match[1] };
    return { type: 'OTHER', description: 'AWS_PROXY integrations to other than a Lambda function' };
  }
  if (type === 'MOCK') {
    return {
      type: 'MOCK',
      requestTemplates: stringRecord(i.RequestTemplates),
      responses: (Array.isArray(i.IntegrationResponses) ? i.IntegrationResponses : []).map((r: Record<string, unknown>) => ({
        statusCode: String(r.StatusCode ?? ''),
        selectionPattern: typeof r.SelectionPattern === 'string' ? r.SelectionPattern : undefined,
        responseParameters: stringRecord(r.ResponseParameters),
        responseTemplates: stringRecord(r.ResponseTemplates),
      })),
    };
  }
  return { type: 'OTHER', description: type || 'untyped' };
}

function checkAuthorization(method: Method, authorizers: Map<string, Authorizer>): void {
  if (method.unsupported) return;
  switch (method.authorizationType) {
    case 'NONE':
      return;
    case 'COGNITO_USER_POOLS': {
      const authorizer = method.authorizerId ? authorizers.get(method.authorizerId) : undefined;
      if (!authorizer || authorizer.type !== 'COGNITO_USER_POOLS') method.unsupported = 'its COGNITO_USER_POOLS authorization names no Cognito authorizer of the API';
      else if (!authorizer.identityHeader) method.unsupported = `its authorizer's IdentitySource is not a request header`;
      return;
    }
    case 'CUSTOM':
      method.unsupported = 'Lambda (CUSTOM) authorizers are not emulated';
      return;
    default:
      method.unsupported = `${method.authorizationType} authorization is not emulated`;
  }
}

/** AWS::ApiGateway::Stage resources, and a Deployment's own StageName (with its StageDescription). */
function stagesOf(assembly: ProvisionedAssembly, apiId: string): Map<string, Stage> {
  const stages = new Map<string, Stage>();
  const add = (name: unknown, description: Record<string, any>) => {
    if (typeof name !== 'string' || name === '') return;
    const throttling = new Map<string, Throttle>();
    const limit = (s: Record<string, unknown>): Throttle | undefined =>
      s.ThrottlingRateLimit === undefined && s.ThrottlingBurstLimit === undefined
        ? undefined
        : { rateLimit: Number(s.ThrottlingRateLimit ?? Infinity), burstLimit: Number(s.ThrottlingBurstLimit ?? Infinity) };
    const stageWide = limit(description);
    if (stageWide) throttling.set('/* *', stageWide);
    for (const setting of Array.isArray(description.MethodSettings) ? description.MethodSettings : []) {
      const t = limit(setting);
      if (!t) continue;
      // ResourcePath escapes "/" as "~1" (JSON Pointer): "/~1items~1{id}" is /items/{id}; "/*" is every resource.
      const raw = String(setting.ResourcePath ?? '/*');
      const path = raw === '/*' ? '/*' : raw.slice(1).replace(/~1/g, '/').replace(/~0/g, '~') || '/';
      throttling.set(`${path} ${String(setting.HttpMethod ?? '*').toUpperCase()}`, t);
    }
    stages.set(name, { name, variables: stringRecord(description.Variables), throttling });
  };
  for (const s of assembly.ofType('AWS::ApiGateway::Stage')) {
    if (s.properties.RestApiId === apiId) add(s.properties.StageName, s.properties);
  }
  for (const d of assembly.ofType('AWS::ApiGateway::Deployment')) {
    if (d.properties.RestApiId === apiId && d.properties.StageName) add(d.properties.StageName, d.properties.StageDescription ?? {});
  }
  return stages;
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}

/** Every method the local cloud cannot serve as configured, worded for the console. */
export function unsupportedMethods(apis: RestApi[]): string[] {
  const out: string[] = [];
  const walk = (api: RestApi, r: ApiResource) => {
    for (const m of r.methods.values()) if (m.unsupported) out.push(`${api.name} (${api.id}) ${m.httpMethod} ${r.path}: ${m.unsupported}; it answers 500.`);
    for (const c of r.children) walk(api, c);
  };
  for (const api of apis) {
    if (api.unsupported) out.push(`${api.name} (${api.id}): ${api.unsupported}.`);
    walk(api, api.root);
  }
  return out;
}

/** A SelectionPattern / IdentityValidationExpression test: the whole value matches (a bad pattern matches nothing). */
export function fullMatch(pattern: string, value: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}
