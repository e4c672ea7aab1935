import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The hosted UI's pages: plain server-rendered HTML with no script at all,
 * a strict Content-Security-Policy (the one inline style allowed by its
 * hash; forms may post only to this origin and, for the redirect after a
 * sign-in, the app's callback origin), never framed, never cached.
 */
const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem}label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}
input[type=radio],input[type=checkbox]{width:auto;margin:0 .5rem 0 0}
button{margin-top:1.25rem;padding:.6rem 1.2rem;font:inherit}.error{color:#a4000f;border-left:4px solid #a4000f;padding-left:.75rem}
.note{color:#555;font-size:.9rem}`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function securityHeaders(formTargets: string[] = [], script?: string): Record<string, string> {
  const formAction = ["'self'", ...formTargets].join(' ');
  const scriptSrc = script === undefined ? '' : `; script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`;
  return {
    'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'${scriptSrc}; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    // Not no-referrer: that would make the form posts' Origin "null", which the front door refuses.
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
  };
}

export interface PageOptions {
  status?: number;
  /** Origins a form on the page may end up at (the callback URL a sign-in redirects to). */
  formTargets?: string[];
  cookies?: string[];
  /** One inline script the page may run (allowed by its hash alone), e.g. to submit a form_post response. */
  script?: string;
}

export function sendPage(res: ServerResponse, title: string, body: string, options: PageOptions = {}): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main>` +
    `${options.script === undefined ? '' : `<script>${options.script}</script>`}</body></html>`;
  const headers: Record<string, string | string[]> = {
    ...securityHeaders(options.formTargets, options.script),
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(html)),
  };
  if (options.cookies?.length) headers['Set-Cookie'] = options.cookies;
  res.writeHead(options.status ?? 200, headers);
  res.end(html);
}

/** Cognito's generic error page ("An error was encountered with the requested page."), naming the error. */
export function sendErrorPage(res: ServerResponse, status: number, error: string, description: string): void {
  sendPage(
    res,
    'An error was encountered with the requested page.',
    `<p class="error" role="alert"><strong>${escapeHtml(error)}</strong>: ${escapeHtml(description)}</p>`,
    { status },
  );
}

/** A 302 to `location` (never cached), with cookies to set. */
export function redirect(res: ServerResponse, location: string, cookies: string[] = []): void {
  const headers: Record<string, string | string[]> = { Location: location, 'Cache-Control': 'no-store', ...securityHeaders() };
  if (cookies.length) headers['Set-Cookie'] = cookies;
  res.writeHead(302, headers);
  res.end();
}

export function readCookies(req: IncomingMessage): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return cookies;
}

/** A cookie of the pool's domain: HTTPS only, out of scripts' reach, not sent on cross-site posts. */
export function cookie(name: string, value: string, maxAgeSeconds?: number, path = '/'): string {
  const age = maxAgeSeconds === undefined ? '' : `; Max-Age=${maxAgeSeconds}`;
  return `${name}=${value}; Path=${path}; Secure; HttpOnly; SameSite=Lax${age}`;
}

/**
 * CSRF protection of the forms (double submit): each rendered form gets a
 * fresh random token, set as the XSRF-TOKEN cookie and as its `_csrf` field;
 * a post is accepted only when both are present and equal.
 */
export const CSRF_COOKIE = 'XSRF-TOKEN';

export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

export function csrfMatches(req: IncomingMessage, form: URLSearchParams, cookieName = CSRF_COOKIE): boolean {
  const fromCookie = Buffer.from(readCookies(req)[cookieName] ?? '');
  const fromForm = Buffer.from(form.get('_csrf') ?? '');
  return fromCookie.length >= 32 && fromCookie.length === fromForm.length && timingSafeEqual(fromCookie, fromForm);
}

export function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}
