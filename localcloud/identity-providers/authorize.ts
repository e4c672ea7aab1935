import type { IncomingMessage, ServerResponse } from 'node:http';
import { cookie, csrfMatches, escapeHtml, hidden, newCsrfToken, sendPage } from '../cognito-idp/hosted-ui/pages';
import { epochSeconds } from '../services/clock';
import { invalidAccount, EMAIL_MAX, NAME_MAX, type ProviderAccount } from './accounts';
import {
  findRegistration,
  formTargetsAfter,
  isCognitoRedirectUri,
  pageTitle,
  providerBase,
  sendProviderErrorPage,
  type AuthorizeRequest,
  type ProviderContext,
  type ProviderProtocol,
} from './provider';

/**
 * The authorization flow every emulated provider shares: the request is
 * checked (a registered client id, then Cognito's /oauth2/idpresponse as the
 * only redirect URI — both refused on the provider's own page, the browser is
 * never sent elsewhere — then the provider's own checks), then a person is
 * picked: by `login_hint` (an email: that account, created if new, without a
 * click — or an existing account's id), else on the sign-in page (pick an
 * account, create one, or cancel). The outcome (a code, or the provider's
 * error) goes back to the client the provider's way.
 */
const CSRF_COOKIE = 'idp-csrf';

type Checked = { ok: true; request: AuthorizeRequest } | { ok: false; send(res: ServerResponse): void };

function checkRequest(ctx: ProviderContext, provider: ProviderProtocol, req: IncomingMessage, params: URLSearchParams): Checked {
  const clientId = params.get('client_id') ?? undefined;
  const registration = findRegistration(ctx, provider.type, clientId);
  if (!registration || !clientId) {
    const description = clientId ? `The OAuth client was not found: no app with client_id ${clientId} is registered.` : 'Missing required parameter: client_id';
    return { ok: false, send: (res) => sendProviderErrorPage(res, provider, clientId ? 401 : 400, clientId ? 'invalid_client' : 'invalid_request', description) };
  }
  const redirectUri = params.get('redirect_uri') ?? undefined;
  if (!isCognitoRedirectUri(ctx, req, redirectUri)) {
    const description = redirectUri
      ? `redirect_uri ${redirectUri} is not registered for this app; the emulated ${provider.title} accepts only Cognito's ${ctx.oauthUrl()}/oauth2/idpresponse.`
      : 'Missing required parameter: redirect_uri';
    return { ok: false, send: (res) => sendProviderErrorPage(res, provider, 400, redirectUri ? 'redirect_uri_mismatch' : 'invalid_request', description) };
  }
  const state = params.get('state') ?? undefined;
  const checked = provider.checkAuthorize(params);
  const base = { registration, clientId, redirectUri: redirectUri!, state, nonce: params.get('nonce') ?? undefined, loginHint: params.get('login_hint') || undefined, query: params };
  if (!checked.ok) {
    const { error, description } = checked;
    if (checked.onPage) return { ok: false, send: (res) => sendProviderErrorPage(res, provider, 400, error, description) };
    const request: AuthorizeRequest = { ...base, scopes: [], responseType: params.get('response_type') ?? '', prompt: [] };
    return { ok: false, send: (res) => void provider.deliver(res, request, { error, description }) };
  }
  return { ok: true, request: { ...base, scopes: checked.scopes, responseType: checked.responseType, prompt: checked.prompt } };
}

async function grant(ctx: ProviderContext, provider: ProviderProtocol, res: ServerResponse, request: AuthorizeRequest, account: ProviderAccount): Promise<void> {
  const firstConsent = ctx.accounts.consent(provider.slug, account.sub, request.clientId);
  const grant = {
    provider: provider.slug,
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    sub: account.sub,
    scopes: request.scopes,
    nonce: request.nonce,
    authTime: epochSeconds(ctx.clock),
    firstConsent,
  };
  const code = ctx.grants.issueCode(grant, provider.codeTtlMs, provider.codePrefix);
  await provider.deliver(res, request, { code, grant, account });
}

/** The account `login_hint` names: an existing account's id or email, or a new account for a new email. */
function hintedAccount(ctx: ProviderContext, provider: ProviderProtocol, hint: string): ProviderAccount | undefined {
  const existing = ctx.accounts.bySub(provider.slug, hint) ?? ctx.accounts.byEmail(provider.slug, hint);
  if (existing) return existing;
  return invalidAccount({ email: hint }) ? undefined : ctx.accounts.create(provider.slug, { email: hint });
}

