import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join, resolve } from 'node:path';
import { createCognitoIdp, type CognitoIdp } from './cognito-idp';
import { createCognitoIdpAdmin } from './cognito-idp/admin/router';
import { createCognitoIdentityService } from './cognito-identity';
import { createIamServices, type IamServices } from './iam';
import { createS3Service } from './s3';
import { refuseConnect } from './s3/errors';
import { createStsService } from './sts';
import type { LogSink } from './lambda/runtime';
import { createFunctionsService, type FunctionsService } from './lambda/service';
import { createAwsJsonAuth, createSsmService } from './ssm';
import { crossSiteRefusal, sendProtocolError, stampRequestId, wireProtocol, type WireProtocol } from './http/front-door';
import { answerPreflight, applyCors, isLoopbackHost, isLoopbackOrigin, requestPath, sendAwsJsonError, sendJson } from './http/http';
import { createQueryProtocolFallback } from './http/query-protocol';
import { loadCloudAssembly } from './provisioning/cloud-assembly';
import type { ProvisionedAssembly } from './provisioning/types';
import { systemClock, type Clock } from './services/clock';
import { loadKeys, type Keys } from './services/keys';
import { createOutbox, type Outbox } from './services/outbox';
import type { Triggers } from './services/triggers';
import { openStore, type Store } from './store/store';

/**
 * The local cloud's HTTP server: one listener on loopback, dispatching each
 * request to the first registered service that claims it.
 */
export const DEFAULT_PORT = 20005;
export const DEFAULT_HOST = '127.0.0.1';

/** One AWS service (or the local cloud's own endpoints) behind the shared listener. */
export interface LocalCloudService {
  name: string;
  matches(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void;
  /** Forgets the service's state outside SQLite (files), on POST /_localcloud/reset. */
  reset?(): void | Promise<void>;
}

/** What services are built from: shared state, the provisioned backend, and each other's in-process APIs. */
export interface ServiceContext {
  stateDir: string;
  store: Store;
  clock: Clock;
  keys: Keys;
  assembly: ProvisionedAssembly;
  outbox: Outbox;
  /** Lambda triggers; the functions service replaces the no-op default. */
  triggers: Triggers;
  /** `http://localhost:<port>`, known once listening. */
  url(): string;
  cognitoIdp: CognitoIdp;
  /** Roles, temporary credentials and policy evaluation (localcloud/iam). */
  iam: IamServices;
  /** The backend's Lambda functions (user-pool triggers run on them). */
  functions: FunctionsService;
}

/**
 * THE REGISTRATION LIST: every service of the local cloud, in dispatch order.
 * Add yours here; S3 stays last, it answers every request nobody else claims.
 */
function registerServices(ctx: ServiceContext, all: () => LocalCloudService[]): LocalCloudService[] {
  return [
    localCloudEndpoints(ctx, all), // GET /_localcloud/outbox, POST /_localcloud/reset
    // Admin* / List* / GetGroup: SigV4 + IAM; before cognito-idp, which answers the user-facing operations.
    createCognitoIdpAdmin({ services: ctx.cognitoIdp.services, auth: jsonAuth(ctx), region: ctx.assembly.region, accountId: ctx.assembly.accountId }),
    { name: 'cognito-idp', matches: ctx.cognitoIdp.matches, handle: ctx.cognitoIdp.handle }, // AWSCognitoIdentityProviderService.*, JWKS
    createSsmService({ assembly: ctx.assembly, stateDir: ctx.stateDir, auth: jsonAuth(ctx) }), // AmazonSSM.*
    createCognitoIdentityService({
      assembly: ctx.assembly,
      db: ctx.store.db,
      iam: ctx.iam,
      now: () => ctx.clock.now(),
      verifyIdToken: async (token) => (await ctx.cognitoIdp.verifyToken(token, 'id')).claims,
    }), // AWSCognitoIdentityService.*
    createStsService({ iam: ctx.iam, now: () => ctx.clock.now() }), // query protocol (Action=...), signed for sts or unsigned
    createQueryProtocolFallback(), // Action=...&Version=... no service above claims (IAM, CloudFormation): XML 501
    createS3Service({ assembly: ctx.assembly, db: ctx.store.db, stateDir: ctx.stateDir, iam: ctx.iam, now: () => ctx.clock.now() }), // everything else, path-style
  ];
}

export interface StartOptions {
  stateDir: string;
  assemblyDir: string;
  /** Default 20005; 0 picks a free port (tests). */
  port?: number;
  /** Default 127.0.0.1: loopback only. */
  host?: string;
  clock?: Clock;
  triggers?: Triggers;
  /** Where the functions' log lines go (default: the console, tagged with each function's name). */
  functionLog?: LogSink;
}

export interface LocalCloud {
  url: string;
  port: number;
  context: ServiceContext;
  cognitoIdp: CognitoIdp;
  outbox: Outbox;
  close(): Promise<void>;
}

export async function startLocalCloud(options: StartOptions): Promise<LocalCloud> {
  const stateDir = resolve(options.stateDir);
  const assemblyDir = resolve(options.assemblyDir);
  if (!existsSync(join(assemblyDir, 'manifest.json'))) {
    throw new Error(`No cloud assembly at ${assemblyDir}. Run \`npm run synth\` first, or pass --assembly <dir>.`);
  }
  const assembly = loadCloudAssembly(assemblyDir);
  const store = openStore(stateDir);
  const clock = options.clock ?? systemClock;
  const keys = loadKeys(store);
  const outbox = createOutbox(store, clock);
  let url = '';

  const ctx = { stateDir, store, clock, keys, assembly, outbox, url: () => url } as ServiceContext;
  ctx.iam = createIamServices(assembly, store.db, () => clock.now());
  ctx.functions = createFunctionsService({ assembly, endpointUrl: () => url, issueCredentials: (input) => ctx.iam.issueRoleCredentials(input), log: options.functionLog });
  ctx.triggers = options.triggers ?? ctx.functions.triggers;
  // Triggers are looked up at call time, so a service registered later can replace them.
  const triggers: Triggers = { invoke: (...args) => ctx.triggers.invoke(...args) };
  ctx.cognitoIdp = createCognitoIdp({ store, clock, keys, outbox, triggers, assembly, baseUrl: () => url });
  let services: LocalCloudService[] = [];
  services = registerServices(ctx, () => services);

  const listener = async (req: IncomingMessage, res: ServerResponse) => {
    let protocol: WireProtocol = 'json';
    try {
      protocol = wireProtocol(req);
      stampRequestId(res, protocol);
      const refuse = (message: string) => {
        req.resume();
        sendProtocolError(req, res, protocol, 403, { json: 'AccessDeniedException', xml: 'AccessDenied' }, message);
      };
      if (hostHeaderCount(req) !== 1) {
        // Two Host headers name two targets (request smuggling; a rebinding check read on the wrong one).
        res.setHeader('Connection', 'close');
        return sendProtocolError(req, res, protocol, 400, { json: 'BadRequest', xml: 'InvalidRequest' }, 'An HTTP/1.1 request must carry exactly one Host header.');
      }
      if (!isLoopbackHost(req.headers.host, options.host)) {
        return refuse(`The local cloud only answers requests addressed to localhost, not ${String(req.headers.host).slice(0, 200)}.`);
      }
      // Before anything acts: a page of another site may neither change nor read the local cloud.
      const crossSite = crossSiteRefusal(req, options.host);
      if (crossSite) return refuse(crossSite);
      applyCors(req, res);
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] && !isBucketPreflight(req)) {
        return answerPreflight(req, res);
      }
      const service = services.find((s) => s.matches(req));
      if (!service) return sendAwsJsonError(res, 404, 'UnknownOperationException', `The local cloud has no service for ${req.method} ${req.url}.`);
      await service.handle(req, res);
    } catch (error) {
      // The last resort: every service answers its own errors, so reaching here is a bug to fix.
      console.error(`localcloud: ${req.method} ${req.url} failed (unhandled, answered 500):`, error);
      sendProtocolError(req, res, protocol, 500, { json: 'InternalFailure' }, 'The local cloud failed to process the request; see its console.');
    }
  };

  const host = options.host ?? DEFAULT_HOST;
  const serve = () => createServer(listener).on('connect', (req: IncomingMessage, socket: Duplex) => refuseConnect(socket, req.url ?? ''));
  const primary = serve();
  await listen(primary, options.port ?? DEFAULT_PORT, host);
  const port = (primary.address() as AddressInfo).port;
  const servers = [primary];
  // "localhost" may resolve to ::1 first (browsers, Node's fetch): answer there too, still loopback only.
  if (host === DEFAULT_HOST) {
    const ipv6 = serve();
    await listen(ipv6, port, '::1').then(() => servers.push(ipv6), () => undefined);
  }
  url = `http://${host === DEFAULT_HOST || host === '::1' ? 'localhost' : host}:${port}`;

  return {
    url,
    port,
    context: ctx,
    cognitoIdp: ctx.cognitoIdp,
    outbox,
    async close() {
      await Promise.all(servers.map((s) => new Promise<void>((done) => {
        s.close(() => done());
        s.closeAllConnections();
      })));
      await ctx.functions.close();
      store.close();
    },
  };
}

