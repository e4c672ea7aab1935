import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type ApiGatewayService, localExecuteApiUrl } from './apigateway';
import { consoleLog } from './lambda/runtime';
import { DEFAULT_PORT, type LocalCloudService, startLocalCloud } from './server';
import { placeholderNotice } from './identity-providers';
import { formatActivity } from './services/activity';
import { LOCALCLOUD_HELP } from './main-help';
import { CertutilMissingError, defaultNssDb, isCaTrusted } from './tls/nss-trust';
import { wipeState } from './store/store';

/**
 * `npm run localcloud [-- --reset] [--verbose] [--assembly <dir>] [--port <n>] [--oauth-port <n>]`:
 * the local cloud alone, on http://localhost:20005 (and the user pool's
 * domain on https://localhost:20443), state in .localcloud/ (or
 * $LOCALCLOUD_STATE), provisioned from .amplify/synth/cdk.out.
 */
const { values } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    assembly: { type: 'string', default: '.amplify/synth/cdk.out' },
    port: { type: 'string', default: String(DEFAULT_PORT) },
    // Unset: the server's rule (DEFAULT_OAUTH_PORT, or a free port when --port is 0).
    'oauth-port': { type: 'string' },
  },
});

if (values.help) {
  console.log(LOCALCLOUD_HELP);
  process.exit(0);
}

const stateDir = resolve(process.env.LOCALCLOUD_STATE ?? '.localcloud');

try {
  if (values.reset) {
    wipeState(stateDir);
    console.log(`localcloud: wiped ${stateDir}`);
  }
  const cloud = await startLocalCloud({
    stateDir,
    assemblyDir: values.assembly!,
    port: Number(values.port),
    oauthPort: values['oauth-port'] === undefined ? undefined : Number(values['oauth-port']),
    functionLog: values.verbose ? consoleLog : () => {},
  });
  cloud.activity.on((activity) => console.log(`${new Date().toISOString().slice(11, 19)} ${formatActivity(activity)}`));
  const pools = cloud.cognitoIdp.pools.all();
  console.log(`localcloud: listening on ${cloud.url} (state in ${stateDir})`);
  for (const pool of pools) console.log(`localcloud: user pool ${pool.id}, clients ${pool.clients.map((c) => c.clientId).join(', ')}`);
  const apiGateway = cloud.services.find((s): s is LocalCloudService & ApiGatewayService => s.name === 'apigateway');
  for (const api of apiGateway?.apis ?? []) {
    for (const stage of api.stages.keys()) console.log(`localcloud: REST API ${api.name} at ${localExecuteApiUrl(cloud.url, api.id, stage)}/`);
  }
  for (const line of apiGateway?.unsupported ?? []) console.log(`localcloud: REST API ${line}`);
  console.log(`localcloud: outbox (codes sent by email and SMS) at ${cloud.url}/_localcloud/outbox`);
  if (cloud.oauthUrl && cloud.tls) console.log(`localcloud: hosted UI (the user pool's domain) at ${cloud.oauthUrl}; ${trustStatus(cloud.tls.caCertificate)}`);
  if (cloud.identityProviders) {
    console.log(`localcloud: emulated Google, Apple, Amazon and Facebook at ${cloud.oauthUrl}/_providers/ (login_hint=<email> signs in without the page)`);
    const notice = placeholderNotice(cloud.context.providerRegistrations);
    if (notice) console.log(notice);
  }

  let closing = false;
  const stop = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`localcloud: ${signal}, closing`);
    await cloud.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  console.error(`localcloud: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}

/** Whether Chromium (the user's NSS database) trusts this state folder's CA, and what to do if not. */
function trustStatus(caCertificate: string): string {
  try {
    if (isCaTrusted(caCertificate)) return `its local CA is trusted by Chromium (${defaultNssDb()})`;
    return 'its local CA is NOT trusted by Chromium yet: run `npm run trust-cert` (undo: `npm run trust-cert -- --remove`)';
  } catch (error) {
    if (error instanceof CertutilMissingError) return 'cannot tell whether Chromium trusts its local CA: certutil is missing (apt-get install libnss3-tools)';
    throw error;
  }
}
