import type { IncomingMessage, ServerResponse } from 'node:http';
import { notEmulatedMessage } from '../http/dispatch';
import { AwsJsonError, jsonObject, readBody, requestPath, requestQuery, sendAwsJsonError, sendJson } from '../http/http';
import { signedServiceName } from '../http/query-protocol';
import type { AwsJsonAuth } from '../ssm/aws-json-auth';
import { AmplifyError, type AmplifyApps, badRequest, checkAppId, checkBranchName } from './apps';

export { createAmplifyApps, type AmplifyApps, AmplifyError } from './apps';

/**
 * Amplify Hosting's API (REST-JSON under `/apps`, signed for `amplify`):
 * CreateApp, GetApp, ListApps, DeleteApp, CreateBranch, GetBranch,
 * ListBranches, UpdateBranch, DeleteBranch — what a Gen 2 branch deploy needs
 * (an app and its branches to deploy to; the branch linker records the stack
 * on the branch). Builds, jobs, domains and webhooks are not emulated (501).
 * SigV4, then IAM: `amplify:<Operation>` on the app's or branch's ARN.
 */
const BODY_LIMIT = 256 * 1024;

/** Requests for Amplify: path `/apps…`, signed for the `amplify` service (S3 answers a bucket named `apps`). */
export function matchesAmplify(req: IncomingMessage): boolean {
  const path = requestPath(req);
  return (path === '/apps' || path.startsWith('/apps/')) && signedServiceName(req) === 'amplify';
}

export function createAmplifyService(options: { apps: AmplifyApps; auth: AwsJsonAuth; region: string; accountId: string }) {
  const { apps } = options;
  const appsArn = `arn:aws:amplify:${options.region}:${options.accountId}:apps`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req, BODY_LIMIT).catch(() => {
        throw badRequest(`Request body exceeds ${BODY_LIMIT} bytes.`);
      });
      const caller = options.auth.authenticate(req, body, 'amplify');
      let segments: string[];
      try {
        segments = requestPath(req).split('/').slice(2).map((s) => decodeURIComponent(s));
      } catch {
        throw badRequest('The request path is not valid percent-encoding.');
      }
      const [appId, collection, branchName, ...rest] = segments;
      const input = () => {
        const parsed = jsonObject(body);
        if (!parsed) throw badRequest('Unable to parse the request body as JSON.');
        return parsed;
      };
      const query = requestQuery(req);
      const allow = (operation: string, resource: string) => options.auth.authorize(caller, `amplify:${operation}`, resource, req.socket.remoteAddress);
      const appArn = () => {
        checkAppId(appId);
        return `${appsArn}/${appId}`;
      };
      const branchArn = () => {
        checkBranchName(branchName);
        return `${appArn()}/branches/${branchName}`;
      };
      const shape = appId === undefined ? '' : collection === undefined ? '/{appId}' : branchName === undefined ? `/{appId}/${collection}` : `/{appId}/${collection}/{name}${rest.length ? '/…' : ''}`;
      switch (`${req.method} /apps${shape}`) {
        case 'POST /apps':
          allow('CreateApp', `${appsArn}/*`);
          return sendJson(res, 200, { app: apps.createApp(input()) });
        case 'GET /apps':
          allow('ListApps', `${appsArn}/*`);
          return sendJson(res, 200, apps.listApps(query.get('maxResults') ?? undefined, query.get('nextToken') ?? undefined));
        case 'GET /apps/{appId}':
          allow('GetApp', appArn());
          return sendJson(res, 200, { app: apps.getApp(appId) });
        case 'DELETE /apps/{appId}':
          allow('DeleteApp', appArn());
          return sendJson(res, 200, { app: apps.deleteApp(appId) });
        case 'POST /apps/{appId}/branches':
          allow('CreateBranch', `${appArn()}/branches/*`);
          return sendJson(res, 200, { branch: apps.createBranch(appId, input()) });
        case 'GET /apps/{appId}/branches':
          allow('ListBranches', `${appArn()}/branches/*`);
          return sendJson(res, 200, apps.listBranches(appId, query.get('maxResults') ?? undefined, query.get('nextToken') ?? undefined));
        case 'GET /apps/{appId}/branches/{name}':
          allow('GetBranch', branchArn());
          return sendJson(res, 200, { branch: apps.getBranch(appId, branchName) });
        case 'POST /apps/{appId}/branches/{name}':
          allow('UpdateBranch', branchArn());
          return sendJson(res, 200, { branch: apps.updateBranch(appId, branchName, input()) });
        case 'DELETE /apps/{appId}/branches/{name}':
          allow('DeleteBranch', branchArn());
          return sendJson(res, 200, { branch: apps.deleteBranch(appId, branchName) });
        default:
          throw new AmplifyError('UnsupportedOperationException', notEmulatedMessage(`the Amplify operation ${req.method} /apps${shape}`), 501);
      }
    } catch (error) {
      if (error instanceof AwsJsonError) return sendAwsJsonError(res, error.status, error.code, error.message);
      console.error('[amplify] internal error', error);
      sendAwsJsonError(res, 500, 'InternalFailureException', 'The local cloud failed to process the request; see its console.');
    }
  }

  return { name: 'amplify', matches: matchesAmplify, handle };
}
