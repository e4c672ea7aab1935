import type { IncomingMessage } from 'node:http';
import { mappedValue } from './gateway-responses';
import { fullMatch, type Integration } from './rest-apis';

/**
 * A MOCK integration (what CDK's `defaultCorsPreflightOptions` makes for
 * OPTIONS): the request template's `statusCode` selects the integration
 * response (by SelectionPattern, else the default one); its
 * ResponseParameters give the headers (`'static'` or `method.request.header.X`).
 * Of Velocity templates only what CDK writes for several allowed origins is
 * understood: `$context.responseOverride.header.<name> = $origin` when the
 * request's Origin is one of those the template compares it with.
 */
export interface MockAnswer {
  statusCode: number;
  headers: [string, string][];
  body: string;
}

export function mockAnswer(req: IncomingMessage, integration: Extract<Integration, { type: 'MOCK' }>): MockAnswer | undefined {
  const contentType = String(req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
  const template = integration.requestTemplates[contentType] ?? integration.requestTemplates['application/json'] ?? Object.values(integration.requestTemplates)[0] ?? '';
  const status = /statusCode["']?\s*:\s*["']?(\d{3})/.exec(template)?.[1] ?? '200';
  const response =
    integration.responses.find((r) => r.selectionPattern && fullMatch(r.selectionPattern, status)) ??
    integration.responses.find((r) => !r.selectionPattern);
  if (!response || !/^\d{3}$/.test(response.statusCode)) return undefined;
  const headers = new Map<string, string>();
  for (const [key, expression] of Object.entries(response.responseParameters)) {
    const name = /^method\.response\.header\.(.+)$/.exec(key)?.[1];
    const value = name ? mappedValue(req, expression) : undefined;
    if (name && value !== undefined) headers.set(name, value);
  }
  const responseTemplate = response.responseTemplates['application/json'] ?? '';
  const origin = String(req.headers.origin ?? '');
  for (const block of responseTemplate.matchAll(/#if\(([^)]*)\)\s*#set\(\$context\.responseOverride\.header\.([A-Za-z0-9-]+)\s*=\s*\$origin\)/g)) {
    const allowed = [...block[1].matchAll(/\$origin\s*==\s*"([^"]*)"/g)].map((m) => m[1]);
    if (origin !== '' && allowed.includes(origin)) headers.set(block[2], origin);
  }
  const body = responseTemplate
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .trim();
  return { statusCode: Number(response.statusCode), headers: [...headers], body };
}
