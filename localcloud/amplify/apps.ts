import { randomBytes } from 'node:crypto';
import { AwsJsonError } from '../http/http';
import type { Store } from '../store/store';

/**
 * Amplify Hosting's apps and branches, as far as a Gen 2 backend uses them:
 * `ampx pipeline-deploy --app-id <id> --branch <b>` deploys a stack whose
 * branch linker (Custom::AmplifyBranchLinkerResource) reads the branch
 * (GetBranch) and records the stack on it (UpdateBranch `backend.stackArn`);
 * `npm run pipeline-rehearsal` finds the app by name (ListApps), as ampx's
 * app-name resolver does. Kept in SQLite (`amplify_apps`, `amplify_branches`),
 * one JSON document per record.
 */

/** An Amplify API error (REST-JSON; the exception name in `x-amzn-errortype`). */
export class AmplifyError extends AwsJsonError {}

export const badRequest = (message: string) => new AmplifyError('BadRequestException', message, 400);
export const appNotFound = (appId: string) => new AmplifyError('NotFoundException', `App ${appId} not found.`, 404);
export const branchNotFound = (branchName: string) => new AmplifyError('NotFoundException', `Branch ${branchName} not found.`, 404);

export interface AmplifyApp {
  appId: string;
  appArn: string;
  name: string;
  description: string;
  repository: string;
  platform: string;
  createTime: number;
  updateTime: number;
  environmentVariables: Record<string, string>;
  defaultDomain: string;
  enableBranchAutoBuild: boolean;
  enableBranchAutoDeletion: boolean;
  enableBasicAuth: boolean;
  tags?: Record<string, string>;
  [field: string]: unknown;
}

export interface AmplifyBranch {
  branchArn: string;
  branchName: string;
  description: string;
  stage: string;
  displayName: string;
  enableNotification: boolean;
  createTime: number;
  updateTime: number;
  environmentVariables: Record<string, string>;
  enableAutoBuild: boolean;
  customDomains: string[];
  framework: string;
  activeJobId: string;
  totalNumberOfJobs: string;
  enableBasicAuth: boolean;
  ttl: string;
  enablePullRequestPreview: boolean;
  backend?: { stackArn?: string };
  tags?: Record<string, string>;
  [field: string]: unknown;
}

/** Fields a caller may set on CreateApp (the others are the service's). */
const APP_FIELDS = ['name', 'description', 'repository', 'platform', 'iamServiceRoleArn', 'computeRoleArn', 'environmentVariables', 'enableBranchAutoBuild', 'enableBranchAutoDeletion', 'enableBasicAuth', 'customRules', 'buildSpec', 'customHeaders', 'tags'];
/** Fields a caller may set on CreateBranch / UpdateBranch. */
const BRANCH_FIELDS = ['description', 'framework', 'stage', 'enableNotification', 'enableAutoBuild', 'enableSkewProtection', 'environmentVariables', 'basicAuthCredentials', 'enableBasicAuth', 'enablePerformanceMode', 'tags', 'buildSpec', 'ttl', 'displayName', 'enablePullRequestPreview', 'pullRequestEnvironmentName', 'backendEnvironmentArn', 'backend', 'computeRoleArn'];
const STAGES = new Set(['PRODUCTION', 'BETA', 'DEVELOPMENT', 'EXPERIMENTAL', 'PULL_REQUEST']);
const PLATFORMS = new Set(['WEB', 'WEB_DYNAMIC', 'WEB_COMPUTE']);

