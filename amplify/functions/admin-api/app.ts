import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  ADMIN_GROUP,
  AUDIT_PAGE,
  type AuditRecord,
  ROUTES,
  type RouteName,
  USERS_PAGE,
  type UserSnapshot,
} from '../../api/contract';
import { birthdateProblem } from '../../auth/pre-sign-up/birthdate';
import type { AuditLog } from './audit-log';
import { type Caller, callerOf } from './caller';
import type { Directory, Member, UserState } from './directory';
import { ApiError, badRequest, conflict, forbidden, fromCognito, notFound } from './errors';
import { displayedOwnerName, type OwnerNames } from './owner-names';

export interface AppDeps {
  directory: Directory;
  audit: AuditLog;
  owners: OwnerNames;
  now: () => Date;
  /** The web app's origins (CORS): a response names the caller's origin only when it is one of these. */
  allowedOrigins: string[];
  log?: Pick<Console, 'error'>;
}

interface Request {
  caller: Caller;
  params: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown>;
}

type Action = (request: Request) => Promise<unknown>;

/**
 * The admin API: API Gateway's Lambda proxy event in, its proxy response out.
 * Every decision comes from the verified claims (`cognito:groups`, `sub`,
 * `cognito:username`); the body carries only what is to change. Every change
 * is recorded in the audit log before the call answers; a call that changes
 * nothing records nothing.
 */
