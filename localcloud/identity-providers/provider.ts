import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, sendPage } from '../cognito-idp/hosted-ui/pages';
import type { Clock } from '../services/clock';
import type { ProviderAccount, ProviderAccounts, ProviderSlug } from './accounts';
import type { ProviderGrant, ProviderGrants } from './grants';
import { PROVIDER_PATH_PREFIX, type ProviderRegistration, type ProviderRegistrations, type SocialProviderType } from './registrations';

/**
 * What every emulated provider is made of: the shared authorization flow
 * (client, redirect URI, the sign-in page, codes) in ./authorize.ts, and
 * per provider its own wire — how it checks an authorization request, how
 * it answers the browser (a redirect, Apple's form_post), its token and
 * profile endpoints and the shape of its errors.
 */
export interface ProviderContext {
  registrations: ProviderRegistrations;
  accounts: ProviderAccounts;
  grants: ProviderGrants;
  clock: Clock;
  /** `https://localhost:<port>`, the HTTPS listener's origin. */
  oauthUrl(): string;
}

/** An authorization request that passed the client and redirect URI checks. */
export interface AuthorizeRequest {
  registration: ProviderRegistration;
  clientId: string;
  redirectUri: string;
  state?: string;
  nonce?: string;
  scopes: string[];
  responseType: string;
  prompt: string[];
  loginHint?: string;
  /** The request's parameters, carried by the sign-in page's forms. */
  query: URLSearchParams;
}

/** What the provider checked of the request beyond client and redirect URI; or why it refuses it. */
export type AuthorizeCheck =
  | { ok: true; scopes: string[]; responseType: string; prompt: string[] }
  | { ok: false; error: string; description: string; /** shown on the provider's page rather than sent back */ onPage: boolean };

/** The end of an authorization: a code for the person, or an error for the client. */
export type Outcome =
  | { code: string; grant: ProviderGrant; account: ProviderAccount }
  | { error: string; description?: string };

/** A route of a provider: its path under `/_providers/<slug>` and handler. */
export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export interface ProviderProtocol {
  slug: ProviderSlug;
  type: SocialProviderType;
  /** `Google`, `Sign in with Apple`… */
  title: string;
  /** The authorize path under the provider's base. */
  authorizePath: string;
  codeTtlMs: number;
  /** What the provider's codes start with (Google's `4/0A`). */
  codePrefix?: string;
  checkAuthorize(params: URLSearchParams): AuthorizeCheck;
  /** Whether the provider tells whether the email is verified (Google, Apple): the page then asks. */
  assertsEmailVerified: boolean;
  /** A hint the sign-in page gives about this provider's accounts. */
  pageNote?: string;
  /** prompt=none and nobody to pick without a click: the provider's error. */
  interactionRequired?: string;
  /** The person cancelled on the page: the provider's error. */
  cancelled: { error: string; description?: string };
  /** Sends the browser back to the client with the outcome. */
  deliver(res: ServerResponse, request: AuthorizeRequest, outcome: Outcome): Promise<void> | void;
  /** The heading of its error page (default `Error 400: redirect_uri_mismatch`). */
  refusalPage?(status: number, error: string): string;
  /** The provider's other endpoints, by `METHOD path` (path under the provider's base). */
  routes: Record<string, Route>;
  /** An error of the request body or form (too large, wrong content type) in the provider's JSON shape. */
  requestError(message: string, status?: number): ProviderError;
}

/**
 * The one error type of the emulated providers: the status and the JSON body
 * in the provider's own shape (Google's and Apple's `{"error": …}`, Amazon's,
 * Facebook's `{"error": {"message", "type", "code"}}`).
 */
export class ProviderError extends Error {
  constructor(
    readonly status: number,
    readonly body: object,
    readonly headers: Record<string, string> = {},
  ) {
    super(JSON.stringify(body));
  }
}

export const providerBase = (slug: ProviderSlug) => `${PROVIDER_PATH_PREFIX}/${slug}`;

/**
 * Where a provider page's forms may end up (CSP form-action, which Chromium
 * enforces on every redirect of a form's navigation): the provider answers
 * Cognito's /oauth2/idpresponse (`redirectUri`), which sends the person on to
 * the app's callback URL — an origin the provider cannot know, on loopback
 * offline (the app's callbacks elsewhere are unreachable here anyway). No
 * `[::1]`: a CSP host source cannot be an IPv6 literal (Chromium reports
 * it as invalid in the console of every provider page and ignores it).
 */
export function formTargetsAfter(redirectUri: string): string[] {
  return [new URL(redirectUri).origin, 'http://localhost:*', 'https://localhost:*', 'http://127.0.0.1:*'];
}

/** The page title naming the provider as emulated. */
export const pageTitle = (provider: ProviderProtocol) => `${provider.title} (emulated)`;

/** The provider's own error page, e.g. Google's "Error 400: redirect_uri_mismatch". */
export function sendProviderErrorPage(res: ServerResponse, provider: ProviderProtocol, status: number, error: string, description: string): void {
  const heading = provider.refusalPage?.(status, error) ?? `Error ${status}: ${error}`;
  sendPage(
    res,
    pageTitle(provider),
    `<p class="error" role="alert"><strong>${escapeHtml(heading)}</strong></p><p>${escapeHtml(description)}</p>` +
      `<p class="note">This is the local cloud's emulated ${escapeHtml(provider.title)}; the app that sent you here made a request it does not accept.</p>`,
    { status },
  );
}

/** The registration of a provider type whose client id is `clientId`. */
export function findRegistration(ctx: ProviderContext, type: SocialProviderType, clientId: string | undefined): ProviderRegistration | undefined {
  if (!clientId) return undefined;
  return ctx.registrations.all().find((r) => r.providerType === type && r.details.client_id === clientId);
}

/** The only redirect URI the emulated providers accept: Cognito's /oauth2/idpresponse on this listener. */
export function isCognitoRedirectUri(ctx: ProviderContext, req: IncomingMessage, redirectUri: string | undefined): boolean {
  if (!redirectUri) return false;
  const allowed = [`${ctx.oauthUrl()}/oauth2/idpresponse`, `https://${String(req.headers.host)}/oauth2/idpresponse`];
  return allowed.includes(redirectUri);
}

/** The bearer token of a profile request: `Authorization: Bearer …`, else the `access_token` parameter. */
export function bearerToken(req: IncomingMessage, params: URLSearchParams): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
  return match?.[1] ?? params.get('access_token') ?? undefined;
}

/** The form body's parameters, after the content-type check a provider's token endpoint makes. */
export function isFormEncoded(req: IncomingMessage): boolean {
  return String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';
}
