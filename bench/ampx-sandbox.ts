/**
 * `npm run bench -- ampx-sandbox`: the real `ampx sandbox --once` deploying this backend into a fresh local
 * cloud — the first deploy, a redeploy with nothing changed, and a hotswap of one function (a line of the pre
 * sign-up trigger changed) — each printed beside what the tool itself spends (its synthesis and type check,
 * as ampx reports them) and what the local cloud spends (goal: under 10% of each run).
 *
 * The local cloud's part is measured by the local cloud itself (`onWork` of startLocalCloud): every request it
 * answered (from the request's arrival to the end of its answer) and every stack operation's asynchronous work
 * (provisioning, unzipping code, rebuilding the services). Requests overlap (the toolkit sends several at once),
 * so the part is the union of those spans — the time during which the local cloud was working for ampx — not
 * their sum (printed too). It runs in a copy of the project (scripts/testing/ampx.ts), tests included, as
 * `npm run sandbox` deploys the repo. One sandbox secret is set first (GOOGLE_CLIENT_ID, a placeholder), as
 * a developer of this backend has them: with none, ampx stamps the secret fetcher with the current time and
 * every deploy updates the stack (no "nothing changed", no hotswap). Each row says what the local cloud was
 * asked to do: a stack operation, a Lambda code update (hotswap), or nothing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizedAssembly } from '../localcloud/lambda/testing/synthesized.ts';
import { startLocalCloud } from '../localcloud/server.ts';
import { projectCopy, runAmpx } from '../scripts/testing/ampx.ts';

interface Span {
  what: string;
  start: number;
  end: number;
}

/** Seconds covered by at least one span. */
function union(spans: Span[]): number {
  let total = 0;
  let reach = -Infinity;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.end <= reach) continue;
    total += s.end - Math.max(s.start, reach);
    reach = s.end;
  }
  return total / 1000;
}

const seconds = (out: string, pattern: RegExp) => Number(pattern.exec(out)?.[1] ?? Number.NaN);

const state = mkdtempSync(join(tmpdir(), 'bench-ampx-'));
const project = projectCopy('bench-ampx-project-', { withTests: true });
const spans: Span[] = [];
const cloud = await startLocalCloud({
  stateDir: state,
  assemblyDir: synthesizedAssembly().directory,
  port: 0,
  oauthPort: false,
  functionLog: () => {},
  onWork: (span) => spans.push(span),
});
const rows: string[] = [];
let failed = false;
try {
  const secret = await runAmpx(['sandbox', 'secret', 'set', 'GOOGLE_CLIENT_ID', '--identifier', 'bench'], { stateDir: state, port: cloud.port, cwd: project.dir }, { input: 'placeholder' });
  if (secret.code !== 0) throw new Error(`ampx sandbox secret set failed:\n${secret.out}`);
  const handler = join(project.amplify, 'auth/pre-sign-up/handler.ts');
  const runs: [string, () => void][] = [
    ['first deploy', () => {}],
    ['no change', () => {}],
    ['hotswap of one function', () => writeFileSync(handler, readFileSync(handler, 'utf8').replace('Please enter your phone number', 'Please enter a phone number'))],
  ];
  console.log('run                       ampx total  synth  type check  ampx deploy | local cloud (sum of requests, count) | local / total   local / (synth + type check)   [what the local cloud did]');
  for (const [name, change] of runs) {
    change();
    const from = spans.length;
    const started = performance.now();
    const run = await runAmpx(['sandbox', '--once', '--identifier', 'bench'], { stateDir: state, port: cloud.port, cwd: project.dir }, { timeoutMs: 1_800_000 });
    const total = (performance.now() - started) / 1000;
    if (!/Deployment completed|No changes|no changes/i.test(run.out) || /\[ERROR\]/.test(run.out)) {
      failed = true;
      console.error(`${name}: ampx did not deploy:\n${run.out}`);
      break;
    }
    const mine = spans.slice(from);
    const local = union(mine);
    const sum = mine.reduce((t, s) => t + (s.end - s.start), 0) / 1000;
    const synth = seconds(run.out, /Backend synthesized in ([\d.]+) seconds/);
    const typeCheck = seconds(run.out, /Type checks completed in ([\d.]+) seconds/);
    const deploy = seconds(run.out, /Deployment completed in ([\d.]+) seconds/);
    const did =
      mine.filter((m) => m.what.startsWith('cloudformation ')).map((m) => m.what.split(' ')[1]).join(', ') ||
      (mine.some((m) => /^PUT \/2015-03-31\/functions\/.*\/code$/.test(m.what)) ? 'hotswap' : 'nothing deployed');
    const pct = (part: number, whole: number) => (Number.isFinite(whole) && whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-');
    const row =
      `${name.padEnd(25)} ${total.toFixed(1).padStart(8)} s ${synth.toFixed(1).padStart(5)} s ${typeCheck.toFixed(1).padStart(7)} s ${deploy.toFixed(2).padStart(8)} s  |` +
      ` ${local.toFixed(2).padStart(6)} s (${sum.toFixed(2)} s, ${mine.length} requests/operations)`.padEnd(40) +
      ` | ${pct(local, total).padStart(6)} ${local / total < 0.1 ? '(goal < 10%: met)' : '(goal < 10%: NOT met)'}   ${pct(local, synth + typeCheck).padStart(6)}   [${did}]`;
    rows.push(row);
    console.log(row);
  }
  const slowest = new Map<string, number>();
  for (const s of spans) slowest.set(s.what.replace(/\/[^ ]*$/, '/…'), (slowest.get(s.what.replace(/\/[^ ]*$/, '/…')) ?? 0) + (s.end - s.start));
  console.log('\nthe local cloud\'s busiest operations over the three runs (sum of their spans):');
  for (const [what, ms] of [...slowest].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`  ${(ms / 1000).toFixed(2).padStart(6)} s  ${what}`);
} finally {
  await cloud.close();
  rmSync(state, { recursive: true, force: true });
  project.remove();
}
if (failed) process.exit(1);
