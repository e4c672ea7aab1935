import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { provisionStack, type Template } from '../provisioning/cloud-assembly';
import type { ProvisionedAssembly, ProvisionedResource } from '../provisioning/types';
import { CloudFormationError, stackDoesNotExist, validationError } from './errors';
import { type StackEvent, type StackRecord, StackStore } from './stacks';
import { assetFolder, unzipInto } from './unzip';

/**
 * The deployment engine: a stack's template (and its nested stacks') is
 * provisioned with the same deterministic ids as `npm start`'s assembly, the
 * running services are rebuilt from every deployed stack together (the
 * target swaps them in at once, over the same SQLite store, so users,
 * identities and objects of resources that stay keep living), and the stack
 * gets CloudFormation's statuses and events. A failure (an unsupported
 * resource type, a build that throws) rolls back and leaves the running
 * services as they were.
 */

/** Resource types the local cloud emulates (or handles as their Lambdas would: the three custom resources). */
export const SUPPORTED_RESOURCE_TYPES = new Set([
  'AWS::CDK::Metadata',
  'AWS::CloudFormation::Stack',
  'AWS::Cognito::IdentityPool',
  'AWS::Cognito::IdentityPoolRoleAttachment',
  'AWS::Cognito::UserPool',
  'AWS::Cognito::UserPoolClient',
  'AWS::Cognito::UserPoolDomain',
  'AWS::Cognito::UserPoolGroup',
  'AWS::Cognito::UserPoolIdentityProvider',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::Lambda::Function',
  'AWS::Lambda::Permission',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::SSM::Parameter',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::Authorizer',
  'AWS::ApiGateway::Account',
  'AWS::ApiGateway::GatewayResponse',
  // Handled as their Lambdas behave: the secrets are read where they are used (identity-providers/registrations.ts),
  // a deleted stack's buckets are emptied, the branch linker records the stack on its Amplify branch (linkBranch).
  'Custom::AmplifySecretFetcherResource',
  'Custom::S3AutoDeleteObjects',
  'Custom::AmplifyBranchLinkerResource',
]);

const IAM_TYPES: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::Policy': '',
  'AWS::IAM::AccessKey': '',
  'AWS::IAM::UserToGroupAddition': '',
};

/** What the engine needs of the local cloud. */
export interface DeploymentTarget {
  region: string;
  accountId: string;
  /** Rebuilds the running services from these deployed stacks (with the startup assembly); throws, leaving the running ones, when a build fails. */
  apply(deployed: ProvisionedAssembly[]): void;
  /** Forgets what a deleted stack's resources held (its pools' users, its buckets' objects). */
  forget(owned: ProvisionedAssembly): void;
  /** An object of the local S3 (a TemplateURL's template, a Lambda code zip). */
  readObject(bucket: string, key: string): Buffer | undefined;
  /** A Lambda code asset's folder from its object key (`<hash>.zip`), when the local cloud has it. */
  assetPath(objectKey: string): string | undefined;
  /** Tells the console a stack operation finished. */
  report(stackName: string, status: string, summary: string): void;
  /**
   * What the branch linker's Lambda does (Custom::AmplifyBranchLinkerResource): GetBranch, then UpdateBranch with
   * `backend.stackArn` set (or removed when undefined). Throws as GetBranch does when the app or branch does not exist.
   */
  linkBranch(appId: string, branchName: string, stackArn: string | undefined): void;
}

export const BRANCH_LINKER_TYPE = 'Custom::AmplifyBranchLinkerResource';

export interface StackInput {
  StackName: string;
  TemplateBody?: string;
  TemplateURL?: string;
  UsePreviousTemplate?: boolean;
  Parameters: { ParameterKey: string; ParameterValue?: string; UsePreviousValue?: boolean }[];
  Capabilities: string[];
  Tags: { Key: string; Value: string }[];
}

interface Prepared {
  template: Template;
  templateBody: string;
  parameters: { ParameterKey: string; ParameterValue: string }[];
  nestedTemplates: Record<string, string>;
  assembly: ProvisionedAssembly;
}

export type Engine = ReturnType<typeof createEngine>;

