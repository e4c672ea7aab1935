import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { emulatedEndpoints, type ProviderRegistrations } from '../../../identity-providers/registrations';
import { epochSeconds } from '../../../services/clock';
import { CognitoError } from '../../errors';
import { signInExternal } from '../../federated-users';
import { callbackUrl, checkAuthorizeRequest, type AuthorizeRequest } from '../authorize-request';
import { grantCode, type LoginDeps } from '../login';
import { redirect, sendErrorPage } from '../pages';
import { exchangeCode, ProviderError } from './provider-client';

/**
 * Sign-in through an external provider (`/oauth2/authorize?identity_provider=Google`
 * and `/oauth2/idpresponse`), as Cognito runs it: the app's request is kept
 * sealed in Cognito's own `state` (single use, 10 minutes) while the browser
 * signs in at the provider (the emulated one, `/_providers/...`) with the
 * registered client id, Cognito's redirect URI, the registration's scopes
 * (and a nonce for OIDC providers; Apple answers by form_post). Back at
 * /oauth2/idpresponse, the code is exchanged server to server, the person
 * becomes (or is) a user of the pool, and the app gets an authorization
 * code as after a password sign-in. Refusals go back to the app's
 * redirect_uri as `error`, `error_description` and the app's `state`.
 */
export const IDP_RESPONSE_PATH = '/oauth2/idpresponse';
const STATE_PURPOSE = 'hosted-ui:idp-state';
const STATE_SECONDS = 600;

interface PendingSignIn {
  /** The app's authorization request, as /oauth2/authorize received it. */
  query: string;
  providerName: string;
  nonce?: string;
}

export interface FederationDeps {
  login: LoginDeps;
  registrations?: ProviderRegistrations;
  /** `https://localhost:<port>`: the pools' domain, where /oauth2/idpresponse and the emulated providers are served. */
  origin: () => string;
  /** The local CA (PEM) the provider calls trust. */
  ca?: string;
}

export function createFederation(deps: FederationDeps) {
  const { services } = deps.login;
  const failTo = (res: ServerResponse, request: AuthorizeRequest, error: string, description: string) =>
    redirect(res, callbackUrl(request.redirectUri, { error_description: description, state: request.state, error }));

  /** GET /oauth2/authorize with identity_provider: to the provider's sign-in page. */
  function start(res: ServerResponse, request: AuthorizeRequest): void {
    const providerName = request.externalProvider!;
    const registration = deps.registrations?.find(request.pool.id, providerName);
    if (!registration) return failTo(res, request, 'invalid_request', `${providerName} is not an identity provider of this user pool, or is not one the local cloud emulates.`);
    const endpoints = emulatedEndpoints(deps.origin(), registration.providerType);
    const oidc = registration.providerType === 'Google' || registration.providerType === 'SignInWithApple';
    const nonce = oidc ? randomBytes(24).toString('base64url') : undefined;
    const state = services.sealer.seal(STATE_PURPOSE, { query: request.query.toString(), providerName, nonce } satisfies PendingSignIn, STATE_SECONDS);
    const url = new URL(endpoints.authorize);
    const params: Record<string, string | undefined> = {
      client_id: registration.details.client_id,
      redirect_uri: `${deps.origin()}${IDP_RESPONSE_PATH}`,
      response_type: 'code',
      scope: registration.details.authorize_scopes ?? '',
      state,
      nonce,
      response_mode: registration.providerType === 'SignInWithApple' ? 'form_post' : undefined,
      login_hint: request.loginHint,
    };
    for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
    redirect(res, url.toString());
  }

  /** GET (Google, Amazon, Facebook) or POST form (Apple) /oauth2/idpresponse. */
  async function respond(res: ServerResponse, params: URLSearchParams): Promise<void> {
    const sealed = params.get('state') ?? '';
    const pending = sealed ? services.sealer.unseal<PendingSignIn>(STATE_PURPOSE, sealed) : undefined;
    if (!pending || !services.sealer.spend(STATE_PURPOSE, sealed)) {
      return sendErrorPage(res, 400, 'invalid_request', 'The sign-in state is missing, expired, forged or was already used. Start the sign-in again from the app.');
    }
    const checked = checkAuthorizeRequest(services.pools, new URLSearchParams(pending.query));
    if (!checked.ok) return checked.send(res);
    const request = checked.request;
    const providerError = params.get('error');
    if (providerError !== null) return failTo(res, request, providerError, params.get('error_description') ?? providerError);
    const code = params.get('code');
    if (!code) return failTo(res, request, 'invalid_request', 'The identity provider sent no authorization code.');
    const registration = deps.registrations?.find(request.pool.id, pending.providerName);
    const provider = request.pool.identityProviders.find((p) => p.name === pending.providerName);
    if (!registration || !provider) return failTo(res, request, 'invalid_request', `${pending.providerName} is no longer an identity provider of this user pool.`);

    let profile;
    try {
      profile = await exchangeCode({
        registration,
        endpoints: emulatedEndpoints(deps.origin(), registration.providerType),
        code,
        redirectUri: `${deps.origin()}${IDP_RESPONSE_PATH}`,
        nonce: pending.nonce,
        appleUser: params.get('user') ?? undefined,
        ca: deps.ca,
        now: services.clock.now(),
      });
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return failTo(res, request, 'invalid_request', error.message);
    }
    let user;
    try {
      user = await signInExternal(services, request.pool, request.client, { provider, userId: profile.userId, attributes: profile.attributes });
    } catch (error) {
      if (!(error instanceof CognitoError)) throw error;
      return failTo(res, request, 'invalid_request', error.message);
    }
    grantCode(deps.login, res, request, user, epochSeconds(services.clock));
  }

  return { start, respond };
}
