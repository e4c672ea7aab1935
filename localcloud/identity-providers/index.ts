import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendOAuthJson } from '../cognito-idp/hosted-ui/oauth-errors';
import { BodyTooLargeError, requestPath } from '../http/http';
import { noteRefusal } from '../services/activity';
import type { Clock } from '../services/clock';
import type { Store } from '../store/store';
import { createProviderAccounts, type ProviderAccounts, type ProviderSlug } from './accounts';
import { authorize, submitSignIn } from './authorize';
import { createAmazon } from './amazon';
import { createApple } from './apple';
import { createFacebook } from './facebook';
import { createGoogle } from './google';
import { createProviderGrants } from './grants';
import { readForm } from './http';
import { ProviderError, providerBase, type ProviderContext, type ProviderProtocol } from './provider';
import { PROVIDER_PATH_PREFIX, type ProviderRegistrations } from './registrations';

/**
 * The emulated social identity providers, on the HTTPS listener under
 * `/_providers/<google|apple|amazon|facebook>/…` (the paths
 * `emulatedEndpoints` names): each speaks its provider's protocol closely
 * enough that Cognito's federation runs unchanged against it, with accounts
 * of its own (see ./accounts.ts) and the app registered in the template
 * (client id and secret from `npm run secret`, placeholders when unset).
 */
export interface IdentityProvidersService {
  name: string;
  matches(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** A browser's top-level navigation to a sign-in page, whichever site it came from (see below). */
  answersAnyOrigin(req: IncomingMessage): boolean;
  /** The emulated people, for tests and tools. */
  accounts: ProviderAccounts;
}

export function createIdentityProviders(deps: { registrations: ProviderRegistrations; store: Store; clock: Clock; oauthUrl: () => string }): IdentityProvidersService {
  const ctx: ProviderContext = {
    registrations: deps.registrations,
    accounts: createProviderAccounts(deps.store, deps.clock),
    grants: createProviderGrants(deps.store, deps.clock),
    clock: deps.clock,
    oauthUrl: deps.oauthUrl,
  };
  const providers = new Map<ProviderSlug, ProviderProtocol>([
    ['google', createGoogle(ctx, deps.store)],
    ['apple', createApple(ctx, deps.store)],
    ['amazon', createAmazon(ctx)],
    ['facebook', createFacebook(ctx)],
  ]);

  async function route(provider: ProviderProtocol, req: IncomingMessage, res: ServerResponse, url: URL, rest: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (rest === provider.authorizePath) {
      if (method === 'GET') return authorize(ctx, provider, req, res, url.searchParams);
      if (method === 'POST') return submitSignIn(ctx, provider, req, res, url.searchParams, await readForm(req));
      return notAllowed(res, ['GET', 'POST']);
    }
    const handler = provider.routes[`${method} ${rest}`];
    if (handler) return handler(req, res, url);
    const allowed = Object.keys(provider.routes).filter((key) => key.endsWith(` ${rest}`)).map((key) => key.split(' ')[0]);
    if (allowed.length) return notAllowed(res, allowed);
    throw new ProviderError(404, { error: 'not_found', error_description: `The emulated ${provider.title} has no endpoint ${rest}.` });
  }

  const signInPages = new Set([...providers.values()].map((p) => `${providerBase(p.slug)}${p.authorizePath}`));

  return {
    name: 'identity providers',
    accounts: ctx.accounts,
    matches: (req) => requestPath(req).startsWith(`${PROVIDER_PATH_PREFIX}/`),
    /**
     * A real provider's sign-in page is opened from any site: the browser
     * arrives from the app's page through Cognito's redirect, so Chromium
     * marks it `Sec-Fetch-Site: cross-site` and (the hosted UI's
     * `Referrer-Policy: same-origin`) sends no Referer. Only that — a GET
     * top-level navigation to an authorize path — skips the front door's
     * cross-site refusal: nothing a page elsewhere could read, and the page's
     * own form posts (same origin, CSRF token) are checked as usual.
     */
    answersAnyOrigin: (req) =>
      req.method === 'GET' &&
      req.headers['sec-fetch-mode'] === 'navigate' &&
      req.headers['sec-fetch-dest'] === 'document' &&
      signInPages.has(requestPath(req)),
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const [slug] = url.pathname.slice(PROVIDER_PATH_PREFIX.length + 1).split('/');
      const provider = providers.get(slug as ProviderSlug);
      if (!provider) {
        return sendOAuthJson(res, 404, { error: 'not_found', error_description: `No emulated provider at ${url.pathname}; there are ${[...providers.keys()].join(', ')}.` });
      }
      try {
        await route(provider, req, res, url, url.pathname.slice(providerBase(provider.slug).length));
      } catch (error) {
        const refusal = error instanceof BodyTooLargeError ? provider.requestError(error.message, 413) : error;
        if (!(refusal instanceof ProviderError)) throw error;
        noteRefusal(res, `${provider.title}`, JSON.stringify(refusal.body));
        sendOAuthJson(res, refusal.status, refusal.body, refusal.headers);
      }
    },
  };
}

function notAllowed(res: ServerResponse, methods: string[]): void {
  res.writeHead(405, { Allow: methods.join(', '), 'Content-Length': '0' }).end();
}

/**
 * One console line when a provider's registered app uses placeholders
 * (secrets not set with `npm run secret`): their names, never a value.
 */
export function placeholderNotice(registrations: ProviderRegistrations): string | undefined {
  const names = [...new Set(registrations.all().flatMap((r) => r.placeholders))];
  if (!names.length) return undefined;
  return `localcloud: the emulated social providers use placeholder credentials for ${names.join(', ')} (enough offline); set real ones with \`npm run secret -- set NAME\``;
}
