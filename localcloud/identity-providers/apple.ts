import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { callbackUrl } from '../cognito-idp/hosted-ui/authorize-request';
import { sendOAuthJson } from '../cognito-idp/hosted-ui/oauth-errors';
import { escapeHtml, hidden, redirect, sendPage } from '../cognito-idp/hosted-ui/pages';
import { epochSeconds } from '../services/clock';
import type { Store } from '../store/store';
import type { ProviderAccount } from './accounts';
import { isGrant, type ProviderGrant } from './grants';
import { readForm } from './http';
import {
  findRegistration,
  formTargetsAfter,
  isFormEncoded,
  pageTitle,
  ProviderError,
  type AuthorizeCheck,
  type AuthorizeRequest,
  type Outcome,
  type ProviderContext,
  type ProviderProtocol,
} from './provider';
import type { ProviderRegistration } from './registrations';
import { accessTokenHash, createProviderSigner } from './signing';

/**
 * Sign in with Apple (appleid.apple.com): authorize with Apple's rules (the
 * name and email scopes need response_mode=form_post, which answers with an
 * auto-submitting form carrying code, state, the id token for
 * `code id_token`, and the `user` JSON — name and email — on the person's
 * first consent to the app only); the token endpoint, whose client_secret is
 * an ES256 JWT the developer signs with the registered key (header kid =
 * key id; iss = team id, sub = client id, aud = https://appleid.apple.com,
 * expiring within 6 months) verified for real; RS256 id tokens with Apple's
 * claims (email_verified and is_private_email as the strings Apple sends)
 * and the JWKS at /auth/keys.
 */
export const APPLE_ISSUER = 'https://appleid.apple.com';
/** Apple's bound on a client secret's lifetime: 15777000 seconds (6 months). */
export const CLIENT_SECRET_MAX_SECONDS = 15_777_000;
const ACCESS_TOKEN_SECONDS = 3600;
const ID_TOKEN_SECONDS = 600;
const SCOPES = ['name', 'email', 'openid'];
const RESPONSE_MODES = ['query', 'fragment', 'form_post'];

/** Hide My Email: an address of Apple's private relay (create the account with one to get is_private_email "true"). */
export const PRIVATE_RELAY_DOMAIN = 'privaterelay.appleid.com';
const isPrivateRelay = (email: string) => email.toLowerCase().endsWith(`@${PRIVATE_RELAY_DOMAIN}`);

const appleError = (error: string, description?: string) => new ProviderError(400, description ? { error, error_description: description } : { error });

function checkAuthorize(params: URLSearchParams): AuthorizeCheck {
  const onPage = (error: string, description: string): AuthorizeCheck => ({ ok: false, error, description, onPage: true });
  const responseType = params.get('response_type') ?? '';
  const types = responseType.split(' ').filter(Boolean).sort().join(' ');
  if (types !== 'code' && types !== 'code id_token') return onPage('unsupported_response_type', `Invalid response_type: ${responseType}. Use code, or code id_token.`);
  const scopes = [...new Set((params.get('scope') ?? '').split(/[\s,]+/).filter(Boolean))];
  const unknown = scopes.find((s) => !SCOPES.includes(s));
  if (unknown) return onPage('invalid_scope', `Invalid scope: ${unknown}. Sign in with Apple grants name and email.`);
  const mode = params.get('response_mode') ?? (types === 'code' ? 'query' : 'fragment');
  if (!RESPONSE_MODES.includes(mode)) return onPage('invalid_request', `Invalid response_mode: ${mode}.`);
  if (scopes.some((s) => s !== 'openid') && mode !== 'form_post') {
    return onPage('invalid_request', 'response_mode must be form_post when name or email scope is requested.');
  }
  if (types === 'code id_token' && mode === 'query') return onPage('invalid_request', 'response_mode must be fragment or form_post when response_type includes id_token.');
  return { ok: true, scopes, responseType: types, prompt: [] };
}

/** The `user` field of the first consent: the name and email the scopes allow. */
function firstConsentUser(account: ProviderAccount, scopes: string[]): string | undefined {
  const user: Record<string, unknown> = {};
  if (scopes.includes('name')) user.name = { firstName: account.givenName, lastName: account.familyName };
  if (scopes.includes('email')) user.email = account.email;
  return Object.keys(user).length ? JSON.stringify(user) : undefined;
}

