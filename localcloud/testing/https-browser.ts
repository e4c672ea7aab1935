import { request } from 'node:https';

/**
 * Test support: a minimal browser for the HTTPS listener (hosted UI,
 * emulated providers) — one cookie jar, the state folder's local CA trusted
 * through `ca` (certificate checks stay on), `Origin` sent on every POST as
 * browsers do, redirects not followed (tests read `location`).
 */
export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  location?: string;
}

export interface SendOptions {
  form?: Record<string, string> | URLSearchParams;
  headers?: Record<string, string>;
  /** Send no cookies (a server-to-server call). */
  noCookies?: boolean;
}

export class HttpsBrowser {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly origin: string,
    readonly ca: string,
  ) {}

  send(method: string, path: string, options: SendOptions = {}): Promise<HttpsAnswer> {
    const url = new URL(path, this.origin);
    const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size && !options.noCookies) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) headers['content-type'] ??= 'application/x-www-form-urlencoded';
    if (method === 'POST' && !options.noCookies) headers.origin ??= this.origin;
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, ca: this.ca, servername: 'localhost' }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          for (const line of [res.headers['set-cookie'] ?? []].flat()) {
            const [pair, ...attributes] = line.split(';');
            const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
            if (attributes.some((a) => a.trim() === 'Max-Age=0')) this.cookies.delete(name);
            else this.cookies.set(name, value);
          }
          resolve({ status: res.statusCode!, headers: res.headers, body: text, location: res.headers.location });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** A JSON answer's body (throws with the text when it is not JSON). */
  static json<T = Record<string, unknown>>(answer: HttpsAnswer): T {
    try {
      return JSON.parse(answer.body) as T;
    } catch {
      throw new Error(`Not JSON (${answer.status}): ${answer.body.slice(0, 300)}`);
    }
  }
}

/** The value of a hidden input of an HTML page (the CSRF token, a form_post field). */
export function hiddenField(html: string, name: string): string | undefined {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html);
  return match?.[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
