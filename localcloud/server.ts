import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join, resolve } from 'node:path';
import { type AmplifyApps, createAmplifyApps, createAmplifyService } from './amplify';
import { createApiGatewayService } from './apigateway';
import { installBootstrap, writeOperatorConfig } from './bootstrap';
import { createCognitoIdp, type CognitoIdp } from './cognito-idp';
import { createCognitoIdpAdmin } from './cognito-idp/admin/router';
import { createHostedUi } from './cognito-idp/hosted-ui';
import { createCognitoIdentityService } from './cognito-identity';
import { createIamServices, type IamServices } from './iam';
import { createIdentityProviders, type IdentityProvidersService } from './identity-providers';
import { createProviderRegistrations, type ProviderRegistrations } from './identity-providers/registrations';
import { createS3Service } from './s3';
import { refuseConnect } from './s3/errors';
import { createStsService } from './sts';
import { createLambdaApi } from './lambda/api';
import { CodeUpdates } from './lambda/code-updates';
import { consoleLog, type LogSink } from './lambda/runtime';
import { createLogsService, LogStore } from './logs';
import { createFunctionsService, type FunctionsService } from './lambda/service';
import { createAwsJsonAuth, createSsmService } from './ssm';
import { crossSiteRefusal, sendProtocolError, stampRequestId, wireProtocol, type WireProtocol } from './http/front-door';
import { answerPreflight, applyCors, isLoopbackHost, isLoopbackOrigin, requestPath, sendAwsJsonError, sendJson } from './http/http';
import { createQueryProtocolFallback } from './http/query-protocol';
import { createCloudFormationService } from './cloudformation';
import { createEngine } from './cloudformation/engine';
import { emptyAssemblyLike, forgetOwnedState, keepRuntimeRoles, readObjectBytes } from './cloudformation/target';
import { assetFolder } from './cloudformation/unzip';
import { loadCloudAssembly, unionOfAssemblies } from './provisioning/cloud-assembly';
import type { ProvisionedAssembly } from './provisioning/types';
import { type ActivityLog, createActivityLog, refusalOf } from './services/activity';
import { systemClock, type Clock } from './services/clock';
import { loadKeys, type Keys } from './services/keys';
import { createOutbox, outboxPage, type Outbox } from './services/outbox';
import type { Triggers } from './services/triggers';
import { SecretStore } from './secrets/secret-store';
import { openStore, type Store } from './store/store';
import { loadLoopbackTls, type LoopbackTls } from './tls/local-ca';

/**
 * The local cloud's HTTP server: one listener on loopback, dispatching each
 * request to the first registered service that claims it.
 */
export const DEFAULT_PORT = 20005;
export const DEFAULT_HOST = '127.0.0.1';
/** The user pool's domain (hosted UI, OAuth 2.0 endpoints): HTTPS on loopback, as aws-amplify always calls it. */
export const DEFAULT_OAUTH_PORT = 20443;

