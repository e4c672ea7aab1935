/**
 * Synthesis figures: a cold synthesis of amplify/ against a repeated
 * `npm run synth` with nothing changed (goal: the repeat under 1 s).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../scripts/synth.ts';

const time = (fn: () => void) => {
  const started = performance.now();
  fn();
  return (performance.now() - started) / 1000;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const cold = median([1, 2, 3].map(() => time(() => synthesize(join(mkdtempSync(join(tmpdir(), 'bench-synth-')), 'cdk.out')))));
execFileSync('npm', ['run', '--silent', 'synth'], { stdio: 'ignore' });
const repeat = median(
  [1, 2, 3, 4, 5].map(() => time(() => execFileSync('npm', ['run', '--silent', 'synth'], { stdio: 'ignore' }))),
);

console.log(`cold synthesis (median of 3):              ${cold.toFixed(2)} s`);
console.log(`repeated npm run synth, nothing changed (median of 5): ${repeat.toFixed(2)} s  (goal < 1 s)`);
console.log(`ratio repeat / cold:                       ${(repeat / cold).toFixed(3)}`);
