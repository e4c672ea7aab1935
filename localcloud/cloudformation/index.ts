import type { IncomingMessage, ServerResponse } from 'node:http';
import { isQueryProtocolRequest, newRequestId, QueryProtocolError, readQueryRequest, sendQueryError, sendQueryResult, signedServiceName, unsupportedOperation } from '../http/query-protocol';
import type { IamServices } from '../iam';
import { sha256Hex, verifySigV4 } from '../sigv4/verify';
import { SigV4Error } from '../sigv4/errors';
import { invalidClientTokenId, stsAuthError } from '../sts/errors';
import type { BoundCredentials } from '../iam';
import type { Template } from '../provisioning/cloud-assembly';
import type { Engine, StackInput } from './engine';
import { CLOUDFORMATION_NAMESPACE, CLOUDFORMATION_VERSION, CloudFormationError, stackDoesNotExist, validationError } from './errors';
import type { StackRecord } from './stacks';

/**
 * CloudFormation over the query protocol (form-encoded POST, XML answers),
 * signed with SigV4 by a credential the local cloud issued and authorized by
 * its role's policies (`cloudformation:<Action>` on the stack's ARN), as the
 * CDK toolkit and `ampx` call it. The stacks themselves are the engine's
 * (engine.ts); this file reads requests and words answers.
 */
type Handler = (params: URLSearchParams) => Record<string, unknown>;

export function matchesCloudFormation(req: IncomingMessage): boolean {
  return isQueryProtocolRequest(req) && signedServiceName(req) === 'cloudformation';
}

/** `Prefix.member.N` (or `Prefix.member.N.Field`) of a query-protocol list, in order. */
export function listParam(params: URLSearchParams, prefix: string): string[];
export function listParam(params: URLSearchParams, prefix: string, fields: string[]): Record<string, string>[];
export function listParam(params: URLSearchParams, prefix: string, fields?: string[]): string[] | Record<string, string>[] {
  const out: (string | Record<string, string>)[] = [];
  for (let i = 1; i <= 1000; i++) {
    const base = `${prefix}.member.${i}`;
    if (!fields) {
      const value = params.get(base);
      if (value === null) break;
      out.push(value);
      continue;
    }
    const entry: Record<string, string> = {};
    for (const field of fields) {
      const value = params.get(`${base}.${field}`);
      if (value !== null) entry[field] = value;
    }
    if (Object.keys(entry).length === 0) break;
    out.push(entry);
  }
  return out as string[] | Record<string, string>[];
}

