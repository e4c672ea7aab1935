import type { IncomingMessage, ServerResponse } from 'node:http';
import { epochSeconds } from '../../services/clock';
import type { AuthResponse } from '../auth-flow';
import { CognitoError } from '../errors';
import { passwordSignIn } from '../initiate-auth';
import { RespondToAuthChallenge } from '../respond-to-auth-challenge';
import type { Services } from '../services';
import type { Tokens } from '../tokens';
import type { User } from '../users';
import { callbackUrl, type AuthorizeRequest } from './authorize-request';
import type { AuthorizationCodes } from './codes';
import { cookie, CSRF_COOKIE, escapeHtml, hidden, newCsrfToken, readCookies, redirect, sendErrorPage, sendPage } from './pages';

/**
 * The managed login page for the pool's own users: username and password,
 * then the pool's MFA (TOTP, or an SMS code from the outbox). Both steps run
 * the very handlers of the API (InitiateAuth's password sign-in and
 * RespondToAuthChallenge), so status checks, lockout, triggers and MFA are
 * the user pool's; only the API tokens at the end are not issued: the
 * sign-in ends in an authorization code, redeemed at /oauth2/token.
 * A signed-in browser keeps a session cookie of the domain (1 hour), so
 * the next authorization skips the form unless `prompt=login`.
 */
export interface HostedSession {
  poolId: string;
  username: string;
  authTime: number;
}

const SESSION_COOKIE = 'cognito';
const SESSION_PURPOSE = 'hosted-ui:session';
const SESSION_SECONDS = 3600;
/** Challenges the page answers; the others must be finished in the app for now. */
const MFA_CHALLENGES = ['SOFTWARE_TOKEN_MFA', 'SMS_MFA', 'SELECT_MFA_TYPE'];

export interface LoginDeps {
  services: Services;
  codes: AuthorizationCodes;
}

/** The person signed in on this browser for the request's pool, if still allowed to be. */
export function currentSession(deps: LoginDeps, req: IncomingMessage, request: AuthorizeRequest): { user: User; session: HostedSession } | undefined {
  const sealed = readCookies(req)[SESSION_COOKIE];
  const session = sealed ? deps.services.sealer.unseal<HostedSession>(SESSION_PURPOSE, sealed) : undefined;
  if (!session || session.poolId !== request.pool.id) return undefined;
  const user = deps.services.users.byUsername(session.poolId, session.username);
  return user?.enabled && (user.status === 'CONFIRMED' || user.status === 'EXTERNAL_PROVIDER') ? { user, session } : undefined;
}

export const clearSessionCookie = () => cookie(SESSION_COOKIE, '', 0);

/** Ends the authorization: a code for the callback URL (with `state`), and the session cookie. */
export function grantCode(deps: LoginDeps, res: ServerResponse, request: AuthorizeRequest, user: User, authTime: number): void {
  const code = deps.codes.issue({
    poolId: request.pool.id,
    clientId: request.client.clientId,
    username: user.username,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    scopes: request.scopes,
    nonce: request.nonce,
    authTime,
  });
  const session = deps.services.sealer.seal(SESSION_PURPOSE, { poolId: request.pool.id, username: user.username, authTime } satisfies HostedSession, SESSION_SECONDS);
  redirect(res, callbackUrl(request.redirectUri, { code, state: request.state }), [cookie(SESSION_COOKIE, session, SESSION_SECONDS), cookie(CSRF_COOKIE, '', 0)]);
}

export function sendLoginPage(res: ServerResponse, request: AuthorizeRequest, options: { error?: string; username?: string } = {}): void {
  const csrf = newCsrfToken();
  const username = options.username ?? request.loginHint ?? '';
  const body =
    (options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '') +
    `<form method="post" action="/login?${escapeHtml(request.query.toString())}">${hidden('_csrf', csrf)}` +
    `<label for="username">Username</label><input id="username" name="username" autocomplete="username" required value="${escapeHtml(username)}">` +
    `<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>` +
    `<button type="submit">Sign in</button></form>`;
  sendPage(res, 'Sign in with your username and password', body, { formTargets: [new URL(request.redirectUri).origin], cookies: [cookie(CSRF_COOKIE, csrf)] });
}

