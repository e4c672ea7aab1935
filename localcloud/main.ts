import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, startLocalCloud } from './server';
import { wipeState } from './store/store';

/**
 * `npm run localcloud [-- --reset] [--assembly <dir>] [--port <n>]`: the
 * local cloud alone, on http://localhost:20005, state in .localcloud/ (or
 * $LOCALCLOUD_STATE), provisioned from .amplify/synth/cdk.out.
 */
const { values } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    assembly: { type: 'string', default: '.amplify/synth/cdk.out' },
    port: { type: 'string', default: String(DEFAULT_PORT) },
  },
});

const stateDir = resolve(process.env.LOCALCLOUD_STATE ?? '.localcloud');

try {
  if (values.reset) {
    wipeState(stateDir);
    console.log(`localcloud: wiped ${stateDir}`);
  }
  const cloud = await startLocalCloud({ stateDir, assemblyDir: values.assembly!, port: Number(values.port) });
  cloud.outbox.onMessage((m) =>
    console.log(`localcloud outbox: ${m.channel} to ${m.to}${m.subject ? ` "${m.subject}"` : ''}: ${m.body}  (code ${m.code})`),
  );
  const pools = cloud.cognitoIdp.pools.all();
  console.log(`localcloud: listening on ${cloud.url} (state in ${stateDir})`);
  for (const pool of pools) console.log(`localcloud: user pool ${pool.id}, clients ${pool.clients.map((c) => c.clientId).join(', ')}`);
  console.log(`localcloud: outbox (codes sent by email and SMS) at ${cloud.url}/_localcloud/outbox`);

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