function describeStack(s: StackRecord): Record<string, unknown> {
  return {
    StackId: s.StackId,
    StackName: s.StackName,
    Description: s.Description,
    Parameters: s.Parameters,
    CreationTime: s.CreationTime,
    DeletionTime: s.DeletionTime,
    LastUpdatedTime: s.LastUpdatedTime,
    StackStatus: s.StackStatus,
    StackStatusReason: s.StackStatusReason,
    DisableRollback: false,
    NotificationARNs: [],
    Capabilities: s.Capabilities,
    Outputs: s.Outputs,
    Tags: s.Tags,
    EnableTerminationProtection: false,
    ParentId: s.ParentId,
    RootId: s.RootId,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

export function createCloudFormationService(options: { engine: Engine; iam: () => IamServices; now: () => Date }) {
  const { engine } = options;
  const store = engine.store;

  function stackOf(params: URLSearchParams): StackRecord {
    const name = params.get('StackName');
    if (!name) throw validationError('1 validation error detected: Value null at \'stackName\' failed to satisfy constraint: Member must not be null');
    const stack = store.find(name);
    if (!stack) throw stackDoesNotExist(name);
    return stack;
  }

  function stackInput(params: URLSearchParams): StackInput {
    const name = params.get('StackName') ?? '';
    if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name)) {
      throw validationError(`1 validation error detected: Value '${name.slice(0, 200)}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`);
    }
    return {
      StackName: name,
      TemplateBody: params.get('TemplateBody') ?? undefined,
      TemplateURL: params.get('TemplateURL') ?? undefined,
      UsePreviousTemplate: params.get('UsePreviousTemplate') === 'true',
      Parameters: listParam(params, 'Parameters', ['ParameterKey', 'ParameterValue', 'UsePreviousValue']).map((p) => ({
        ParameterKey: p.ParameterKey,
        ParameterValue: p.ParameterValue,
        UsePreviousValue: p.UsePreviousValue === 'true',
      })),
      Capabilities: listParam(params, 'Capabilities'),
      Tags: listParam(params, 'Tags', ['Key', 'Value']).map((t) => ({ Key: t.Key, Value: t.Value ?? '' })),
    };
  }

  function templateSummary(body: string): Record<string, unknown> {
    let template: Template & { Transform?: unknown };
    try {
      template = JSON.parse(body);
    } catch {
      throw validationError('Template format error: JSON not well-formed. (The local cloud reads JSON templates only.)');
    }
    const types = [...new Set(Object.values(template.Resources ?? {}).map((r) => r.Type))];
    return {
      Parameters: Object.entries(template.Parameters ?? {}).map(([key, p]) => {
        const declared = p as { Default?: unknown; Type?: string; NoEcho?: unknown; Description?: string };
        return {
          ParameterKey: key,
          DefaultValue: declared.Default === undefined ? undefined : String(declared.Default),
          ParameterType: declared.Type ?? 'String',
          NoEcho: String(declared.NoEcho) === 'true',
          Description: declared.Description,
          ParameterConstraints: {},
        };
      }),
      Description: template.Description,
      ResourceTypes: types,
      Version: '2010-09-09',
      Metadata: template.Metadata === undefined ? undefined : JSON.stringify(template.Metadata),
      DeclaredTransforms: template.Transform === undefined ? [] : [template.Transform].flat(),
    };
  }

  const handlers: Record<string, Handler> = {
    CreateStack: (params) => ({ StackId: engine.create(stackInput(params)).StackId }),
    UpdateStack: (params) => ({ StackId: engine.update(stackInput(params)).StackId }),
    DeleteStack: (params) => {
      const name = params.get('StackName');
      if (!name) throw validationError('1 validation error detected: Value null at \'stackName\' failed to satisfy constraint: Member must not be null');
      engine.delete(name);
      return {};
    },
    DescribeStacks: (params) => {
      if (params.get('StackName')) return { Stacks: [describeStack(stackOf(params))] };
      return { Stacks: store.all().filter((s) => s.StackStatus !== 'DELETE_COMPLETE').reverse().map(describeStack) };
    },
    DescribeStackEvents: (params) => ({ StackEvents: stackOf(params).events }),
    ListStackResources: (params) => ({
      StackResourceSummaries: stackOf(params).resources.map((r) => ({
        LogicalResourceId: r.LogicalResourceId,
        PhysicalResourceId: r.PhysicalResourceId,
        ResourceType: r.ResourceType,
        LastUpdatedTimestamp: r.Timestamp,
        ResourceStatus: r.ResourceStatus,
        DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
      })),
    }),
    DescribeStackResources: (params) => {
      const stack = stackOf(params);
      const logicalId = params.get('LogicalResourceId');
      return {
        StackResources: stack.resources
          .filter((r) => !logicalId || r.LogicalResourceId === logicalId)
          .map((r) => ({ StackName: stack.StackName, StackId: stack.StackId, ...r, DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' } })),
      };
    },
    DescribeStackResource: (params) => {
      const stack = stackOf(params);
      const logicalId = params.get('LogicalResourceId') ?? '';
      const r = stack.resources.find((x) => x.LogicalResourceId === logicalId);
      if (!r) throw validationError(`Resource ${logicalId} does not exist for stack ${stack.StackName}`);
      return {
        StackResourceDetail: {
          StackName: stack.StackName,
          StackId: stack.StackId,
          LogicalResourceId: r.LogicalResourceId,
          PhysicalResourceId: r.PhysicalResourceId,
          ResourceType: r.ResourceType,
          LastUpdatedTimestamp: r.Timestamp,
          ResourceStatus: r.ResourceStatus,
          DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
        },
      };
    },
    GetTemplate: (params) => ({ TemplateBody: stackOf(params).TemplateBody, StagesAvailable: ['Original', 'Processed'] }),
    GetTemplateSummary: (params) => {
      const body = params.get('TemplateBody');
      if (body !== null) return templateSummary(body);
      if (params.get('TemplateURL')) throw unsupportedOperation('CloudFormation', 'GetTemplateSummary with a TemplateURL');
      return templateSummary(stackOf(params).TemplateBody);
    },
    ListStacks: (params) => {
      const filter = listParam(params, 'StackStatusFilter');
      return {
        StackSummaries: store
          .all()
          .filter((s) => filter.length === 0 || filter.includes(s.StackStatus))
          .reverse()
          .map((s) => ({
            StackId: s.StackId,
            StackName: s.StackName,
            TemplateDescription: s.Description,
            CreationTime: s.CreationTime,
            LastUpdatedTime: s.LastUpdatedTime,
            DeletionTime: s.DeletionTime,
            StackStatus: s.StackStatus,
            StackStatusReason: s.StackStatusReason,
            ParentId: s.ParentId,
            RootId: s.RootId,
            DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
          })),
      };
    },
    ValidateTemplate: (params) => {
      const body = params.get('TemplateBody');
      if (body === null) throw unsupportedOperation('CloudFormation', 'ValidateTemplate with a TemplateURL');
      const summary = templateSummary(body);
      return {
        Parameters: (summary.Parameters as Record<string, unknown>[]).map(({ ParameterKey, DefaultValue, NoEcho, Description }) => ({ ParameterKey, DefaultValue, NoEcho, Description })),
        Description: summary.Description,
        DeclaredTransforms: summary.DeclaredTransforms,
      };
    },
  };

  function authenticate(req: IncomingMessage, body: Buffer): BoundCredentials {
    const iam = options.iam();
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
    try {
      const { accessKeyId } = verifySigV4(
        { method: req.method ?? 'POST', url: req.url ?? '/', headers },
        {
          service: 'cloudformation',
          now: options.now,
          payloadHash: sha256Hex(body),
          lookup: (id) => {
            const found = iam.credentials.lookup(id);
            return found && { secretAccessKey: found.secretAccessKey, sessionToken: found.sessionToken, expiration: found.expiration };
          },
        },
      );
      const caller = iam.credentials.lookup(accessKeyId);
      if (!caller) throw invalidClientTokenId();
      return caller;
    } catch (error) {
      throw error instanceof SigV4Error ? stsAuthError(error) : error;
    }
  }

  function authorize(caller: BoundCredentials, action: string, params: URLSearchParams): void {
    const name = params.get('StackName');
    const stack = name ? store.find(name) : undefined;
    const resource = stack?.StackId ?? (name && !name.startsWith('arn:') ? `arn:aws:cloudformation:${engine.region}:${engine.accountId}:stack/${name}/*` : (name ?? '*'));
    const result = options.iam().authorize({ credentials: caller, action: `cloudformation:${action}`, resource });
    if (!result.allowed) throw new CloudFormationError('AccessDenied', result.message, 403);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = String(res.getHeader('x-amzn-RequestId') ?? '') || newRequestId();
    try {
      const request = await readQueryRequest(req);
      const { action, params } = request;
      const caller = authenticate(req, request.body);
      if (request.version !== undefined && request.version !== CLOUDFORMATION_VERSION) {
        throw new CloudFormationError('InvalidAction', `Could not find operation ${action.slice(0, 128)} for version ${request.version.slice(0, 32)}`, 400);
      }
      if (!Object.hasOwn(handlers, action)) {
        console.warn(`localcloud: CloudFormation ${action.slice(0, 128)} is not emulated (answered 501)`);
        throw unsupportedOperation('CloudFormation', action.slice(0, 128));
      }
      authorize(caller, action, params);
      sendQueryResult(res, { action, namespace: CLOUDFORMATION_NAMESPACE, result: handlers[action](params), requestId });
    } catch (error) {
      if (error instanceof QueryProtocolError) return sendQueryError(res, error, { namespace: CLOUDFORMATION_NAMESPACE, requestId });
      console.error('[cloudformation] internal error', error);
      sendQueryError(res, new CloudFormationError('InternalFailure', 'The local cloud failed to process the request; see its console.', 500), { namespace: CLOUDFORMATION_NAMESPACE, requestId });
    }
  }

  return { name: 'cloudformation', matches: matchesCloudFormation, handle, engine };
}