function sendChallengePage(res: ServerResponse, request: AuthorizeRequest, answer: AuthResponse, error?: string): void {
  const csrf = newCsrfToken();
  const name = answer.ChallengeName!;
  const parameters = answer.ChallengeParameters ?? {};
  const start = (error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '') +
    `<form method="post" action="/mfa?${escapeHtml(request.query.toString())}">${hidden('_csrf', csrf)}${hidden('session', answer.Session ?? '')}` +
    hidden('challenge', name) + hidden('username', parameters.USER_ID_FOR_SRP ?? '');
  let body: string;
  if (name === 'SELECT_MFA_TYPE') {
    body = `${start}<p>Choose how to confirm it is you.</p>` +
      `<button type="submit" name="answer" value="SOFTWARE_TOKEN_MFA">Authenticator app</button> ` +
      `<button type="submit" name="answer" value="SMS_MFA">Text message</button></form>`;
  } else {
    const where = name === 'SMS_MFA'
      ? `We texted a code to ${escapeHtml(parameters.CODE_DELIVERY_DESTINATION ?? 'your phone')}.`
      : 'Enter the code from your authenticator app.';
    body = `${start}<p>${where}</p><label for="code">Code</label>` +
      `<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required pattern="[0-9]{6}">` +
      `<button type="submit">Sign in</button></form>`;
  }
  sendPage(res, 'Confirm your sign-in', body, { formTargets: [new URL(request.redirectUri).origin], cookies: [cookie(CSRF_COOKIE, csrf)] });
}

/**
 * Runs a sign-in step with the API's handlers and reports who finished it,
 * instead of issuing the API's tokens (the code grant issues its own).
 */
async function signInStep(services: Services, step: (services: Services) => Promise<AuthResponse>): Promise<{ answer: AuthResponse; user?: User }> {
  let user: User | undefined;
  const tokens: Tokens = {
    ...services.tokens,
    issue: async (_pool, _client, signedIn) => {
      user = signedIn;
      return { AccessToken: '', IdToken: '', ExpiresIn: 0, TokenType: 'Bearer' };
    },
  };
  const answer = await step({ ...services, tokens });
  return { answer, user };
}

/** What a step's answer leads to: the code, the MFA page, or a page saying what the app must finish. */
function afterStep(deps: LoginDeps, res: ServerResponse, request: AuthorizeRequest, step: { answer: AuthResponse; user?: User }): void {
  if (step.user) return grantCode(deps, res, request, step.user, epochSeconds(deps.services.clock));
  const name = step.answer.ChallengeName ?? '';
  if (MFA_CHALLENGES.includes(name)) return sendChallengePage(res, request, step.answer);
  const what = name === 'NEW_PASSWORD_REQUIRED' ? 'choose a new password' : name === 'MFA_SETUP' ? 'set up multi-factor authentication' : `answer ${name}`;
  sendErrorPage(res, 400, 'not_emulated', `This sign-in must ${what} first, which the local hosted UI does not offer yet: sign in once in the app, then try again.`);
}

/** POST /login: the username and password. */
export async function submitLogin(deps: LoginDeps, res: ServerResponse, request: AuthorizeRequest, form: URLSearchParams): Promise<void> {
  const username = form.get('username') ?? '';
  const password = form.get('password') ?? '';
  if (!username || !password) return sendLoginPage(res, request, { error: 'Username and password are required.', username });
  try {
    const step = await signInStep(deps.services, (services) =>
      passwordSignIn(services, request.pool, request.client, username, password, {}),
    );
    afterStep(deps, res, request, step);
  } catch (error) {
    if (!(error instanceof CognitoError)) throw error;
    sendLoginPage(res, request, { error: error.message, username });
  }
}

/** POST /mfa: the MFA code (or the choice of factor). */
export async function submitMfa(deps: LoginDeps, req: IncomingMessage, res: ServerResponse, request: AuthorizeRequest, form: URLSearchParams): Promise<void> {
  const challenge = form.get('challenge') ?? '';
  const session = form.get('session') ?? '';
  if (!MFA_CHALLENGES.includes(challenge)) return sendErrorPage(res, 400, 'invalid_request', 'Unknown challenge.');
  const responses: Record<string, string> = { USERNAME: form.get('username') ?? '' };
  if (challenge === 'SELECT_MFA_TYPE') responses.ANSWER = form.get('answer') ?? '';
  else responses[`${challenge}_CODE`] = form.get('code') ?? '';
  try {
    const step = await signInStep(deps.services, (services) =>
      RespondToAuthChallenge(services)(
        { operation: 'RespondToAuthChallenge', sourceIp: req.socket.remoteAddress },
        { ClientId: request.client.clientId, ChallengeName: challenge, Session: session, ChallengeResponses: responses },
      ) as Promise<AuthResponse>,
    );
    afterStep(deps, res, request, step);
  } catch (error) {
    if (!(error instanceof CognitoError)) throw error;
    // A spent or expired session cannot be answered again: back to the password.
    if (error.code === 'NotAuthorizedException' && error.message.includes('session')) return sendLoginPage(res, request, { error: error.message });
    sendChallengePage(res, request, { ChallengeName: challenge, Session: session, ChallengeParameters: { USER_ID_FOR_SRP: responses.USERNAME } }, error.message);
  }
}