export function createEngine(options: {
  stateDir: string;
  target: DeploymentTarget;
  now: () => Date;
  /** Told of each stack operation's work (`performance.now()` at start and end; bench/). */
  onWork?: (span: { what: string; start: number; end: number }) => void;
}) {
  const { target } = options;
  const store = new StackStore(join(options.stateDir, 'cloudformation', 'stacks.json'));
  const deployed = new Map<string, ProvisionedAssembly>(); // by root StackId
  let queue: Promise<void> = Promise.resolve();

  // Stacks deployed before a restart come back as they were (their templates are kept).
  for (const root of store.liveRoots()) {
    if (!root.StackStatus.endsWith('_COMPLETE') || root.StackStatus === 'ROLLBACK_COMPLETE') {
      if (root.StackStatus.endsWith('_IN_PROGRESS')) root.StackStatus = root.StackStatus.startsWith('CREATE') ? 'CREATE_FAILED' : 'UPDATE_ROLLBACK_FAILED';
      if (root.StackStatus !== 'UPDATE_ROLLBACK_FAILED') continue;
    }
    try {
      deployed.set(root.StackId, provision(root.StackName, JSON.parse(root.TemplateBody), root.Parameters, root.nestedTemplates ?? {}).assembly);
    } catch (error) {
      console.error(`localcloud: stack ${root.StackName} could not be provisioned again:`, error);
    }
  }

  const iso = () => options.now().toISOString();

  function event(stack: StackRecord, logicalId: string, physicalId: string, type: string, status: string, reason?: string): void {
    const e: StackEvent = {
      EventId: randomUUID(),
      StackId: stack.StackId,
      StackName: stack.StackName,
      LogicalResourceId: logicalId,
      PhysicalResourceId: physicalId,
      ResourceType: type,
      Timestamp: iso(),
      ResourceStatus: status,
      ResourceStatusReason: reason,
    };
    stack.events.unshift(e);
  }

  function stackEvent(stack: StackRecord, status: string, reason?: string): void {
    stack.StackStatus = status;
    stack.StackStatusReason = reason;
    event(stack, stack.StackName, stack.StackId, 'AWS::CloudFormation::Stack', status, reason);
  }

  /** A TemplateURL's template from the local S3 (path-style or virtual-hosted; any host). */
  function templateFromUrl(url: string): string {
    let parsed: URL;
    let path: string;
    try {
      parsed = new URL(url);
      path = decodeURIComponent(parsed.pathname).replace(/^\//, '');
    } catch {
      throw validationError('TemplateURL must be a supported URL.');
    }
    const virtual = /^(.+)\.s3[.-]/.exec(parsed.hostname);
    const [bucket, key] = virtual ? [virtual[1], path] : [path.slice(0, Math.max(0, path.indexOf('/'))), path.slice(path.indexOf('/') + 1)];
    const body = bucket && key ? target.readObject(bucket, key) : undefined;
    if (!body) throw validationError(`S3 error: The specified key does not exist. (${url})`);
    return body.toString('utf8');
  }

  function parseTemplate(body: string): Template {
    let template: unknown;
    try {
      template = JSON.parse(body);
    } catch {
      throw validationError('Template format error: JSON not well-formed. (The local cloud reads JSON templates only.)');
    }
    if (!template || typeof template !== 'object' || Array.isArray(template)) throw validationError('Template format error: JSON not well-formed.');
    const resources = (template as Template).Resources;
    if (!resources || typeof resources !== 'object' || Object.keys(resources).length === 0) {
      throw validationError('Template format error: At least one Resources member must be defined.');
    }
    return template as Template;
  }

  function provision(
    stackName: string,
    template: Template,
    parameters: { ParameterKey: string; ParameterValue: string }[],
    nestedTemplates: Record<string, string>,
    fetch = false,
  ): Prepared {
    const values: Record<string, unknown> = {};
    for (const p of parameters) values[p.ParameterKey] = p.ParameterValue;
    const seen: Record<string, string> = {};
    let assembly: ProvisionedAssembly;
    try {
      assembly = provisionStack({
        region: target.region,
        accountId: target.accountId,
        rootStackName: stackName,
        rootTemplate: template,
        parameters: values,
        directory: options.stateDir,
        loadNestedTemplate(url) {
          const body = nestedTemplates[url] ?? (fetch ? templateFromUrl(url) : undefined);
          if (body === undefined) throw new Error(`no template kept for ${url}`);
          seen[url] = body;
          return parseTemplate(body);
        },
        assetPath: (key) => target.assetPath(key),
      });
    } catch (error) {
      if (error instanceof CloudFormationError) throw error;
      throw validationError(`Template error: ${(error as Error).message}`);
    }
    return { template, templateBody: JSON.stringify(template), parameters, nestedTemplates: seen, assembly };
  }

  /** Reads and provisions a CreateStack / UpdateStack request, refusing what CloudFormation refuses up front. */
  function prepare(input: StackInput, previous?: StackRecord): Prepared {
    let body: string;
    if (input.UsePreviousTemplate) {
      if (!previous) throw validationError('UsePreviousTemplate is only valid for updates.');
      body = previous.TemplateBody;
    } else if (input.TemplateBody !== undefined) body = input.TemplateBody;
    else if (input.TemplateURL !== undefined) body = templateFromUrl(input.TemplateURL);
    else throw validationError('Either Template URL or Template Body must be specified.');
    if (input.TemplateBody !== undefined && input.TemplateURL !== undefined) {
      throw validationError('Specify exactly one of TemplateBody or TemplateUrl.');
    }
    const template = parseTemplate(body);
    const parameters: { ParameterKey: string; ParameterValue: string }[] = [];
    const declared = template.Parameters ?? {};
    for (const p of input.Parameters) {
      if (!Object.hasOwn(declared, p.ParameterKey)) {
        throw validationError(`Parameters: [${p.ParameterKey}] do not exist in the template`);
      }
      const value = p.UsePreviousValue ? previous?.Parameters.find((q) => q.ParameterKey === p.ParameterKey)?.ParameterValue : p.ParameterValue;
      if (value !== undefined) parameters.push({ ParameterKey: p.ParameterKey, ParameterValue: value });
    }
    const missing = Object.entries(declared)
      .filter(([key, d]) => d.Default === undefined && !parameters.some((p) => p.ParameterKey === key))
      .map(([key]) => key);
    if (missing.length > 0) throw validationError(`Parameters: [${missing.join(', ')}] must have values`);
    for (const [key, d] of Object.entries(declared)) {
      if (!parameters.some((p) => p.ParameterKey === key)) parameters.push({ ParameterKey: key, ParameterValue: String(d.Default) });
    }
    const prepared = provision(input.StackName, template, parameters, {}, true);
    requireCapabilities(prepared.assembly, input.Capabilities, template);
    return prepared;
  }

  function requireCapabilities(assembly: ProvisionedAssembly, capabilities: string[], template: Template): void {
    const raw = template as Template & { Transform?: unknown };
    if (raw.Transform !== undefined && !capabilities.includes('CAPABILITY_AUTO_EXPAND')) {
      throw new CloudFormationError('InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_AUTO_EXPAND]');
    }
    let needed = '';
    for (const r of assembly.resources) {
      if (!Object.hasOwn(IAM_TYPES, r.type)) continue;
      const nameProperty = IAM_TYPES[r.type];
      if (nameProperty && r.properties[nameProperty] !== undefined) needed = 'CAPABILITY_NAMED_IAM';
      else if (!needed) needed = 'CAPABILITY_IAM';
    }
    if (!needed) return;
    const ok = needed === 'CAPABILITY_IAM' ? capabilities.includes('CAPABILITY_IAM') || capabilities.includes('CAPABILITY_NAMED_IAM') : capabilities.includes('CAPABILITY_NAMED_IAM');
    if (!ok) throw new CloudFormationError('InsufficientCapabilitiesException', `Requires capabilities : [${needed}]`);
  }

  function newRecord(name: string, stackId: string, prepared: Prepared, input: StackInput, extra: Partial<StackRecord> = {}): StackRecord {
    return {
      StackId: stackId,
      StackName: name,
      StackStatus: 'CREATE_IN_PROGRESS',
      Description: typeof prepared.template.Description === 'string' ? prepared.template.Description : undefined,
      CreationTime: iso(),
      Capabilities: input.Capabilities,
      Parameters: prepared.parameters,
      Outputs: [],
      Tags: input.Tags,
      TemplateBody: prepared.templateBody,
      resources: [],
      events: [],
      ...extra,
    };
  }

  const resourceKey = (r: ProvisionedResource) => `${r.stackName}\u0000${r.logicalId}`;
  const rootAssembly = (record: StackRecord) => deployed.get(record.StackId);

  /** The stacks' records after a successful deployment: resources, nested stacks, outputs. */
  function settle(root: StackRecord, prepared: Prepared, verb: 'CREATE' | 'UPDATE', before: ProvisionedAssembly | undefined): string {
    const old = new Map((before?.resources ?? []).map((r) => [resourceKey(r), r]));
    const fresh = new Map(prepared.assembly.resources.map((r) => [resourceKey(r), r]));
    const created: string[] = [];
    const replaced: string[] = [];
    const removed: string[] = [];
    // Nested stacks: one record each, kept across updates (same id).
    const byName = new Map<string, StackRecord>([[root.StackName, root]]);
    for (const nested of store.nestedOf(root)) byName.set(nested.StackName, nested);
    for (const r of prepared.assembly.resources) {
      if (r.type !== 'AWS::CloudFormation::Stack') continue;
      const name = r.attributes.StackName;
      const url = String(r.properties.TemplateURL ?? '');
      let nested = byName.get(name);
      if (!nested) {
        nested = {
          ...newRecord(name, r.ref, { ...prepared, templateBody: prepared.nestedTemplates[url] ?? '{}', parameters: [] }, { StackName: name, Parameters: [], Capabilities: root.Capabilities, Tags: root.Tags }),
          ParentId: byName.get(r.stackName)?.StackId ?? root.StackId,
          RootId: root.StackId,
          Description: undefined,
        };
        store.add(nested);
        byName.set(name, nested);
        stackEvent(nested, 'CREATE_IN_PROGRESS', 'User Initiated');
      } else {
        nested.TemplateBody = prepared.nestedTemplates[url] ?? nested.TemplateBody;
        nested.LastUpdatedTime = iso();
        if (verb === 'UPDATE') stackEvent(nested, 'UPDATE_IN_PROGRESS', 'User Initiated');
      }
      nested.Parameters = Object.entries<unknown>(r.properties.Parameters ?? {}).map(([k, v]) => ({ ParameterKey: k, ParameterValue: typeof v === 'string' ? v : JSON.stringify(v) }));
    }
    for (const [key, r] of fresh) {
      const stack = byName.get(r.stackName) ?? root;
      const previous = old.get(key);
      const physical = r.ref;
      if (!previous) {
        event(stack, r.logicalId, '', r.type, 'CREATE_IN_PROGRESS');
        event(stack, r.logicalId, physical, r.type, 'CREATE_IN_PROGRESS', 'Resource creation Initiated');
        event(stack, r.logicalId, physical, r.type, 'CREATE_COMPLETE');
        if (before) created.push(`${r.logicalId} (${r.type})`);
      } else if (JSON.stringify(previous.properties) !== JSON.stringify(r.properties)) {
        event(stack, r.logicalId, physical, r.type, 'UPDATE_IN_PROGRESS');
        event(stack, r.logicalId, physical, r.type, 'UPDATE_COMPLETE');
        if (r.type !== 'AWS::CloudFormation::Stack') replaced.push(`${r.logicalId} (${r.type})`);
      }
      const kept = stack.resources.find((s) => s.LogicalResourceId === r.logicalId);
      const changed = !previous || JSON.stringify(previous.properties) !== JSON.stringify(r.properties);
      stack.resources = stack.resources.filter((s) => s !== kept);
      stack.resources.push(
        kept && !changed ? kept : { LogicalResourceId: r.logicalId, PhysicalResourceId: physical, ResourceType: r.type, ResourceStatus: previous ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE', Timestamp: iso() },
      );
    }
    if (verb === 'UPDATE') for (const stack of byName.values()) if (stack !== root) stackEvent(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    if (verb === 'UPDATE') stackEvent(root, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    for (const [key, r] of old) {
      if (fresh.has(key)) continue;
      const stack = byName.get(r.stackName);
      removed.push(`${r.logicalId} (${r.type})`);
      if (!stack) continue;
      event(stack, r.logicalId, r.ref, r.type, 'DELETE_IN_PROGRESS');
      event(stack, r.logicalId, r.ref, r.type, 'DELETE_COMPLETE');
      stack.resources = stack.resources.filter((s) => s.LogicalResourceId !== r.logicalId);
    }
    for (const stack of byName.values()) {
      if (stack === root) continue;
      const stillThere = prepared.assembly.resources.some((r) => r.type === 'AWS::CloudFormation::Stack' && r.attributes.StackName === stack.StackName);
      if (!stillThere) {
        stackEvent(stack, 'DELETE_COMPLETE');
        stack.DeletionTime = iso();
      } else stackEvent(stack, `${verb}_COMPLETE`);
    }
    root.Outputs = Object.entries(prepared.assembly.rootOutputs).map(([OutputKey, OutputValue]) => ({
      OutputKey,
      OutputValue,
      Description: prepared.template.Outputs?.[OutputKey]?.Description,
    }));
    root.TemplateBody = prepared.templateBody;
    root.Parameters = prepared.parameters;
    root.nestedTemplates = prepared.nestedTemplates;
    stackEvent(root, `${verb}_COMPLETE`);
    const parts = [];
    if (verb === 'CREATE') parts.push(`${prepared.assembly.resources.length} resources created`);
    if (created.length) parts.push(`created ${created.join(', ')}`);
    if (replaced.length) parts.push(`replaced ${replaced.join(', ')}`);
    if (removed.length) parts.push(`deleted ${removed.join(', ')}`);
    if (verb === 'UPDATE' && parts.length === 0) parts.push('no resource changed');
    return parts.join('; ');
  }

  /**
   * The first resource the local cloud cannot provision, with the reason: a
   * type it does not emulate, or a function whose code zip is not in the local
   * S3 (each function's zip is unpacked into the state folder on the way).
   */
  function check(assembly: ProvisionedAssembly): { culprit: ProvisionedResource; reason: string } | undefined {
    const culprit = assembly.resources.find((r) => !SUPPORTED_RESOURCE_TYPES.has(r.type));
    if (culprit) return { culprit, reason: `The local cloud does not emulate resource type ${culprit.type} (${culprit.logicalId}); the stack was rolled back and the running services are unchanged.` };
    for (const fn of assembly.ofType('AWS::Lambda::Function')) {
      const { S3Bucket: bucket, S3Key: key } = fn.properties.Code ?? {};
      if (typeof bucket !== 'string' || typeof key !== 'string' || target.assetPath(key)) continue;
      const zip = target.readObject(bucket, key);
      if (!zip) return { culprit: fn, reason: `Resource handler returned message: "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist. (s3://${bucket}/${key})"` };
      try {
        unzipInto(zip, assetFolder(options.stateDir, key));
      } catch (error) {
        return { culprit: fn, reason: `Resource handler returned message: "Could not unzip uploaded file. Please check your file, then try to upload again. (${(error as Error).message})"` };
      }
    }
    return undefined;
  }

  /**
   * The branch linkers' work, as their Lambda does it behind the CDK provider framework: the stack is recorded on its
   * Amplify branch. A missing app or branch fails the resource with the framework's reason (the Lambda's error message).
   */
  function linkBranches(root: StackRecord, assembly: ProvisionedAssembly, linked: ProvisionedResource[]): { culprit: ProvisionedResource; reason: string } | undefined {
    for (const linker of assembly.ofType(BRANCH_LINKER_TYPE)) {
      const { appId, branchName } = linker.properties;
      try {
        target.linkBranch(String(appId), String(branchName), root.StackId);
        linked.push(linker);
      } catch (error) {
        const framework = assembly.find(String(linker.properties.ServiceToken));
        const userFunction = String(framework?.properties.Environment?.Variables?.USER_ON_EVENT_FUNCTION_ARN ?? framework?.ref ?? '').split(':').at(-1);
        const message = [(error as Error).message, '', `Logs: /aws/lambda/${userFunction}`, ''].join('\n');
        return { culprit: linker, reason: `Received response status [FAILED] from custom resource. Message returned: ${message} (RequestId: ${randomUUID()})` };
      }
    }
    return undefined;
  }

  /** The linkers' Delete: the stack's reference is taken off its branch (a branch deleted meanwhile is fine, as for the Lambda). */
  function unlinkBranches(linkers: ProvisionedResource[]): void {
    for (const linker of linkers) {
      try {
        target.linkBranch(String(linker.properties.appId), String(linker.properties.branchName), undefined);
      } catch {
        // NotFoundException: the branch or app is gone; nothing to unset.
      }
    }
  }

  function othersThan(stackId: string): ProvisionedAssembly[] {
    return [...deployed].filter(([id]) => id !== stackId).map(([, a]) => a);
  }

  /**
   * Runs one stack operation after the ones before it (CloudFormation's work is asynchronous). A failure
   * nobody foresaw still ends the operation (the tools wait for a final status): CREATE_FAILED,
   * UPDATE_ROLLBACK_FAILED or DELETE_FAILED, with the reason.
   */
  function enqueue(root: StackRecord, verb: 'CREATE' | 'UPDATE' | 'DELETE', work: () => void): void {
    queue = queue.then(() => new Promise<void>((done) => setImmediate(() => {
      const start = performance.now();
      try {
        work();
      } catch (error) {
        console.error('localcloud: CloudFormation deployment failed unexpectedly:', error);
        if (root.StackStatus.endsWith('_IN_PROGRESS')) {
          const failed = { CREATE: 'CREATE_FAILED', UPDATE: 'UPDATE_ROLLBACK_FAILED', DELETE: 'DELETE_FAILED' }[verb];
          const reason = `The local cloud failed unexpectedly: ${(error as Error).message} (see its console)`;
          stackEvent(root, failed, reason);
          target.report(root.StackName, failed, reason);
        }
      } finally {
        store.save();
        options.onWork?.({ what: `cloudformation ${verb.toLowerCase()} ${root.StackName}`, start, end: performance.now() });
        done();
      }
    })));
  }

  function failCreate(root: StackRecord, culprit: ProvisionedResource | undefined, reason: string): void {
    if (culprit) {
      event(root, culprit.logicalId, '', culprit.type, 'CREATE_FAILED', reason);
    }
    stackEvent(root, 'ROLLBACK_IN_PROGRESS', `The following resource(s) failed to create: [${culprit?.logicalId ?? root.StackName}]. Rollback requested by user.`);
    stackEvent(root, 'ROLLBACK_COMPLETE');
    target.report(root.StackName, 'ROLLBACK_COMPLETE', reason);
  }

  function run(root: StackRecord, prepared: Prepared, verb: 'CREATE' | 'UPDATE'): void {
    const before = rootAssembly(root);
    const problem = check(prepared.assembly);
    let failure = problem?.reason ?? '';
    const linked: ProvisionedResource[] = [];
    let linkFailure: { culprit: ProvisionedResource; reason: string } | undefined;
    if (!failure) {
      linkFailure = linkBranches(root, prepared.assembly, linked);
      if (linkFailure) failure = linkFailure.reason;
    }
    if (!failure) {
      try {
        target.apply([...othersThan(root.StackId), prepared.assembly]);
      } catch (error) {
        failure = `The local cloud could not provision the stack: ${(error as Error).message}`;
      }
    }
    const culprit = problem?.culprit ?? linkFailure?.culprit;
    if (failure && verb === 'CREATE') unlinkBranches(linked);
    if (failure) {
      if (verb === 'CREATE') return failCreate(root, culprit, failure);
      if (culprit) event(root, culprit.logicalId, '', culprit.type, 'UPDATE_FAILED', failure);
      stackEvent(root, 'UPDATE_ROLLBACK_IN_PROGRESS', `The following resource(s) failed to update: [${culprit?.logicalId ?? root.StackName}].`);
      stackEvent(root, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
      stackEvent(root, 'UPDATE_ROLLBACK_COMPLETE');
      target.report(root.StackName, 'UPDATE_ROLLBACK_COMPLETE', failure);
      return;
    }
    deployed.set(root.StackId, prepared.assembly);
    const summary = settle(root, prepared, verb, before);
    target.report(root.StackName, root.StackStatus, summary);
  }

  return {
    store,
    region: target.region,
    accountId: target.accountId,

    create(input: StackInput): StackRecord {
      if (store.find(input.StackName)) throw new CloudFormationError('AlreadyExistsException', `Stack [${input.StackName}] already exists`);
      const prepared = prepare(input);
      const stackId = `arn:aws:cloudformation:${target.region}:${target.accountId}:stack/${input.StackName}/${randomUUID()}`;
      const root = newRecord(input.StackName, stackId, prepared, input);
      store.add(root);
      stackEvent(root, 'CREATE_IN_PROGRESS', 'User Initiated');
      store.save();
      enqueue(root, 'CREATE', () => run(root, prepared, 'CREATE'));
      return root;
    },

    update(input: StackInput): StackRecord {
      const root = store.find(input.StackName);
      if (!root || root.ParentId) throw stackDoesNotExist(input.StackName);
      if (root.StackStatus.endsWith('_IN_PROGRESS')) {
        throw validationError(`Stack:${root.StackId} is in ${root.StackStatus} state and can not be updated.`);
      }
      if (root.StackStatus === 'ROLLBACK_COMPLETE' || root.StackStatus === 'CREATE_FAILED') {
        throw validationError(`Stack:${root.StackId} is in ${root.StackStatus} state and can not be updated.`);
      }
      const prepared = prepare(input, root);
      const unchanged =
        prepared.templateBody === JSON.stringify(JSON.parse(root.TemplateBody)) &&
        JSON.stringify(prepared.parameters) === JSON.stringify(root.Parameters) &&
        JSON.stringify(prepared.nestedTemplates) === JSON.stringify(root.nestedTemplates ?? {}) &&
        JSON.stringify(input.Tags) === JSON.stringify(root.Tags);
      if (unchanged) throw validationError('No updates are to be performed.');
      root.LastUpdatedTime = iso();
      root.Capabilities = input.Capabilities;
      root.Tags = input.Tags;
      stackEvent(root, 'UPDATE_IN_PROGRESS', 'User Initiated');
      store.save();
      enqueue(root, 'UPDATE', () => run(root, prepared, 'UPDATE'));
      return root;
    },

    delete(nameOrId: string): void {
      const root = store.find(nameOrId);
      if (!root || root.StackStatus === 'DELETE_COMPLETE') return; // DeleteStack of an unknown stack succeeds
      if (root.ParentId) throw validationError(`Stack ${root.StackName} is a nested stack; delete its root stack instead.`);
      if (root.StackStatus === 'DELETE_IN_PROGRESS') return;
      stackEvent(root, 'DELETE_IN_PROGRESS', 'User Initiated');
      store.save();
      enqueue(root, 'DELETE', () => {
        const owned = rootAssembly(root);
        if (owned) {
          unlinkBranches(owned.ofType(BRANCH_LINKER_TYPE));
          target.apply(othersThan(root.StackId));
          deployed.delete(root.StackId);
          target.forget(owned);
        }
        const nested = store.nestedOf(root);
        for (const stack of [...nested].reverse()) {
          stackEvent(stack, 'DELETE_IN_PROGRESS');
          for (const r of stack.resources) {
            event(stack, r.LogicalResourceId, r.PhysicalResourceId, r.ResourceType, 'DELETE_IN_PROGRESS');
            event(stack, r.LogicalResourceId, r.PhysicalResourceId, r.ResourceType, 'DELETE_COMPLETE');
          }
          stack.resources = [];
          stackEvent(stack, 'DELETE_COMPLETE');
          stack.DeletionTime = iso();
        }
        for (const r of root.resources) {
          event(root, r.LogicalResourceId, r.PhysicalResourceId, r.ResourceType, 'DELETE_IN_PROGRESS');
          event(root, r.LogicalResourceId, r.PhysicalResourceId, r.ResourceType, 'DELETE_COMPLETE');
        }
        root.resources = [];
        stackEvent(root, 'DELETE_COMPLETE');
        root.DeletionTime = iso();
        target.report(root.StackName, 'DELETE_COMPLETE', owned ? `${owned.resources.length} resources deleted, with their users and objects` : '');
      });
    },

    /** The deployed stacks' provisioned resources (what the running services are built from). */
    deployedAssemblies: () => [...deployed.values()],

    /** Waits for the operations queued so far (tests, shutdown). */
    settled: () => queue,
  };
}