/** GET <authorize>: check, then `login_hint`, `prompt=none`, or the sign-in page. */
export async function authorize(ctx: ProviderContext, provider: ProviderProtocol, req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<void> {
  const checked = checkRequest(ctx, provider, req, params);
  if (!checked.ok) return checked.send(res);
  const request = checked.request;
  const hinted = request.loginHint ? hintedAccount(ctx, provider, request.loginHint) : undefined;
  if (hinted) return grant(ctx, provider, res, request, hinted);
  if (request.prompt.includes('none')) return provider.deliver(res, request, { error: provider.interactionRequired ?? 'login_required' });
  sendSignInPage(ctx, provider, res, request);
}

/** POST <authorize>: the sign-in page's forms (pick, create, cancel). */
export async function submitSignIn(
  ctx: ProviderContext,
  provider: ProviderProtocol,
  req: IncomingMessage,
  res: ServerResponse,
  params: URLSearchParams,
  form: URLSearchParams,
): Promise<void> {
  const checked = checkRequest(ctx, provider, req, params);
  if (!checked.ok) return checked.send(res);
  const request = checked.request;
  if (!csrfMatches(req, form, CSRF_COOKIE)) {
    return sendProviderErrorPage(res, provider, 403, 'invalid_request', 'The form expired or did not come from this page (CSRF token missing or wrong). Go back to the app and start again.');
  }
  const intent = form.get('intent');
  if (intent === 'cancel') return provider.deliver(res, request, provider.cancelled);
  if (intent === 'create') {
    const account = { email: (form.get('email') ?? '').trim(), name: (form.get('name') ?? '').trim(), emailVerified: !provider.assertsEmailVerified || form.get('email_verified') !== 'false' };
    const invalid = invalidAccount(account);
    if (invalid) return sendSignInPage(ctx, provider, res, request, { error: invalid, ...account }, 400);
    if (ctx.accounts.byEmail(provider.slug, account.email)) {
      return sendSignInPage(ctx, provider, res, request, { error: `There is already an account with ${account.email}: pick it above.`, ...account }, 400);
    }
    return grant(ctx, provider, res, request, ctx.accounts.create(provider.slug, account));
  }
  const picked = ctx.accounts.bySub(provider.slug, form.get('account') ?? '');
  if (!picked) return sendSignInPage(ctx, provider, res, request, { error: 'Pick an account, or create one.' }, 400);
  return grant(ctx, provider, res, request, picked);
}

interface PageState {
  error?: string;
  email?: string;
  name?: string;
  emailVerified?: boolean;
}

function sendSignInPage(ctx: ProviderContext, provider: ProviderProtocol, res: ServerResponse, request: AuthorizeRequest, state: PageState = {}, status = 200): void {
  const csrf = newCsrfToken();
  const action = `${providerBase(provider.slug)}${provider.authorizePath}?${request.query.toString()}`;
  const open = `<form method="post" action="${escapeHtml(action)}">${hidden('_csrf', csrf)}`;
  const accounts = ctx.accounts.list(provider.slug);
  const describe = (a: ProviderAccount) => `${a.name} — ${a.email}${a.emailVerified ? '' : ' (email not verified)'}`;
  const chooser = accounts.length
    ? `${open}<fieldset><legend>Choose an account</legend>` +
      accounts.map((a) => `<button type="submit" name="account" value="${escapeHtml(a.sub)}">${escapeHtml(describe(a))}</button><br>`).join('') +
      '</fieldset></form>'
    : '<p>No emulated accounts yet: create one.</p>';
  const verified = state.emailVerified !== false;
  const create =
    `${open}${hidden('intent', 'create')}<fieldset><legend>Create an account</legend>` +
    `<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required maxlength="${EMAIL_MAX}" value="${escapeHtml(state.email ?? request.loginHint ?? '')}">` +
    `<label for="name">Name</label><input id="name" name="name" autocomplete="name" required maxlength="${NAME_MAX}" value="${escapeHtml(state.name ?? '')}">` +
    (provider.assertsEmailVerified
      ? `<fieldset><legend>Email verified by ${escapeHtml(provider.title)}?</legend>` +
        `<label><input type="radio" name="email_verified" value="true"${verified ? ' checked' : ''}> Yes</label>` +
        `<label><input type="radio" name="email_verified" value="false"${verified ? '' : ' checked'}> No</label></fieldset>`
      : '') +
    '<button type="submit">Create and continue</button></fieldset></form>';
  const cancel = `${open}${hidden('intent', 'cancel')}<button type="submit">Cancel</button></form>`;
  const body =
    (state.error ? `<p class="error" role="alert">${escapeHtml(state.error)}</p>` : '') +
    `<p class="note">The local cloud's stand-in for ${escapeHtml(provider.title)}: no real account is used. ` +
    `App ${escapeHtml(request.clientId)} asks to know who you are.</p>` +
    (provider.pageNote ? `<p class="note">${escapeHtml(provider.pageNote)}</p>` : '') +
    `${chooser}${create}${cancel}`;
  sendPage(res, pageTitle(provider), body, {
    status,
    formTargets: formTargetsAfter(request.redirectUri),
    cookies: [cookie(CSRF_COOKIE, csrf, undefined, providerBase(provider.slug))],
  });
}