export function createApp(deps: AppDeps) {
  const { directory, audit } = deps;
  const log = deps.log ?? console;

  /** Records a change; if that fails the change stands, so say so and keep the record in the function's log. */
  async function record(caller: Caller, action: RouteName, target: UserState, before: UserSnapshot, after: UserSnapshot): Promise<AuditRecord> {
    const entry: Omit<AuditRecord, 'id'> = {
      at: deps.now().toISOString(),
      action,
      actor: { sub: caller.sub, username: caller.username, ...(caller.email ? { email: caller.email } : {}) },
      target: { username: target.username, ...(target.email ? { email: target.email } : {}) },
      before,
      after,
    };
    try {
      return await audit.append(entry);
    } catch (error) {
      log.error('AUDIT RECORD NOT STORED', JSON.stringify(entry), error);
      throw new ApiError(500, 'AuditFailed', 'The change was made, but it could not be recorded in the audit log. It is in the server log; tell whoever runs this deployment.');
    }
  }

  const membership = (u: UserState): UserSnapshot => ({ groups: u.groups });
  const access = (u: UserState): UserSnapshot => ({ enabled: u.enabled, status: u.status });

  /**
   * A change to another user: before, the change, after, the record; nothing happens and nothing is
   * recorded when `unchanged`. A rule a simultaneous request can break between `check` and `apply`
   * is asked again once the change is made (`recheck`): its refusal undoes the change (`undo`) and
   * is the answer, and nothing is recorded.
   */
  async function change(
    request: Request,
    action: RouteName,
    options: {
      snapshot: (u: UserState) => UserSnapshot;
      unchanged?: (u: UserState) => boolean;
      check?: (u: UserState) => Promise<void> | void;
      apply: (username: string) => Promise<void>;
      recheck?: (u: UserState) => Promise<ApiError | undefined>;
      undo?: (username: string) => Promise<void>;
      event?: string;
    },
  ) {
    const before = await directory.user(request.params.username);
    await options.check?.(before);
    if (options.unchanged?.(before)) return { user: publicView(before), changed: false };
    await options.apply(before.username);
    const refusal = await options.recheck?.(before);
    if (refusal) {
      try {
        await options.undo!(before.username);
      } catch (error) {
        // The change stands after all: it is recorded, and whoever runs the deployment must look.
        log.error(`admin-api: ${action} of ${before.username} broke a rule once made (${refusal.code}) and could not be undone:`, error);
        const after = await directory.user(before.username);
        await record(request.caller, action, after, options.snapshot(before), options.snapshot(after));
        throw new ApiError(
          500,
          'UndoFailed',
          `The change was made, then had to be undone (${refusal.message}), and undoing it failed: it stands, and is in the audit log. Check who in ${ADMIN_GROUP} can still sign in.`,
        );
      }
      throw refusal;
    }
    const after = await directory.user(before.username);
    const afterSnapshot = { ...options.snapshot(after), ...(options.event ? { event: options.event } : {}) };
    await record(request.caller, action, after, options.snapshot(before), afterSnapshot);
    return { user: publicView(after), changed: true };
  }

  /**
   * ADMINS keeps a member who can sign in (enabled): nobody could make one from the app again.
   * Removing from ADMINS and disabling check this before the change, and again after it: Lambda
   * runs requests in parallel (on AWS too) and Cognito has no transactions, so two requests (two
   * administrators removing each other, or themselves; a removal and a disable) can both pass the
   * first check before either changes anything. After the change, each re-reads ADMINS and undoes
   * its own change if nobody there can sign in. Why that holds in every interleaving: every change
   * that can take someone out of "in ADMINS and enabled" re-reads after it is made. Take the last
   * re-read that found such a member, m; whoever takes m out later re-reads later still, so finds
   * nobody, and puts m back — so m remains. Both requests may be refused (each re-read after both
   * changes): both undone, nothing lost; they can be retried. It relies on Cognito's reads seeing
   * the writes it has already answered (read-after-write), which AWS does not document either way.
   */
  async function adminsWhoCanSignIn(): Promise<Member[]> {
    return (await directory.members(ADMIN_GROUP)).filter((m) => m.enabled);
  }

  async function knownGroup(group: string): Promise<void> {
    if (!(await directory.groupNames()).includes(group)) throw notFound('GroupNotFound', `There is no group ${group}.`);
  }

  const actions: Record<RouteName, Action> = {
    async listUsers({ query }) {
      const limit = pageLimit(query.limit, USERS_PAGE);
      return directory.listUsers({ filter: searchFilter(query.search), limit, next: query.next || undefined });
    },
    async addToGroup(request) {
      const { group } = request.params;
      await knownGroup(group);
      return change(request, 'addToGroup', {
        snapshot: membership,
        unchanged: (u) => u.groups.includes(group),
        apply: (username) => directory.addToGroup(username, group),
      });
    },
    async removeFromGroup(request) {
      const { group } = request.params;
      await knownGroup(group);
      return change(request, 'removeFromGroup', {
        snapshot: membership,
        unchanged: (u) => !u.groups.includes(group),
        async check(u) {
          if (group !== ADMIN_GROUP || !u.groups.includes(ADMIN_GROUP)) return;
          const others = (await directory.members(ADMIN_GROUP)).filter((m) => m.username !== u.username);
          if (others.some((m) => m.enabled)) return;
          throw conflict(
            'LastAdmin',
            others.length === 0
              ? `${label(u)} is the last member of ${ADMIN_GROUP}: make someone else an administrator first.`
              : `${label(u)} is the last member of ${ADMIN_GROUP} who can sign in (the others are disabled): make someone else an administrator first.`,
          );
        },
        apply: (username) => directory.removeFromGroup(username, group),
        async recheck(u) {
          if (group !== ADMIN_GROUP || (await adminsWhoCanSignIn()).length > 0) return undefined;
          return conflict(
            'LastAdmin',
            `${label(u)} was not removed: changes made at the same moment left nobody else in ${ADMIN_GROUP} who can sign in. ${label(u)} is still an administrator.`,
          );
        },
        undo: (username) => directory.addToGroup(username, group),
      });
    },
    disableUser: (request) =>
      change(request, 'disableUser', {
        snapshot: access,
        check(u) {
          if (u.groups.includes(ADMIN_GROUP)) throw adminCannotBeDisabled(u);
        },
        unchanged: (u) => !u.enabled,
        apply: (username) => directory.setEnabled(username, false),
        async recheck(u) {
          // Made an administrator meanwhile, or the last one who could sign in went meanwhile.
          const admins = await directory.members(ADMIN_GROUP);
          if (admins.some((m) => m.username === u.username)) return adminCannotBeDisabled(u);
          if (admins.some((m) => m.enabled)) return undefined;
          return conflict(
            'LastAdmin',
            `${label(u)} was not disabled: changes made at the same moment left nobody in ${ADMIN_GROUP} who can sign in. Try again in a moment.`,
          );
        },
        undo: (username) => directory.setEnabled(username, true),
      }),
    enableUser: (request) =>
      change(request, 'enableUser', {
        snapshot: access,
        unchanged: (u) => u.enabled,
        apply: (username) => directory.setEnabled(username, true),
      }),
    resetPassword: (request) =>
      change(request, 'resetPassword', {
        snapshot: access,
        apply: (username) => directory.resetPassword(username),
        event: 'A password reset code was sent; the old password no longer signs in.',
      }),
    signOutEverywhere: (request) =>
      change(request, 'signOutEverywhere', {
        snapshot: access,
        apply: (username) => directory.signOutEverywhere(username),
        event: 'Every session was ended; the person signs in again on each device.',
      }),
    async readAuditLog({ query }) {
      return audit.read({ limit: pageLimit(query.limit, AUDIT_PAGE), next: query.next || undefined });
    },
    async changeOwnBirthdate({ caller, body }) {
      // People cannot write the attribute themselves (the app client's WriteAttributes): this is the way.
      const birthdate = body.birthdate;
      if (typeof birthdate !== 'string' && birthdate !== null) {
        throw badRequest('InvalidBirthdate', 'Send your birth date as {"birthdate": "YYYY-MM-DD"}, or {"birthdate": null} to remove it.');
      }
      if (birthdate !== null) {
        // The same rule as sign-up (the pre sign-up trigger's): one implementation.
        const problem = birthdateProblem(birthdate, deps.now());
        if (problem) throw badRequest('InvalidBirthdate', problem);
      }
      const before = await directory.user(caller.username);
      if ((before.birthdate ?? null) === birthdate) return { birthdate, changed: false };
      await directory.setBirthdate(caller.username, birthdate);
      await record(caller, 'changeOwnBirthdate', before, { birthdate: before.birthdate ?? null }, { birthdate });
      return { birthdate, changed: true };
    },
    async publishOwnerName({ caller }) {
      if (!caller.idToken || !caller.issuer) throw new ApiError(401, 'Unauthorized', 'Sign in again: this request carries no verified identity.');
      // Whose folders: the identity pool's answer for this very token. What they are called:
      // the email Cognito verified for this user now (not the token's copy, which may be older).
      const [identityId, user] = await Promise.all([deps.owners.identityIdOf(caller.idToken, caller.issuer), directory.user(caller.username)]);
      // Shown to others as their owner: never in a form that could pass for someone else's address.
      const name = user.emailVerified && user.email ? displayedOwnerName(user.email) : null;
      await deps.owners.publish({ identityId, name, updatedAt: deps.now().toISOString() });
      return { identityId, name };
    },
  };

  return async function handle(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const cors = corsHeaders(event, deps.allowedOrigins);
    try {
      const route = ROUTES.find((r) => r.method === event.httpMethod && r.resource === event.resource);
      if (!route) throw notFound('NoSuchRoute', `There is no ${event.httpMethod} ${event.resource} here.`);
      const caller = callerOf(event);
      if (route.admin && !caller.groups.includes(ADMIN_GROUP)) {
        throw forbidden(`Only members of ${ADMIN_GROUP} may do this. If you were just made one, sign out and in again.`);
      }
      const request: Request = {
        caller,
        params: (event.pathParameters ?? {}) as Record<string, string>,
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
        body: parseBody(event),
      };
      return respond(200, await actions[route.name](request), cors);
    } catch (error) {
      const known = error instanceof ApiError ? error : fromCognito(error);
      if (known) return respond(known.status, known.body, cors);
      log.error(`admin-api ${event.httpMethod} ${event.resource} failed:`, error);
      return respond(500, { code: 'InternalError', message: 'Something went wrong on the server. Nothing may have changed; try again.' }, cors);
    }
  };
}