/** One AWS service (or the local cloud's own endpoints) behind the shared listener. */
export interface LocalCloudService {
  name: string;
  matches(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void;
  /** Forgets the service's state outside SQLite (files), on POST /_localcloud/reset. */
  reset?(): void | Promise<void>;
  /**
   * Requests the service answers whatever page sent them, CORS included
   * (API Gateway: each API's own CORS configuration; its authorizer's token
   * is the protection, as on AWS). The front door's cross-site refusal and
   * generic CORS do not apply to them; the Host check does.
   */
  answersAnyOrigin?(req: IncomingMessage): boolean;
}

/** What services are built from: shared state, the provisioned backend, and each other's in-process APIs. */
export interface ServiceContext {
  stateDir: string;
  store: Store;
  clock: Clock;
  keys: Keys;
  assembly: ProvisionedAssembly;
  outbox: Outbox;
  /** The console's events: trigger runs, codes sent, requests refused (main.ts prints them). */
  activity: ActivityLog;
  /** Lambda triggers; the functions service replaces the no-op default. */
  triggers: Triggers;
  /** `http://localhost:<port>`, known once listening. */
  url(): string;
  /** `https://localhost:<oauthPort>`: the user pools' domain, when a pool has one (else ''). */
  oauthUrl(): string;
  cognitoIdp: CognitoIdp;
  /** Roles, temporary credentials and policy evaluation (localcloud/iam). */
  iam: IamServices;
  /** The backend's Lambda functions (user-pool triggers run on them). */
  functions: FunctionsService;
  /** API Gateway's integration timeout, when a test shortens it (default 29 s). */
  apiIntegrationTimeoutMs?: number;
  /** CloudWatch Logs: the functions' output, one group per function (`/aws/lambda/<name>`). */
  logs: LogStore;
  /** Function code set by UpdateFunctionCode, kept in the state folder (outlives rebuilds and restarts). */
  codeUpdates: CodeUpdates;
  /** The pools' social identity providers as registered apps, secrets from `npm run secret` (localcloud/identity-providers). */
  providerRegistrations: ProviderRegistrations;
  /** Amplify Hosting's apps and branches (`ampx pipeline-deploy --app-id --branch` deploys to one). */
  amplifyApps: AmplifyApps;
}

/**
 * THE REGISTRATION LIST: every service of the local cloud, in dispatch order.
 * Add yours here; S3 stays last, it answers every request nobody else claims.
 */
function registerServices(ctx: ServiceContext, all: () => LocalCloudService[]): LocalCloudService[] {
  const cognitoIdentity = createCognitoIdentityService({
    assembly: ctx.assembly,
    db: ctx.store.db,
    iam: ctx.iam,
    now: () => ctx.clock.now(),
    verifyIdToken: async (token) => (await ctx.cognitoIdp.verifyToken(token, 'id')).claims,
    signingKey: ctx.keys.signing,
  });
  const s3 = createS3Service({ assembly: ctx.assembly, db: ctx.store.db, stateDir: ctx.stateDir, iam: ctx.iam, now: () => ctx.clock.now() });
  return [
    localCloudEndpoints(ctx, all), // GET /_localcloud/outbox, POST /_localcloud/reset
    // Admin* / List* / GetGroup: SigV4 + IAM; before cognito-idp, which answers the user-facing operations.
    createCognitoIdpAdmin({ services: ctx.cognitoIdp.services, auth: jsonAuth(ctx), region: ctx.assembly.region, accountId: ctx.assembly.accountId }),
    { name: 'cognito-idp', matches: ctx.cognitoIdp.matches, handle: ctx.cognitoIdp.handle }, // AWSCognitoIdentityProviderService.*, JWKS
    createSsmService({ assembly: ctx.assembly, stateDir: ctx.stateDir, auth: jsonAuth(ctx) }), // AmazonSSM.*
    cognitoIdentity, // AWSCognitoIdentityService.*
    createStsService({ iam: ctx.iam, now: () => ctx.clock.now(), verifyWebIdentityToken: cognitoIdentity.verifyOpenIdToken }), // query protocol (Action=...), signed for sts or unsigned
    createQueryProtocolFallback(), // Action=...&Version=... no service above claims (IAM, CloudFormation): XML 501
    createApiGatewayService({
      assembly: ctx.assembly,
      verifyToken: (token, use) => ctx.cognitoIdp.verifyToken(token, use),
      runtime: ctx.functions.runtime,
      now: () => ctx.clock.now(),
      activity: ctx.activity,
      integrationTimeoutMs: ctx.apiIntegrationTimeoutMs,
    }), // /_aws/execute-api/<apiId>/<stage>/<path>: the REST APIs
    // /2015-03-31/functions/<name>...: GetFunction(Configuration), UpdateFunctionCode (the toolkit's hotswap)
    createLambdaApi({ runtime: ctx.functions.runtime, auth: jsonAuth(ctx), objects: s3.objects, region: ctx.assembly.region, accountId: ctx.assembly.accountId, codeUpdates: ctx.codeUpdates, now: () => ctx.clock.now() }),
    createLogsService({ store: ctx.logs, auth: jsonAuth(ctx), region: ctx.assembly.region, accountId: ctx.assembly.accountId }), // Logs_20140328.*
    // /apps...: signed for amplify (an unsigned or S3-signed /apps is the bucket `apps`)
    createAmplifyService({ apps: ctx.amplifyApps, auth: jsonAuth(ctx), region: ctx.assembly.region, accountId: ctx.assembly.accountId }),
    s3, // everything else, path-style
  ];
}

export interface StartOptions {
  stateDir: string;
  assemblyDir: string;
  /** Default 20005; 0 picks a free port (tests). */
  port?: number;
  /** Default 127.0.0.1: loopback only. */
  host?: string;
  /**
   * The HTTPS port of the user pools' domain (hosted UI and OAuth 2.0
   * endpoints), served when a pool has an AWS::Cognito::UserPoolDomain.
   * Default 20443, or a free port when `port` is 0; `false`: not served.
   */
  oauthPort?: number | false;
  clock?: Clock;
  triggers?: Triggers;
  /** Where the functions' log lines go (default: the console, tagged with each function's name). */
  functionLog?: LogSink;
  /** API Gateway's integration timeout (default 29 s; tests shorten it). */
  apiIntegrationTimeoutMs?: number;
  /** Told of the local cloud's own work (bench/): each request it answered and each stack operation, `performance.now()` at start and end. */
  onWork?: WorkTiming;
}

/** A span of the local cloud's work: `what` is the service and operation (e.g. `cloudformation DescribeStacks`) or `cloudformation deploy <stack>`. */
export type WorkTiming = (span: { what: string; start: number; end: number }) => void;

export interface LocalCloud {
  url: string;
  port: number;
  /** `https://localhost:<port>` of the hosted UI, '' when no pool has a domain. */
  oauthUrl: string;
  /** The local CA and the hosted UI's certificate, when it is served. */
  tls?: LoopbackTls;
  /** The emulated Google, Apple, Amazon and Facebook under `/_providers/`, when the HTTPS listener is served. */
  identityProviders?: IdentityProvidersService;
  context: ServiceContext;
  cognitoIdp: CognitoIdp;
  outbox: Outbox;
  /** One event per trigger run, code sent and request refused (`formatActivity` words each as a line). */
  activity: ActivityLog;
  /** The registered services, in dispatch order (tests reach a service's in-process side, e.g. S3's object store). */
  services: readonly LocalCloudService[];
  close(): Promise<void>;
}

export async function startLocalCloud(options: StartOptions): Promise<LocalCloud> {
  const stateDir = resolve(options.stateDir);
  const assemblyDir = resolve(options.assemblyDir);
  if (!existsSync(join(assemblyDir, 'manifest.json'))) {
    throw new Error(`No cloud assembly at ${assemblyDir}. Run \`npm run synth\` first, or pass --assembly <dir>.`);
  }
  const startupAssembly = loadCloudAssembly(assemblyDir);
  const store = openStore(stateDir);
  const clock = options.clock ?? systemClock;
  const keys = loadKeys(store);
  const outbox = createOutbox(store, clock);
  let url = '';
  let oauthUrl = '';

  const activity = createActivityLog();
  outbox.onMessage((message) => activity.emit({ kind: 'code', message }));
  // The functions' log groups outlive a rebuild, as CloudWatch Logs outlives a deployment.
  const logs = new LogStore(() => clock.now());
  const functionLog = options.functionLog ?? consoleLog;
  const codeUpdates = new CodeUpdates(stateDir);
  const amplifyApps = createAmplifyApps({ store, region: startupAssembly.region, accountId: startupAssembly.accountId, now: () => clock.now() });
  const base = { stateDir, store, clock, keys, outbox, activity, logs, codeUpdates, amplifyApps, url: () => url, oauthUrl: () => oauthUrl, apiIntegrationTimeoutMs: options.apiIntegrationTimeoutMs };

  /**
   * One generation of the services, built from one provisioned account (the
   * startup assembly, or it with the stacks CloudFormation deployed) over the
   * same store: state is keyed by the deterministic ids, so what stays keeps
   * its users, identities and objects.
   */
  function build(assembly: ProvisionedAssembly): { ctx: ServiceContext; services: LocalCloudService[] } {
    const next = { ...base, assembly } as ServiceContext;
    next.iam = createIamServices(assembly, store.db, () => clock.now());
    installBootstrap(next.iam, stateDir); // the CDK bootstrap roles and the operator key (profile `localcloud`)
    next.functions = createFunctionsService({ assembly, endpointUrl: () => url, issueCredentials: (input) => next.iam.issueRoleCredentials(input),
      // Each line also goes to the function's log group, for FilterLogEvents (`ampx sandbox --stream-function-logs`).
      log: (fn, line, stream) => {
        logs.append(`/aws/lambda/${fn.name}`, line);
        functionLog(fn, line, stream);
      },
      onTriggerRun: (run) => activity.emit({ kind: 'trigger', ...run }),
      codeUpdates,
    });
    for (const fn of next.functions.runtime.functions) logs.declare(`/aws/lambda/${fn.name}`);
    next.triggers = options.triggers ?? next.functions.triggers;
    // Triggers are looked up at call time on the live context, so a service registered later (or a test) can replace them.
    const triggers: Triggers = { invoke: (...args) => (ctx.triggers ?? next.triggers).invoke(...args) };
    next.providerRegistrations = createProviderRegistrations({ assembly, secrets: new SecretStore(stateDir), stateDir });
    next.cognitoIdp = createCognitoIdp({ store, clock, keys, outbox, triggers, assembly, baseUrl: () => url, oauthUrl: () => oauthUrl });
    let built: LocalCloudService[] = [];
    built = registerServices(next, () => built);
    return { ctx: next, services: [...built.slice(0, 1), cloudFormation, ...built.slice(1)] };
  }

  const ctx = {} as ServiceContext;
  let services: LocalCloudService[] = [];
  let startupShadowed = false;
  const cloudFormation = createCloudFormationService({
    iam: () => ctx.iam,
    now: () => clock.now(),
    engine: createEngine({
      stateDir,
      now: () => clock.now(),
      onWork: options.onWork,
      target: {
        region: startupAssembly.region,
        accountId: startupAssembly.accountId,
        apply(deployed) {
          // A stack deployed under the startup assembly's name (`ampx sandbox` of the same backend) takes its place.
          if (deployed.some((a) => a.rootStackName === startupAssembly.rootStackName)) startupShadowed = true;
          const all = startupShadowed ? deployed : [startupAssembly, ...deployed];
          const generation = build(all.length > 0 ? unionOfAssemblies(all[0], all.slice(1)) : emptyAssemblyLike(startupAssembly));
          keepRuntimeRoles(ctx, generation.ctx);
          const retired = ctx.functions;
          Object.assign(ctx, generation.ctx);
          services = generation.services; // the dispatcher reads the list per request: swapped at once
          if (hostedUi) hostedUi = hostedUiServices();
          void retired.close().catch((error: unknown) => console.error('localcloud: stopping the replaced functions failed:', error));
        },
        forget: (owned) => {
          forgetOwnedState(store, owned, services);
          codeUpdates.forget(owned.ofType('AWS::Lambda::Function').map((r) => r.ref));
        },
        readObject: (bucket, key) => readObjectBytes(services, bucket, key),
        // A code zip's folder: the startup assembly's (same content hash), else the zip unpacked into the state folder.
        assetPath: (key) => startupAssembly.assetPath(key) ?? (existsSync(assetFolder(stateDir, key)) ? assetFolder(stateDir, key) : undefined),
        report: (stackName, status, summary) => activity.emit({ kind: 'deploy', stackName, status, summary }),
        linkBranch: (appId, branchName, stackArn) => void amplifyApps.linkStack(appId, branchName, stackArn),
      },
    }),
  });
  {
    const deployed = cloudFormation.engine.deployedAssemblies();
    if (deployed.some((a) => a.rootStackName === startupAssembly.rootStackName)) startupShadowed = true;
    const all = startupShadowed ? deployed : [startupAssembly, ...deployed];
    const first = build(unionOfAssemblies(all[0], all.slice(1)));
    Object.assign(ctx, first.ctx);
    services = first.services;
  }
  let hostedUi: LocalCloudService[] | undefined;

  const listener = dispatcher({ listenHost: options.host, activity, services: () => services, protocolOf: wireProtocol, servicePreflight: isBucketPreflight, onWork: options.onWork });

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
  // 127.0.0.1, not localhost: the toolkit's S3 client would put the bucket in the host name (<bucket>.localhost).
  writeOperatorConfig(stateDir, { region: startupAssembly.region, endpointUrl: `http://${host === '::1' ? '[::1]' : host}:${port}` });

  // The pools' domain: HTTPS with the state folder's local CA, behind the same front-door checks.
  let tls: LoopbackTls | undefined;
  let identityProviders: IdentityProvidersService | undefined;
  const oauthPort = options.oauthPort ?? (options.port === 0 ? 0 : DEFAULT_OAUTH_PORT);
  if (oauthPort !== false && ctx.cognitoIdp.pools.all().some((pool) => pool.domain)) {
    tls = loadLoopbackTls(stateDir, clock.now());
    identityProviders = createIdentityProviders({ registrations: ctx.providerRegistrations, store, clock, oauthUrl: () => oauthUrl });
    hostedUi = hostedUiServices();
    const secure = dispatcher({ listenHost: options.host, activity, services: () => hostedUi ?? [], protocolOf: () => 'json', servicePreflight: () => false });
    const serveSecure = () =>
      createHttpsServer({ key: tls!.key, cert: tls!.cert }, secure).on('connect', (req: IncomingMessage, socket: Duplex) => refuseConnect(socket, req.url ?? ''));
    const first = serveSecure();
    await listen(first, oauthPort, host);
    const securePort = (first.address() as AddressInfo).port;
    servers.push(first);
    if (host === DEFAULT_HOST) {
      const ipv6 = serveSecure();
      await listen(ipv6, securePort, '::1').then(() => servers.push(ipv6), () => undefined);
    }
    oauthUrl = `https://localhost:${securePort}`;
  }

  // The emulated providers first: the hosted UI answers every other path.
  function hostedUiServices(): LocalCloudService[] {
    return [identityProviders!, createHostedUi({ services: ctx.cognitoIdp.services, registrations: ctx.providerRegistrations, origin: () => oauthUrl, ca: tls!.caCertificate })];
  }

  return {
    url,
    port,
    oauthUrl,
    tls,
    identityProviders,
    context: ctx,
    get cognitoIdp() {
      return ctx.cognitoIdp;
    },
    outbox,
    activity,
    get services() {
      return services;
    },
    async close() {
      await cloudFormation.engine.settled();
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
 * One listener's request handling (the HTTP listener's and the hosted UI's
 * HTTPS one): a single Host header naming loopback (DNS rebinding), no page
 * of another site, CORS for loopback origins, then the first service that
 * claims the request.
 */
function dispatcher(options: {
  listenHost?: string;
  /** Told of each request refused (4xx), with the service's reason. */
  activity?: ActivityLog;
  services: () => LocalCloudService[];
  /** The protocol the server's own refusals are worded in. */
  protocolOf: (req: IncomingMessage) => WireProtocol;
  /** Preflights a service answers itself (S3's bucket CORS). */
  servicePreflight: (req: IncomingMessage) => boolean;
  onWork?: WorkTiming;
}) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    let protocol: WireProtocol = 'json';
    const onWork = options.onWork;
    if (onWork) {
      const start = performance.now();
      res.once('close', () => onWork({ what: operationOf(req), start, end: performance.now() }));
    }
    try {
      protocol = options.protocolOf(req);
      stampRequestId(res, protocol);
      const activity = options.activity;
      if (activity) res.once('finish', () => reportRefusal(activity, req, res));
      const refuse = (message: string) => {
        req.resume();
        sendProtocolError(req, res, protocol, 403, { json: 'AccessDeniedException', xml: 'AccessDenied' }, message);
      };
      if (hostHeaderCount(req) !== 1) {
        // Two Host headers name two targets (request smuggling; a rebinding check read on the wrong one).
        res.setHeader('Connection', 'close');
        return sendProtocolError(req, res, protocol, 400, { json: 'BadRequest', xml: 'InvalidRequest' }, 'An HTTP/1.1 request must carry exactly one Host header.');
      }
      if (!isLoopbackHost(req.headers.host, options.listenHost)) {
        return refuse(`The local cloud only answers requests addressed to localhost, not ${String(req.headers.host).slice(0, 200)}.`);
      }
      // API Gateway answers every site, with each API's own CORS; its authorizer's token is the protection.
      const open = options.services().find((s) => s.answersAnyOrigin?.(req));
      if (open) return await open.handle(req, res);
      // Before anything acts: a page of another site may neither change nor read the local cloud.
      const crossSite = crossSiteRefusal(req, options.listenHost);
      if (crossSite) return refuse(crossSite);
      applyCors(req, res);
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] && !options.servicePreflight(req)) {
        return answerPreflight(req, res);
      }
      const service = options.services().find((s) => s.matches(req));
      if (!service) return sendAwsJsonError(res, 404, 'UnknownOperationException', `The local cloud has no service for ${req.method} ${req.url}.`);
      await service.handle(req, res);
    } catch (error) {
      // The last resort (for everything above): every service answers its own errors, so reaching here is a bug to fix.
      console.error(`localcloud: ${req.method} ${req.url} failed (unhandled, answered 500):`, error);
      sendProtocolError(req, res, protocol, 500, { json: 'InternalFailure' }, 'The local cloud failed to process the request; see its console.');
    }
  };
}

