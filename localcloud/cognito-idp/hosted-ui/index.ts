import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody } from '../../http/http';
import type { ProviderRegistrations } from '../../identity-providers/registrations';
import type { Services } from '../services';
import { checkAuthorizeRequest, callbackUrl, sendRedirectMismatch, type AuthorizeRequest } from './authorize-request';
import { createAuthorizationCodes } from './codes';
import { createFederation, IDP_RESPONSE_PATH } from './federation';
import { clearSessionCookie, currentSession, grantCode, sendLoginPage, submitLogin, submitMfa, type LoginDeps } from './login';
import { OAuthError, sendOAuthError, sendOAuthJson } from './oauth-errors';
import { csrfMatches, redirect, sendErrorPage } from './pages';
import { revokeToken } from './revoke';
import { exchangeToken } from './token';
import { userInfo } from './user-info';

/**
 * The user pools' domain (Cognito's hosted UI and OAuth 2.0 endpoints), as
 * served on the HTTPS listener: /oauth2/authorize, the managed login page
 * (/login, /mfa), /oauth2/token, /oauth2/userInfo, /oauth2/revoke, /logout
 * /error, and sign-in through the pools' external identity providers
 * (`identity_provider=`, /oauth2/idpresponse: ./federation). The listener (server.ts) has already refused non-loopback
 * hosts and applied CORS for loopback origins.
 */
export const HOSTED_UI_PATHS = {
  authorize: '/oauth2/authorize',
  token: '/oauth2/token',
  userInfo: '/oauth2/userInfo',
  revoke: '/oauth2/revoke',
  logout: '/logout',
} as const;

const FORM_LIMIT = 16 * 1024;

export function createHostedUi(deps: {
  services: Services;
  /** The pools' social providers as registered apps (secrets resolved). */
  registrations?: ProviderRegistrations;
  /** `https://localhost:<port>`, once listening. */
  origin?: () => string;
  /** The local CA (PEM) that calls to the emulated providers trust. */
  ca?: string;
}) {
  const { services } = deps;
  const login: LoginDeps = { services, codes: createAuthorizationCodes(services.store, services.clock) };
  const federation = createFederation({ login, registrations: deps.registrations, origin: deps.origin ?? (() => 'https://localhost'), ca: deps.ca });

  const readForm = async (req: IncomingMessage) => new URLSearchParams((await readBody(req, FORM_LIMIT)).toString('utf8'));

  /** The authorization request a page carries in its query, or the answer that refuses it. */
  const authorizeRequest = (res: ServerResponse, url: URL): AuthorizeRequest | undefined => {
    const checked = checkAuthorizeRequest(services.pools, url.searchParams);
    if (checked.ok) return checked.request;
    checked.send(res);
    return undefined;
  };

  async function authorize(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const request = authorizeRequest(res, url);
    if (!request) return;
    if (request.externalProvider) return federation.start(res, request);
    const signedIn = currentSession(login, req, request);
    if (request.prompt.includes('none')) {
      if (!signedIn) return redirect(res, callbackUrl(request.redirectUri, { error: 'login_required', state: request.state }));
      return grantCode(login, res, request, signedIn.user, signedIn.session.authTime);
    }
    if (signedIn && !request.prompt.includes('login')) return grantCode(login, res, request, signedIn.user, signedIn.session.authTime);
    redirect(res, `/login?${request.query}`);
  }

  /** A form post of the login pages: the request in the query, then the CSRF token, then the step. */
  async function submit(req: IncomingMessage, res: ServerResponse, url: URL, step: 'login' | 'mfa'): Promise<void> {
    const form = await readForm(req);
    const request = authorizeRequest(res, url);
    if (!request) return;
    if (!csrfMatches(req, form)) return sendErrorPage(res, 403, 'invalid_request', 'The form expired or did not come from this page (CSRF token missing or wrong). Go back and sign in again.');
    if (step === 'login') return submitLogin(login, res, request, form);
    return submitMfa(login, req, res, request, form);
  }

  function logout(res: ServerResponse, url: URL): void {
    const params = url.searchParams;
    const clientId = params.get('client_id');
    if (!clientId) return sendErrorPage(res, 400, 'invalid_request', 'client_id is required.');
    const client = services.pools.all().flatMap((pool) => pool.clients).find((c) => c.clientId === clientId);
    if (!client) return sendErrorPage(res, 400, 'invalid_request', `Client ${clientId} does not exist.`);
    const logoutUri = params.get('logout_uri');
    if (logoutUri !== null) {
      if (!client.oauth.logoutUrls.includes(logoutUri)) return sendRedirectMismatch(res, clientId);
      return redirect(res, logoutUri, [clearSessionCookie()]);
    }
    if (params.has('redirect_uri') || params.has('response_type')) {
      // Sign out, then sign in again: the redirect_uri must be a callback URL, as for /oauth2/authorize.
      const checked = checkAuthorizeRequest(services.pools, params);
      if (!checked.ok) return checked.send(res);
      return redirect(res, `/login?${checked.request.query}`, [clearSessionCookie()]);
    }
    sendErrorPage(res, 400, 'invalid_request', 'logout_uri, or redirect_uri and response_type, are required.');
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const only = (...methods: string[]) => {
      if (methods.includes(method)) return true;
      res.writeHead(405, { Allow: methods.join(', '), 'Content-Length': '0' }).end();
      return false;
    };
    switch (path) {
      case HOSTED_UI_PATHS.authorize:
        return only('GET') ? authorize(req, res, url) : undefined;
      case '/login': {
        if (!only('GET', 'POST')) return;
        if (method === 'POST') return submit(req, res, url, 'login');
        const request = authorizeRequest(res, url);
        return request && sendLoginPage(res, request);
      }
      case '/mfa':
        return only('POST') ? submit(req, res, url, 'mfa') : undefined;
      case HOSTED_UI_PATHS.token:
        if (!only('POST')) return;
        return sendOAuthJson(res, 200, await exchangeToken(login, req, await readForm(req)));
      case HOSTED_UI_PATHS.userInfo:
        if (!only('GET', 'POST')) return;
        return sendOAuthJson(res, 200, await userInfo(services, req, method === 'POST' ? await readForm(req) : undefined));
      case HOSTED_UI_PATHS.revoke:
        if (!only('POST')) return;
        revokeToken(services, req, await readForm(req));
        return void res.writeHead(200, { 'Content-Length': '0', 'Cache-Control': 'no-store' }).end();
      case HOSTED_UI_PATHS.logout:
        return only('GET') ? logout(res, url) : undefined;
      case '/error':
        return sendErrorPage(res, 400, url.searchParams.get('error') ?? 'error', 'The request was refused; see the error above.');
      case IDP_RESPONSE_PATH:
        // Apple answers by form_post; the others by redirect.
        if (!only('GET', 'POST')) return;
        return federation.respond(res, method === 'POST' ? await readForm(req) : url.searchParams);
      default:
        return sendErrorPage(res, 404, 'not_found', `There is no page at ${path}.`);
    }
  }

  return {
    name: 'cognito-idp hosted UI',
    matches: () => true,
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      try {
        await route(req, res);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return sendOAuthError(res, new OAuthError('invalid_request', error.message, 413));
        if (!(error instanceof OAuthError)) throw error;
        if (error.status === 401) {
          const challenge = `Bearer error="${error.error}", error_description="${error.description ?? ''}"`;
          return sendOAuthJson(res, 401, { error: error.error, error_description: error.description }, { 'WWW-Authenticate': challenge });
        }
        sendOAuthError(res, error);
      }
    },
  };
}
