import { ensureSynth } from './synth.ts';

/**
 * Vitest's global setup: tests that read the synthesized backend
 * (.amplify/synth/cdk.out) never skip on a fresh clone or run against a stale
 * assembly. `npm run synth`'s own check makes this a no-op (well under a
 * second) when amplify/, the lockfile and the synthesis-time environment are
 * unchanged; otherwise it synthesizes, as `npm run synth` would.
 */
export default async function setup(): Promise<void> {
  await ensureSynth({ log: (line) => console.log(line) });
}
