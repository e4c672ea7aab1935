import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The deployed stacks, as CloudFormation keeps them: each root stack with its
 * template, parameters, outputs, resources and events, and each nested stack
 * as a stack of its own (`parentId`, `rootId`). Kept in one JSON file of the
 * state folder, written whole (rename) after every change; deleted stacks stay
 * listed (DELETE_COMPLETE) as ListStacks shows them.
 */
export interface StackEvent {
  EventId: string;
  StackId: string;
  StackName: string;
  LogicalResourceId: string;
  PhysicalResourceId: string;
  ResourceType: string;
  Timestamp: string;
  ResourceStatus: string;
  ResourceStatusReason?: string;
}

export interface StackResource {
  LogicalResourceId: string;
  PhysicalResourceId: string;
  ResourceType: string;
  ResourceStatus: string;
  Timestamp: string;
}

export interface StackRecord {
  StackId: string;
  StackName: string;
  ParentId?: string;
  RootId?: string;
  StackStatus: string;
  StackStatusReason?: string;
  Description?: string;
  CreationTime: string;
  LastUpdatedTime?: string;
  DeletionTime?: string;
  Capabilities: string[];
  Parameters: { ParameterKey: string; ParameterValue: string }[];
  Outputs: { OutputKey: string; OutputValue: string; Description?: string; ExportName?: string }[];
  Tags: { Key: string; Value: string }[];
  /** The template as deployed (JSON text). */
  TemplateBody: string;
  /** A root stack's nested templates by their TemplateURL (so a restart needs no S3 object). */
  nestedTemplates?: Record<string, string>;
  resources: StackResource[];
  /** Newest first, as DescribeStackEvents lists them. */
  events: StackEvent[];
}

export class StackStore {
  private stacks: StackRecord[];

  constructor(private readonly file: string) {
    try {
      this.stacks = JSON.parse(readFileSync(file, 'utf8')) as StackRecord[];
    } catch {
      this.stacks = [];
    }
  }

  all(): StackRecord[] {
    return this.stacks;
  }

  /** A live stack by name, or any stack by id (deleted ones too), as DescribeStacks finds them. */
  find(nameOrId: string): StackRecord | undefined {
    if (nameOrId.startsWith('arn:')) return this.stacks.find((s) => s.StackId === nameOrId);
    return this.stacks.find((s) => s.StackName === nameOrId && s.StackStatus !== 'DELETE_COMPLETE');
  }

  /** Live root stacks (deployed, not deleted), oldest first. */
  liveRoots(): StackRecord[] {
    return this.stacks.filter((s) => !s.ParentId && s.StackStatus !== 'DELETE_COMPLETE');
  }

  nestedOf(root: StackRecord): StackRecord[] {
    return this.stacks.filter((s) => s.RootId === root.StackId && s.StackStatus !== 'DELETE_COMPLETE');
  }

  add(record: StackRecord): void {
    this.stacks.push(record);
  }

  remove(record: StackRecord): void {
    this.stacks = this.stacks.filter((s) => s !== record);
  }

  save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(this.stacks));
    renameSync(temp, this.file);
  }
}
