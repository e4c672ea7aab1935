import { readFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { base62, generatedName, lower36, upper36, uuidFrom } from './ids';
import { type ProvisionedAssembly, type ProvisionedResource, UNRESOLVED } from './types';

/**
 * Reads a CDK cloud assembly (root stack + nested stacks) and resolves every
 * intrinsic the local cloud needs — Ref, Fn::GetAtt (including nested stacks'
 * Outputs), Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::If and conditions —
 * against deterministic local identifiers.
 */
export interface LoadOptions {
  region?: string;
  accountId?: string;
}

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '000000000000';

type Json = any;

export interface Template {
  Parameters?: Record<string, { Default?: unknown }>;
  Conditions?: Record<string, Json>;
  Resources?: Record<string, { Type: string; Properties?: Json; Metadata?: Json; Condition?: string }>;
  Outputs?: Record<string, { Value: Json; Description?: string }>;
  Metadata?: Record<string, unknown>;
  Description?: string;
}

class Unresolvable extends Error {
  constructor(readonly what: string) {
    super(`cannot resolve ${what} offline`);
  }
}

interface StackContext {
  name: string;
  template: Template;
  parameters: Record<string, unknown>;
  resources: Map<string, ProvisionedResource>;
}

export function loadCloudAssembly(dir: string, options: LoadOptions = {}): ProvisionedAssembly {
  const directory = resolvePath(dir);
  const manifest = readJson(join(directory, 'manifest.json'));
  const stackArtifacts = Object.entries<Json>(manifest.artifacts ?? {}).filter(
    ([, a]) => a.type === 'aws:cloudformation:stack',
  );
  if (stackArtifacts.length !== 1) {
    throw new Error(`Expected one stack in the cloud assembly at ${directory}, found ${stackArtifacts.length}.`);
  }
  const [rootStackName, rootArtifact] = stackArtifacts[0];

  // Object keys (as templates name them: "<hash>.json", "<hash>.zip") → files.
  const assets = new Map<string, string>();
  for (const [, artifact] of Object.entries<Json>(manifest.artifacts)) {
    if (artifact.type !== 'cdk:asset-manifest') continue;
    const assetManifest = readJson(join(directory, artifact.properties.file));
    for (const file of Object.values<Json>(assetManifest.files ?? {})) {
      for (const destination of Object.values<Json>(file.destinations ?? {})) {
        assets.set(destination.objectKey, join(directory, file.source.path));
      }
    }
  }
  return provisionStack({
    ...options,
    directory,
    rootStackName,
    rootTemplate: readJson(join(directory, rootArtifact.properties.templateFile)),
    loadNestedTemplate(url) {
      const key = url.split('/').pop()!;
      const file = assets.get(key);
      if (!file) throw new Error(`no template for ${key} in the assembly`);
      return readJson(file);
    },
    assetPath: (objectKey) => assets.get(objectKey),
  });
}

/** One stack (and its nested stacks) to provision: from a cloud assembly, or as CloudFormation deploys it. */
export interface StackSource extends LoadOptions {
  rootStackName: string;
  rootTemplate: Template;
  /** The root stack's parameter values (defaults fill the rest). */
  parameters?: Record<string, unknown>;
  /** A nested stack's template from its resolved TemplateURL (throws when there is none). */
  loadNestedTemplate(url: string): Template;
  /** A Lambda code asset's folder from its object key. */
  assetPath(objectKey: string): string | undefined;
  /** Where assets are relative to (the cloud assembly, or the state folder). */
  directory: string;
}

/** Provisions one stack and its nested stacks: every resource with its intrinsics resolved. */
export function provisionStack(source: StackSource): ProvisionedAssembly {
  const { directory, rootStackName } = source;
  const region = source.region ?? DEFAULT_REGION;
  const accountId = source.accountId ?? DEFAULT_ACCOUNT_ID;

  const all: ProvisionedResource[] = [];
  const stacks = new Map<string, StackContext>();

  function openStack(name: string, template: Template, parameters: Record<string, unknown>): StackContext {
    const stack: StackContext = { name, template, parameters, resources: new Map() };
    stacks.set(name, stack);
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Condition && !condition(stack, resource.Condition)) continue;
      const provisioned: ProvisionedResource = {
        stackName: name,
        logicalId,
        type: resource.Type,
        ref: '',
        attributes: {},
        properties: {},
        metadata: resource.Metadata,
      };
      stack.resources.set(logicalId, provisioned);
      all.push(provisioned);
    }
    // Identity first (names may come from properties), then properties: a
    // property may reference any resource of any stack.
    for (const r of stack.resources.values()) assignIdentity(stack, r);
    for (const r of stack.resources.values()) {
      r.properties = resolveOrMark(stack, template.Resources![r.logicalId].Properties ?? {});
    }
    return stack;
  }

  function assignIdentity(stack: StackContext, r: ProvisionedResource): void {
    const raw = stack.template.Resources![r.logicalId].Properties ?? {};
    const prop = (key: string): string | undefined => {
      if (raw[key] === undefined) return undefined;
      const value = resolveOrMark(stack, raw[key]);
      return typeof value === 'string' ? value : undefined;
    };
    const seed = `${stack.name}/${r.logicalId}`;
    const arnPrefix = `arn:aws`;
    switch (r.type) {
      case 'AWS::Cognito::UserPool':
        r.ref = `${region}_${base62(seed, 9)}`;
        r.arn = `${arnPrefix}:cognito-idp:${region}:${accountId}:userpool/${r.ref}`;
        r.attributes.ProviderName = `cognito-idp.${region}.amazonaws.com/${r.ref}`;
        r.attributes.ProviderURL = `https://cognito-idp.${region}.amazonaws.com/${r.ref}`;
        r.attributes.UserPoolId = r.ref;
        break;
      case 'AWS::Cognito::UserPoolClient':
        r.ref = lower36(seed, 26);
        r.attributes.ClientId = r.ref;
        r.attributes.Name = prop('ClientName') ?? r.logicalId;
        r.attributes.ClientSecret = base62(`${seed}/secret`, 51);
        break;
      case 'AWS::Cognito::UserPoolDomain':
        r.ref = prop('Domain') ?? lower36(seed, 12);
        r.attributes.CloudFrontDistribution = `${lower36(`${seed}/cf`, 14)}.cloudfront.net`;
        break;
      case 'AWS::Cognito::UserPoolGroup':
        r.ref = prop('GroupName') ?? r.logicalId;
        break;
      case 'AWS::Cognito::UserPoolIdentityProvider':
        r.ref = prop('ProviderName') ?? r.logicalId;
        break;
      case 'AWS::Cognito::IdentityPool':
        r.ref = `${region}:${uuidFrom(seed)}`;
        r.attributes.Name = prop('IdentityPoolName') ?? r.logicalId;
        break;
      case 'AWS::IAM::Role': {
        r.ref = prop('RoleName') ?? generatedName(stack.name, r.logicalId, seed, 64);
        const path = prop('Path') ?? '/';
        r.arn = `${arnPrefix}:iam::${accountId}:role${path}${r.ref}`;
        r.attributes.RoleId = `AROA${upper36(seed, 17)}`;
        break;
      }
      case 'AWS::IAM::ManagedPolicy': {
        const name = prop('ManagedPolicyName') ?? generatedName(stack.name, r.logicalId, seed, 128);
        r.arn = `${arnPrefix}:iam::${accountId}:policy${prop('Path') ?? '/'}${name}`;
        r.ref = r.arn;
        break;
      }
      case 'AWS::S3::Bucket':
        r.ref = prop('BucketName') ?? generatedName(stack.name, r.logicalId, seed, 63, true);
        r.arn = `${arnPrefix}:s3:::${r.ref}`;
        r.attributes.DomainName = `${r.ref}.s3.amazonaws.com`;
        r.attributes.RegionalDomainName = `${r.ref}.s3.${region}.amazonaws.com`;
        break;
      case 'AWS::Lambda::Function':
        r.ref = prop('FunctionName') ?? generatedName(stack.name, r.logicalId, seed, 64);
        r.arn = `${arnPrefix}:lambda:${region}:${accountId}:function:${r.ref}`;
        break;
      case 'AWS::SSM::Parameter':
        r.ref = prop('Name') ?? generatedName('CFN', r.logicalId, seed, 128);
        break;
      // API Gateway: ids shaped as AWS's (10 characters for an API, 6 for its parts); a Stage's Ref is its name.
      case 'AWS::ApiGateway::RestApi':
        r.ref = lower36(seed, 10);
        r.attributes.RestApiId = r.ref;
        r.attributes.RootResourceId = lower36(`${seed}/root`, 10);
        break;
      case 'AWS::ApiGateway::Resource':
        r.ref = lower36(seed, 6);
        r.attributes.ResourceId = r.ref;
        break;
      case 'AWS::ApiGateway::Deployment':
        r.ref = lower36(seed, 6);
        r.attributes.DeploymentId = r.ref;
        break;
      case 'AWS::ApiGateway::Authorizer':
        r.ref = lower36(seed, 6);
        r.attributes.AuthorizerId = r.ref;
        break;
      case 'AWS::ApiGateway::Stage':
        r.ref = prop('StageName') ?? r.logicalId;
        break;
      case 'AWS::CloudFormation::Stack': {
        const nestedName = generatedName(stack.name, r.logicalId, seed, 128);
        r.ref = `${arnPrefix}:cloudformation:${region}:${accountId}:stack/${nestedName}/${uuidFrom(seed)}`;
        r.attributes.StackName = nestedName;
        break;
      }
      default:
        r.ref = generatedName(r.logicalId, '', seed, 64).replace('--', '-');
    }
    if (r.arn) r.attributes.Arn = r.arn;
  }

  /** Nested stacks open on first use: their parameters come from the parent. */
  function nestedStack(parent: StackContext, logicalId: string): StackContext {
    const resource = parent.resources.get(logicalId)!;
    const name = resource.attributes.StackName;
    const open = stacks.get(name);
    if (open) return open;
    const raw = parent.template.Resources![logicalId].Properties ?? {};
    const url = String(resolve(parent, raw.TemplateURL));
    let template: Template;
    try {
      template = source.loadNestedTemplate(url);
    } catch (error) {
      throw new Error(`Nested stack ${logicalId}: ${(error as Error).message}.`, { cause: error });
    }
    const parameters: Record<string, unknown> = {};
    for (const [k, v] of Object.entries<Json>(raw.Parameters ?? {})) parameters[k] = resolve(parent, v);
    return openStack(name, template, parameters);
  }

  function resolveOrMark(stack: StackContext, value: Json): Json {
    try {
      return resolve(stack, value);
    } catch (e) {
      if (e instanceof Unresolvable) return { [UNRESOLVED]: e.what };
      throw e;
    }
  }

  /** Inside an intrinsic's arguments (strict) a deploy-time value poisons the
   * whole intrinsic; in plain structure it is marked where it sits. */
  function resolveMember(stack: StackContext, value: Json, strict: boolean): Json {
    return strict ? resolve(stack, value, true) : resolveOrMark(stack, value);
  }

  function resolve(stack: StackContext, value: Json, strict = false): Json {
    if (Array.isArray(value)) {
      return value.map((v) => resolveMember(stack, v, strict)).filter((v) => v !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [fn] = keys;
      const arg = value[fn];
      switch (fn) {
        case 'Ref':
          return ref(stack, arg);
        case 'Fn::GetAtt': {
          const [id, ...rest] = Array.isArray(arg) ? arg : String(arg).split('.');
          return getAtt(stack, String(id), rest.join('.'));
        }
        case 'Fn::Join': {
          const [separator, parts] = arg;
          return (resolve(stack, parts, true) as Json[]).map(String).join(separator);
        }
        case 'Fn::Sub':
          return sub(stack, arg);
        case 'Fn::Select': {
          const [index, list] = arg;
          return (resolve(stack, list, true) as Json[])[Number(resolve(stack, index, true))];
        }
        case 'Fn::Split': {
          const [separator, text] = arg;
          return String(resolve(stack, text, true)).split(separator);
        }
        case 'Fn::If': {
          const [name, whenTrue, whenFalse] = arg;
          return resolve(stack, condition(stack, name) ? whenTrue : whenFalse, strict);
        }
        case 'Fn::Base64':
          return Buffer.from(String(resolve(stack, arg, true))).toString('base64');
        case 'Fn::GetAZs':
          return [`${region}a`, `${region}b`, `${region}c`];
        case 'Fn::ImportValue':
        case 'Fn::FindInMap':
          throw new Unresolvable(fn);
      }
    }
    // A value only known at deploy time is marked where it sits, not above.
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
      const resolved = resolveMember(stack, v, strict);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  }

  function ref(stack: StackContext, name: string): Json {
    switch (name) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return accountId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return stack.name;
      case 'AWS::StackId':
        return `arn:aws:cloudformation:${region}:${accountId}:stack/${stack.name}/${uuidFrom(stack.name)}`;
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    if (name in stack.parameters) return stack.parameters[name];
    const parameter = stack.template.Parameters?.[name];
    if (parameter) return parameter.Default ?? '';
    const resource = stack.resources.get(name);
    if (!resource) throw new Error(`Stack ${stack.name}: Ref to unknown "${name}".`);
    return resource.ref;
  }

  function getAtt(stack: StackContext, id: string, attribute: string): Json {
    const resource = stack.resources.get(id);
    if (!resource) throw new Error(`Stack ${stack.name}: Fn::GetAtt on unknown "${id}".`);
    if (resource.type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
      const nested = nestedStack(stack, id);
      const output = nested.template.Outputs?.[attribute.slice('Outputs.'.length)];
      if (!output) throw new Error(`Nested stack ${id} has no output ${attribute}.`);
      return resolve(nested, output.Value);
    }
    const value = resource.attributes[attribute];
    if (value === undefined) throw new Unresolvable(`${id}.${attribute}`);
    return value;
  }

  function sub(stack: StackContext, arg: Json): string {
    const [template, variables] = Array.isArray(arg) ? arg : [arg, {}];
    return String(template).replace(/\$\{(!?)([^}]+)\}/g, (_match, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      if (variables && name in variables) return String(resolve(stack, variables[name], true));
      if (name.includes('.') && !name.startsWith('AWS::')) {
        const [id, ...rest] = name.split('.');
        return String(getAtt(stack, id, rest.join('.')));
      }
      return String(ref(stack, name));
    });
  }

  function condition(stack: StackContext, name: string): boolean {
    const definition = stack.template.Conditions?.[name];
    if (definition === undefined) throw new Error(`Stack ${stack.name}: unknown condition ${name}.`);
    return evaluateCondition(stack, definition);
  }

  function evaluateCondition(stack: StackContext, c: Json): boolean {
    if (c && typeof c === 'object' && !Array.isArray(c)) {
      const [fn] = Object.keys(c);
      const arg = c[fn];
      switch (fn) {
        case 'Fn::Equals':
          return JSON.stringify(resolve(stack, arg[0])) === JSON.stringify(resolve(stack, arg[1]));
        case 'Fn::Not':
          return !evaluateCondition(stack, arg[0]);
        case 'Fn::And':
          return arg.every((x: Json) => evaluateCondition(stack, x));
        case 'Fn::Or':
          return arg.some((x: Json) => evaluateCondition(stack, x));
        case 'Condition':
          return condition(stack, arg);
      }
    }
    throw new Error(`Stack ${stack.name}: unsupported condition ${JSON.stringify(c)}.`);
  }

  const rootTemplate = source.rootTemplate;
  const root = openStack(rootStackName, rootTemplate, source.parameters ?? {});
  // Open every nested stack (recursively) so all resources are provisioned.
  const pending = [root];
  while (pending.length > 0) {
    const stack = pending.pop()!;
    for (const r of [...stack.resources.values()]) {
      if (r.type === 'AWS::CloudFormation::Stack') pending.push(nestedStack(stack, r.logicalId));
    }
  }

  const rootOutputs: Record<string, string> = {};
  for (const [key, output] of Object.entries(rootTemplate.Outputs ?? {})) {
    const value = resolveOrMark(root, output.Value);
    rootOutputs[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }

  return {
    region,
    accountId,
    rootStackName,
    directory,
    resources: all,
    ofType: (type) => all.filter((r) => r.type === type),
    find: (refOrArn) => all.find((r) => r.ref === refOrArn || r.arn === refOrArn),
    rootOutputs,
    rootMetadata: rootTemplate.Metadata ?? {},
    assetPath: (objectKey) => source.assetPath(objectKey),
  };
}

/**
 * Several provisioned stacks as one account: every resource of each (the
 * first one's root outputs and metadata stand for the whole, as `npm start`'s
 * assembly does), assets looked up in each in turn.
 */
export function unionOfAssemblies(first: ProvisionedAssembly, others: ProvisionedAssembly[]): ProvisionedAssembly {
  if (others.length === 0) return first;
  const all = [first, ...others];
  const resources = all.flatMap((a) => a.resources);
  return {
    ...first,
    resources,
    ofType: (type) => resources.filter((r) => r.type === type),
    find: (refOrArn) => resources.find((r) => r.ref === refOrArn || r.arn === refOrArn),
    assetPath: (objectKey) => {
      for (const a of all) {
        const found = a.assetPath(objectKey);
        if (found) return found;
      }
      return undefined;
    },
  };
}

/** AWS::NoValue: the property is dropped. */
const NO_VALUE = Symbol('AWS::NoValue');

function readJson(file: string): Json {
  return JSON.parse(readFileSync(file, 'utf8'));
}