/** The Smithy constraint message AWS words for a member that breaks its pattern or length. */
function constraint(value: string, member: string, rule: string): AmplifyError {
  return badRequest(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${rule}`);
}

export function checkAppId(appId: string): void {
  if (appId.length < 1 || appId.length > 20) throw constraint(appId, 'appId', 'Member must have length less than or equal to 20');
  if (!/^d[a-z0-9]+$/.test(appId)) throw constraint(appId, 'appId', 'Member must satisfy regular expression pattern: d[a-z0-9]+');
}

export function checkBranchName(branchName: string): void {
  if (branchName.length < 1 || branchName.length > 255) throw constraint(branchName, 'branchName', 'Member must have length less than or equal to 255');
}

function pick(input: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (input[field] !== undefined) out[field] = input[field];
  if (typeof out.stage === 'string' && !STAGES.has(out.stage)) throw constraint(out.stage, 'stage', `Member must satisfy enum value set: [${[...STAGES].join(', ')}]`);
  if (typeof out.platform === 'string' && !PLATFORMS.has(out.platform)) throw constraint(out.platform, 'platform', `Member must satisfy enum value set: [${[...PLATFORMS].join(', ')}]`);
  return out;
}

export type AmplifyApps = ReturnType<typeof createAmplifyApps>;

export function createAmplifyApps(options: { store: Store; region: string; accountId: string; now: () => Date }) {
  const { db } = options.store;
  options.store.migrate('amplify', [
    'CREATE TABLE amplify_apps (app_id TEXT PRIMARY KEY, name TEXT NOT NULL, created INTEGER NOT NULL, doc TEXT NOT NULL)',
    'CREATE TABLE amplify_branches (app_id TEXT NOT NULL REFERENCES amplify_apps(app_id) ON DELETE CASCADE, branch_name TEXT NOT NULL, created INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (app_id, branch_name))',
  ]);
  const seconds = () => Math.floor(options.now().getTime() / 1000);
  const appArn = (appId: string) => `arn:aws:amplify:${options.region}:${options.accountId}:apps/${appId}`;

  function getApp(appId: string): AmplifyApp {
    checkAppId(appId);
    const row = db.prepare('SELECT doc FROM amplify_apps WHERE app_id = ?').get(appId) as { doc: string } | undefined;
    if (!row) throw appNotFound(appId);
    return JSON.parse(row.doc) as AmplifyApp;
  }

  function getBranch(appId: string, branchName: string): AmplifyBranch {
    getApp(appId);
    checkBranchName(branchName);
    const row = db.prepare('SELECT doc FROM amplify_branches WHERE app_id = ? AND branch_name = ?').get(appId, branchName) as { doc: string } | undefined;
    if (!row) throw branchNotFound(branchName);
    return JSON.parse(row.doc) as AmplifyBranch;
  }

  function saveBranch(appId: string, branch: AmplifyBranch): AmplifyBranch {
    db.prepare('UPDATE amplify_branches SET doc = ? WHERE app_id = ? AND branch_name = ?').run(JSON.stringify(branch), appId, branch.branchName);
    return branch;
  }

  /** One page of rows (nextToken: the offset, opaque to callers). */
  function page<T>(rows: { doc: string }[], maxResults: unknown, nextToken: unknown, max: number): { items: T[]; nextToken?: string } {
    const size = maxResults === undefined ? max : Number(maxResults);
    if (!Number.isInteger(size) || size < 0 || size > max) throw constraint(String(maxResults), 'maxResults', `Member must have value less than or equal to ${max}`);
    const start = nextToken === undefined || nextToken === '' ? 0 : Number.parseInt(Buffer.from(String(nextToken), 'base64').toString('utf8'), 10);
    if (!Number.isInteger(start) || start < 0) throw badRequest('Invalid nextToken.');
    const slice = rows.slice(start, start + size).map((r) => JSON.parse(r.doc) as T);
    return { items: slice, nextToken: start + size < rows.length ? Buffer.from(String(start + size)).toString('base64') : undefined };
  }

  return {
    getApp,
    getBranch,

    createApp(input: Record<string, unknown>): AmplifyApp {
      const name = input.name;
      if (typeof name !== 'string') throw badRequest("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
      if (name.length < 1 || name.length > 255) throw constraint(name, 'name', 'Member must have length less than or equal to 255');
      let appId: string;
      do appId = `d${randomBytes(16).toString('hex').replace(/[^a-z0-9]/g, '').slice(0, 13)}`;
      while (db.prepare('SELECT 1 FROM amplify_apps WHERE app_id = ?').get(appId));
      const now = seconds();
      const app: AmplifyApp = {
        description: '',
        repository: '',
        platform: 'WEB',
        environmentVariables: {},
        enableBranchAutoBuild: false,
        enableBranchAutoDeletion: false,
        enableBasicAuth: false,
        ...pick(input, APP_FIELDS),
        name,
        appId,
        appArn: appArn(appId),
        createTime: now,
        updateTime: now,
        defaultDomain: `${appId}.amplifyapp.com`,
      };
      db.prepare('INSERT INTO amplify_apps (app_id, name, created, doc) VALUES (?, ?, ?, ?)').run(appId, name, now, JSON.stringify(app));
      return app;
    },

    listApps(maxResults: unknown, nextToken: unknown): { apps: AmplifyApp[]; nextToken?: string } {
      const rows = db.prepare('SELECT doc FROM amplify_apps ORDER BY created, app_id').all() as { doc: string }[];
      const { items, nextToken: next } = page<AmplifyApp>(rows, maxResults, nextToken, 100);
      return { apps: items, nextToken: next };
    },

    deleteApp(appId: string): AmplifyApp {
      const app = getApp(appId);
      db.prepare('DELETE FROM amplify_apps WHERE app_id = ?').run(appId);
      return app;
    },

    createBranch(appId: string, input: Record<string, unknown>): AmplifyBranch {
      getApp(appId);
      const branchName = input.branchName;
      if (typeof branchName !== 'string') throw badRequest("1 validation error detected: Value null at 'branchName' failed to satisfy constraint: Member must not be null");
      checkBranchName(branchName);
      if (db.prepare('SELECT 1 FROM amplify_branches WHERE app_id = ? AND branch_name = ?').get(appId, branchName)) {
        throw badRequest(`Failed to create branch. The branch ${branchName} already exists for the app ${appId}`);
      }
      const now = seconds();
      const branch: AmplifyBranch = {
        description: '',
        stage: 'NONE',
        displayName: branchName.replace(/[^A-Za-z0-9-]/g, '-'),
        enableNotification: false,
        environmentVariables: {},
        enableAutoBuild: true,
        customDomains: [],
        framework: '',
        activeJobId: '0',
        totalNumberOfJobs: '0',
        enableBasicAuth: false,
        ttl: '5',
        enablePullRequestPreview: false,
        ...pick(input, BRANCH_FIELDS),
        branchName,
        branchArn: `${appArn(appId)}/branches/${branchName}`,
        createTime: now,
        updateTime: now,
      };
      db.prepare('INSERT INTO amplify_branches (app_id, branch_name, created, doc) VALUES (?, ?, ?, ?)').run(appId, branchName, now, JSON.stringify(branch));
      return branch;
    },

    listBranches(appId: string, maxResults: unknown, nextToken: unknown): { branches: AmplifyBranch[]; nextToken?: string } {
      getApp(appId);
      const rows = db.prepare('SELECT doc FROM amplify_branches WHERE app_id = ? ORDER BY created, branch_name').all(appId) as { doc: string }[];
      const { items, nextToken: next } = page<AmplifyBranch>(rows, maxResults, nextToken, 50);
      return { branches: items, nextToken: next };
    },

    /** UpdateBranch: the fields given replace the branch's (`backend` included, as the branch linker sends it back whole). */
    updateBranch(appId: string, branchName: string, input: Record<string, unknown>): AmplifyBranch {
      const branch = getBranch(appId, branchName);
      const updated: AmplifyBranch = { ...branch, ...pick(input, BRANCH_FIELDS), updateTime: seconds() };
      if (input.backend !== undefined && (typeof input.backend !== 'object' || input.backend === null || Object.keys(input.backend).length === 0 || (input.backend as { stackArn?: unknown }).stackArn === undefined)) {
        delete updated.backend;
      }
      return saveBranch(appId, updated);
    },

    deleteBranch(appId: string, branchName: string): AmplifyBranch {
      const branch = getBranch(appId, branchName);
      db.prepare('DELETE FROM amplify_branches WHERE app_id = ? AND branch_name = ?').run(appId, branchName);
      return branch;
    },

    /**
     * What the branch linker's Lambda does (GetBranch, then UpdateBranch with the branch's own fields and
     * `backend.stackArn` set, or removed when `stackArn` is undefined). Throws NotFoundException as GetBranch does.
     */
    linkStack(appId: string, branchName: string, stackArn: string | undefined): AmplifyBranch {
      const branch = getBranch(appId, branchName);
      const backend = { ...branch.backend };
      if (stackArn) backend.stackArn = stackArn;
      else delete backend.stackArn;
      const updated: AmplifyBranch = { ...branch, updateTime: seconds() };
      if (Object.keys(backend).length > 0) updated.backend = backend;
      else delete updated.backend;
      return saveBranch(appId, updated);
    },
  };
}