/** The operation a request asks for: X-Amz-Target's, else the method and path. */
function operationOf(req: IncomingMessage): string {
  const target = String(req.headers['x-amz-target'] ?? '');
  return target ? target.slice(target.lastIndexOf('.') + 1) : `${req.method} ${(req.url ?? '/').split('?')[0].slice(0, 120)}`;
}

/** A 4xx answer as one console event: the operation (X-Amz-Target, else method and path), the error and its message. */
function reportRefusal(activity: ActivityLog, req: IncomingMessage, res: ServerResponse): void {
  if (res.statusCode < 400 || res.statusCode >= 500) return;
  const operation = operationOf(req);
  const noted = refusalOf(res);
  const errorType = noted?.errorType ?? String(res.getHeader('x-amzn-errortype') ?? res.statusMessage ?? '');
  activity.emit({ kind: 'refused', operation, status: res.statusCode, errorType, message: noted?.message ?? '' });
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
      if (route === 'GET /_localcloud/outbox') {
        // A browser gets a readable page; tools (and fetch without Accept: text/html) the JSON.
        if (/\btext\/html\b/.test(req.headers.accept ?? '')) {
          res.writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'cache-control': 'no-store',
            // The codes are for the developer's eyes: no page may frame it (clickjacking), nothing on it runs.
            'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            'x-frame-options': 'DENY',
            'x-content-type-options': 'nosniff',
          });
          res.end(outboxPage(ctx.outbox.list()));
          return;
        }
        return sendJson(res, 200, ctx.outbox.list());
      }
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