export function createApple(ctx: ProviderContext, store: Store): ProviderProtocol {
  const signer = createProviderSigner(store, 'apple');

  const idToken = (clientId: string, account: ProviderAccount, grant: ProviderGrant, extra: Record<string, unknown>) => {
    const iat = epochSeconds(ctx.clock);
    return signer.sign({
      iss: APPLE_ISSUER,
      aud: clientId,
      exp: iat + ID_TOKEN_SECONDS,
      iat,
      sub: account.sub,
      ...extra,
      ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
      ...(grant.scopes.includes('email') ? { email: account.email, email_verified: String(account.emailVerified), is_private_email: String(isPrivateRelay(account.email)) } : {}),
      auth_time: grant.authTime,
      nonce_supported: true,
    });
  };

  /** The registered app's public key, from the private key the developer registered (`npm run secret -- set SIWA_PRIVATE_KEY`). */
  const publicKeyOf = (registration: ProviderRegistration): KeyObject | undefined => {
    try {
      return createPublicKey(createPrivateKey(registration.details.private_key ?? ''));
    } catch {
      return undefined;
    }
  };

  /** The client secret JWT, checked as Apple checks it; any fault is invalid_client. */
  async function checkClientSecret(registration: ProviderRegistration, secret: string | null): Promise<void> {
    const refuse = () => appleError('invalid_client');
    if (!secret) throw refuse();
    const key = publicKeyOf(registration);
    if (!key) throw refuse();
    try {
      const header = decodeProtectedHeader(secret);
      if (header.alg !== 'ES256' || header.kid !== registration.details.key_id) throw refuse();
      const { payload } = await jwtVerify(secret, key, {
        algorithms: ['ES256'],
        issuer: registration.details.team_id,
        subject: registration.details.client_id,
        audience: APPLE_ISSUER,
        requiredClaims: ['iat', 'exp'],
        currentDate: ctx.clock.now(),
      });
      if (payload.exp! > epochSeconds(ctx.clock) + CLIENT_SECRET_MAX_SECONDS) throw refuse();
    } catch {
      throw refuse();
    }
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isFormEncoded(req)) throw appleError('invalid_request');
    const form = await readForm(req);
    const clientId = form.get('client_id');
    if (!clientId) throw appleError('invalid_request');
    const registration = findRegistration(ctx, 'SignInWithApple', clientId);
    if (!registration) throw appleError('invalid_client');
    await checkClientSecret(registration, form.get('client_secret'));
    const grantType = form.get('grant_type');
    if (!grantType) throw appleError('invalid_request');
    if (grantType !== 'authorization_code') throw appleError('unsupported_grant_type');
    const code = form.get('code');
    if (!code) throw appleError('invalid_request');
    const grant = ctx.grants.redeemCode('apple', code);
    if (!isGrant(grant) || grant.clientId !== clientId) throw appleError('invalid_grant', 'The code has expired or has been revoked.');
    if (form.get('redirect_uri') !== grant.redirectUri) throw appleError('invalid_grant', 'The redirect_uri does not match the one of the authorization request.');
    const account = ctx.accounts.bySub('apple', grant.sub);
    if (!account) throw appleError('invalid_grant', 'The code has expired or has been revoked.');
    const accessToken = ctx.grants.issueAccessToken(grant, ACCESS_TOKEN_SECONDS, 'a');
    sendOAuthJson(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_SECONDS,
      id_token: await idToken(clientId, account, grant, { at_hash: accessTokenHash(accessToken) }),
    });
  }

  /** Back to the client the way response_mode says: form_post (an auto-submitting form), query or fragment. */
  async function deliver(res: ServerResponse, request: AuthorizeRequest, outcome: Outcome): Promise<void> {
    const fields: Record<string, string> = {};
    if (request.state !== undefined) fields.state = request.state;
    if ('error' in outcome) {
      fields.error = outcome.error;
    } else {
      fields.code = outcome.code;
      if (request.responseType.includes('id_token')) fields.id_token = await idToken(request.clientId, outcome.account, outcome.grant, {});
      const user = outcome.grant.firstConsent ? firstConsentUser(outcome.account, outcome.grant.scopes) : undefined;
      if (user) fields.user = user;
    }
    const mode = request.query.get('response_mode') ?? (request.responseType === 'code' ? 'query' : 'fragment');
    if (mode === 'query') return redirect(res, callbackUrl(request.redirectUri, fields));
    if (mode === 'fragment') return redirect(res, `${request.redirectUri}#${new URLSearchParams(fields)}`);
    const body = `<p>Returning you to the app…</p><form method="post" action="${escapeHtml(request.redirectUri)}">` +
      Object.entries(fields).map(([name, value]) => hidden(name, value)).join('') +
      '<noscript><p>Scripts are off: continue by hand.</p></noscript><button type="submit">Continue</button></form>';
    sendPage(res, pageTitle(protocol), body, { formTargets: formTargetsAfter(request.redirectUri), script: 'document.forms[0].submit();' });
  }

  const protocol: ProviderProtocol = {
    slug: 'apple',
    type: 'SignInWithApple',
    title: 'Sign in with Apple',
    authorizePath: '/auth/authorize',
    codeTtlMs: 5 * 60 * 1000,
    codePrefix: 'c',
    checkAuthorize,
    assertsEmailVerified: true,
    cancelled: { error: 'user_cancelled_authorize' },
    pageNote: `For Hide My Email, create an account whose email is at ${PRIVATE_RELAY_DOMAIN}.`,
    deliver,
    refusalPage: (_status, error) => `Your request could not be completed: ${error}`,
    routes: {
      'POST /auth/token': token,
      'GET /auth/keys': (_req, res) => sendOAuthJson(res, 200, signer.jwks(), { 'Cache-Control': 'public, max-age=300' }),
    },
    requestError: (_message, status = 400) => new ProviderError(status, { error: 'invalid_request' }),
  };
  return protocol;
}
