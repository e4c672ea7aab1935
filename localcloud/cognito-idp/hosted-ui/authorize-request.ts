import type { ServerResponse } from 'node:http';
import type { UserPoolClientConfig, UserPoolConfig } from '../../provisioning/user-pools';
import { CognitoError } from '../errors';
import type { Pools } from '../services';
import { redirect, sendErrorPage } from './pages';

/**
 * An authorization request (`/oauth2/authorize`, and the `/login` and `/mfa`
 * pages it leads to, which carry the same parameters), checked as Cognito
 * checks it: an unknown client gets an error page; a redirect_uri that is not
 * exactly a registered callback URL gets `/error?error=redirect_mismatch`
 * (the browser is never sent to an unregistered address); every other fault
 * goes back to the callback URL as `error` (and `state`).
 */
export interface AuthorizeRequest {
  pool: UserPoolConfig;
  client: UserPoolClientConfig;
  redirectUri: string;
  /** The scopes granted: those asked for, or all the client's when none were. */
  scopes: string[];
  state?: string;
  nonce?: string;
  /** PKCE: BASE64URL(SHA256(code_verifier)), method S256. */
  codeChallenge?: string;
  prompt: string[];
  loginHint?: string;
  /** `identity_provider` or `idp_identifier`, when one other than COGNITO was named. */
  externalProvider?: string;
  /** The parameters again, to carry from page to page. */
  query: URLSearchParams;
}

export type Checked = { ok: true; request: AuthorizeRequest } | { ok: false; send(res: ServerResponse): void };

const PROMPTS = ['none', 'login', 'select_account', 'consent'];
const PARAMETERS = ['response_type', 'client_id', 'redirect_uri', 'state', 'scope', 'nonce', 'code_challenge', 'code_challenge_method', 'identity_provider', 'idp_identifier', 'prompt', 'login_hint', 'lang'];

/** `redirect_uri` with the answer's parameters added (OAuth: the query, keeping any the URI already has). */
export function callbackUrl(redirectUri: string, parameters: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined) url.searchParams.append(name, value);
  return url.toString();
}

/** The error page `/error?error=redirect_mismatch&client_id=…` that Cognito sends a mismatched redirect to. */
export function sendRedirectMismatch(res: ServerResponse, clientId: string): void {
  redirect(res, `/error?${new URLSearchParams({ error: 'redirect_mismatch', client_id: clientId })}`);
}

export function checkAuthorizeRequest(pools: Pools, params: URLSearchParams): Checked {
  const single = (name: string) => params.get(name) ?? undefined;
  const clientId = single('client_id');
  if (!clientId) return { ok: false, send: (res) => sendErrorPage(res, 400, 'invalid_request', 'client_id is required.') };
  let found: { pool: UserPoolConfig; client: UserPoolClientConfig };
  try {
    found = pools.client(clientId);
  } catch (error) {
    if (!(error instanceof CognitoError)) throw error;
    return { ok: false, send: (res) => sendErrorPage(res, 400, 'invalid_request', `Client ${clientId} does not exist.`) };
  }
  const { pool, client } = found;
  const redirectUri = single('redirect_uri');
  if (!redirectUri || !client.oauth.callbackUrls.includes(redirectUri)) return { ok: false, send: (res) => sendRedirectMismatch(res, clientId) };

  const state = single('state');
  const fail = (error: string, description?: string): Checked => ({
    ok: false,
    send: (res) => redirect(res, callbackUrl(redirectUri, { error, error_description: description, state })),
  });
  if (PARAMETERS.some((name) => params.getAll(name).length > 1)) return fail('invalid_request', 'A parameter was given more than once.');
  const responseType = single('response_type');
  if (!responseType) return fail('invalid_request', 'response_type is required.');
  if (responseType !== 'code' && responseType !== 'token') return fail('unsupported_response_type');
  if (!client.oauth.enabled || !client.oauth.flows.includes(responseType === 'token' ? 'implicit' : 'code')) return fail('unauthorized_client');
  if (responseType === 'token') return fail('unsupported_response_type', 'The local cloud does not implement the implicit grant; use response_type=code.');

  const asked = (single('scope') ?? '').split(' ').filter(Boolean);
  if (asked.some((scope) => !client.oauth.scopes.includes(scope))) return fail('invalid_scope');
  const scopes = asked.length ? [...new Set(asked)] : client.oauth.scopes;

  const codeChallenge = single('code_challenge');
  const method = single('code_challenge_method');
  if (codeChallenge !== undefined || method !== undefined) {
    if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256.');
    if (!codeChallenge || !/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) return fail('invalid_request', 'code_challenge must be BASE64URL(SHA256(code_verifier)).');
  }

  const prompt = (single('prompt') ?? '').split(' ').filter(Boolean);
  if (prompt.some((p) => !PROMPTS.includes(p)) || (prompt.includes('none') && prompt.length > 1)) return fail('invalid_request', 'prompt is not valid.');

  const provider = single('identity_provider');
  const idpIdentifier = single('idp_identifier');
  let externalProvider: string | undefined;
  if (provider !== undefined && provider !== 'COGNITO') {
    if (!client.oauth.identityProviders.includes(provider)) return fail('invalid_request', `${provider} is not an identity provider of this client.`);
    externalProvider = provider;
  } else if (provider === undefined && idpIdentifier !== undefined) {
    const named = pool.identityProviders.find((p) => p.identifiers.includes(idpIdentifier));
    if (!named || !client.oauth.identityProviders.includes(named.name)) return fail('invalid_request', `${idpIdentifier} is not an identifier of an identity provider of this client.`);
    externalProvider = named.name;
  } else if (!client.oauth.identityProviders.includes('COGNITO')) {
    // Nothing to sign in with on the managed login page: the client has no local users.
    if (provider === 'COGNITO') return fail('invalid_request', 'COGNITO is not an identity provider of this client.');
    if (!client.oauth.identityProviders.length) return fail('unauthorized_client');
  }

  const query = new URLSearchParams();
  for (const name of PARAMETERS) if (params.has(name)) query.set(name, params.get(name)!);
  return {
    ok: true,
    request: { pool, client, redirectUri, scopes, state, nonce: single('nonce'), codeChallenge, prompt, loginHint: single('login_hint'), externalProvider, query },
  };
}
