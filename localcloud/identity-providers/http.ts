import type { IncomingMessage } from 'node:http';
import { readBody } from '../http/http';

/** Form bodies of the providers' endpoints and pages are small; past this, the provider's invalid_request (413). */
export const FORM_LIMIT = 16 * 1024;

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req, FORM_LIMIT)).toString('utf8'));
}