const label = (u: UserState) => u.email ?? u.username;

const adminCannotBeDisabled = (u: UserState) =>
  conflict('AdminCannotBeDisabled', `${label(u)} is an administrator: remove them from ${ADMIN_GROUP} before disabling them.`);

/** What a change route answers about its user (the birthdate stays out of admin views). */
function publicView({ birthdate: _birthdate, emailVerified: _emailVerified, ...user }: UserState) {
  return user;
}

function pageLimit(value: string | undefined, page: { default: number; max: number }): number {
  if (value === undefined || value === '') return page.default;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > page.max) {
    throw badRequest('InvalidLimit', `limit must be a whole number from 1 to ${page.max}.`);
  }
  return limit;
}

/**
 * The search box: the start of an email address, or of a phone number when
 * it starts with `+` (ListUsers filters on one attribute, by prefix).
 */
export function searchFilter(search: string | undefined): string | undefined {
  const text = search?.trim();
  if (!text) return undefined;
  if (text.length > 100 || /["\\\p{Cc}]/u.test(text)) {
    throw badRequest('InvalidSearch', 'Search for the start of an email address or phone number, without quotes or backslashes.');
  }
  return text.startsWith('+') ? `phone_number ^= "${text}"` : `email ^= "${text}"`;
}

function parseBody(event: APIGatewayProxyEvent): Record<string, unknown> {
  if (!event.body) return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('InvalidJson', 'The request body is not JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('InvalidJson', 'The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

function corsHeaders(event: APIGatewayProxyEvent, allowed: string[]): Record<string, string> {
  const origin = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'origin')?.[1];
  return origin && allowed.includes(origin) ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : { Vary: 'Origin' };
}

function respond(statusCode: number, body: unknown, headers: Record<string, string>): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { ...headers, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    body: JSON.stringify(body),
  };
}