/**
 * A preflight S3 answers from the bucket's CORS rules: not for an AWS JSON
 * service (those ask for x-amz-target) nor the local cloud's own endpoints,
 * and only from a loopback origin (foreign origins get the generic 403).
 */
function isBucketPreflight(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin && !isLoopbackOrigin(origin)) return false;
  if ((req.url ?? '/').startsWith('/_localcloud/')) return false;
  const requested = String(req.headers['access-control-request-headers'] ?? '').toLowerCase();
  return !requested.split(',').some((h) => h.trim() === 'x-amz-target');
}

function hostHeaderCount(req: IncomingMessage): number {
  let n = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() === 'host') n++;
  return n;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
}

/** SigV4 + IAM for the AWS JSON services (SSM, cognito-idp's administrative operations). */
function jsonAuth(ctx: ServiceContext) {
  return createAwsJsonAuth({ credentials: ctx.iam.credentials, authorizer: ctx.iam.authorizer, region: ctx.assembly.region, now: () => ctx.clock.now() });
}

/** The local cloud's own endpoints (like the Firebase emulators'): read the outbox, wipe the state. */
function localCloudEndpoints(ctx: ServiceContext, all: () => LocalCloudService[]): LocalCloudService {
  const path = requestPath;
  return {
    name: 'localcloud',
    matches: (req) => path(req).startsWith('/_localcloud/'),
    async handle(req, res) {
      const route = `${req.method} ${path(req)}`;
      if (route === 'GET /_localcloud/outbox') return sendJson(res, 200, ctx.outbox.list());
      if (route === 'POST /_localcloud/reset') {
        ctx.store.clear();
        for (const service of all()) await service.reset?.();
        // Warm function environments were issued credentials the wipe destroyed: restart them.
        ctx.functions.reset();
        return sendJson(res, 200, { reset: true });
      }
      sendAwsJsonError(res, 404, 'NotFound', `No local cloud endpoint ${route}.`);
    },
  };
}
