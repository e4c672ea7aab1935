import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyStackPorts } from '../../scripts/running-stack';

/**
 * For benches that run the whole stack on its own ports: the local amplify_outputs.json, or exit
 * naming what to do when the outputs are AWS's or a stack already holds the ports.
 */
export async function localStackOutputs(root: string, bench: string) {
  const outputs = JSON.parse(readFileSync(join(root, 'amplify_outputs.json'), 'utf8'));
  if (!outputs.custom?.local_cloud) {
    console.error('amplify_outputs.json is not the local one: run `npm run synth -- --local-outputs`.');
    process.exit(1);
  }
  const busy = await busyStackPorts();
  if (busy.length > 0) {
    console.error(`bench ${bench}: the stack's ports are taken:\n${busy.map((b) => `  - ${b}`).join('\n')}`);
    process.exit(1);
  }
  return outputs;
}
