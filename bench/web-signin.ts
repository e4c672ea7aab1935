/**
 * Figures for the sign-in page (issue 6): the gzipped JavaScript loaded before
 * the sign-in form is visible, and the time until it is visible in headless
 * Chromium — the Vault app beside a bare app that only renders <Authenticator>,
 * both built and measured in this run. Goal: ratios ≤ 1.1.
 *
 *   npm run bench -- web-signin        (BENCH_RUNS=15 for more samples)
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { chromium, type Browser } from '@playwright/test';
import { build } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import { serveStaticSite } from './lib/static-site';

const ROOT = resolve(import.meta.dirname, '..');
const WORK = join(ROOT, 'node_modules', '.cache', 'bench-web');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const FORM = 'input[name="username"]';
const GOAL = 1.1;

if (!existsSync(join(ROOT, 'amplify_outputs.json'))) {
  console.error('amplify_outputs.json is missing: run `npm run synth` first.');
  process.exit(1);
}

async function buildApps(): Promise<{ app: string; bare: string }> {
  rmSync(WORK, { recursive: true, force: true });
  const bareRoot = join(WORK, 'bare-src');
  mkdirSync(bareRoot, { recursive: true });
  writeFileSync(
    join(bareRoot, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="UTF-8" /><title>bare</title></head><body><div id="root"></div><script type="module" src="./main.tsx"></script></body></html>',
  );
  // The smallest Gen 2 app: configure from the outputs file, render the Authenticator.
  writeFileSync(
    join(bareRoot, 'main.tsx'),
    `import { createRoot } from 'react-dom/client';
import { Amplify } from 'aws-amplify';
import { Authenticator } from '@aws-amplify/ui-react';
import '@aws-amplify/ui-react/styles.css';
import outputs from ${JSON.stringify(join(ROOT, 'amplify_outputs.json'))};
Amplify.configure(outputs);
createRoot(document.getElementById('root')!).render(<Authenticator />);
`,
  );
  const app = join(WORK, 'app');
  const bare = join(WORK, 'bare');
  await build({ root: ROOT, logLevel: 'warn', build: { outDir: app, emptyOutDir: true, chunkSizeWarningLimit: 2000 } });
  await build({
    root: bareRoot,
    configFile: false,
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir: bare, emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  });
  return { app, bare };
}

interface Sample {
  ms: number;
  gzipBytes: number;
  scripts: string[];
}

async function measure(browser: Browser, url: string, dir: string): Promise<Sample> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const scripts = new Set<string>();
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.add(new URL(request.url()).pathname);
  });
  await page.goto(url, { waitUntil: 'commit' });
  const ms = await (
    await page.waitForFunction(
      (selector) => {
        const el = document.querySelector<HTMLElement>(selector);
        return el && el.offsetParent !== null ? performance.now() : false;
      },
      FORM,
      { polling: 'raf', timeout: 30_000 },
    )
  ).jsonValue();
  const loaded = [...scripts];
  await context.close();
  const gzipBytes = loaded.reduce((sum, path) => sum + gzipSync(readFileSync(join(dir, path))).length, 0);
  return { ms: ms as number, gzipBytes, scripts: loaded };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const dirs = await buildApps();
const servers = { app: await serveStaticSite(dirs.app), bare: await serveStaticSite(dirs.bare) };
const url = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const samples: Record<'app' | 'bare', Sample[]> = { app: [], bare: [] };
  // Warm-up (not counted), then alternate so both see the same machine load.
  await measure(browser, url(servers.app), dirs.app);
  await measure(browser, url(servers.bare), dirs.bare);
  for (let i = 0; i < RUNS; i++) {
    samples.app.push(await measure(browser, url(servers.app), dirs.app));
    samples.bare.push(await measure(browser, url(servers.bare), dirs.bare));
  }
  const js = { app: samples.app[0].gzipBytes, bare: samples.bare[0].gzipBytes };
  const ms = { app: median(samples.app.map((s) => s.ms)), bare: median(samples.bare.map((s) => s.ms)) };
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`Sign-in page, headless Chromium, ${RUNS} runs each (median), cold cache per run:`);
  console.log(`  gzipped JS before the form:  app ${kib(js.app)}   bare <Authenticator> ${kib(js.bare)}   ratio ${(js.app / js.bare).toFixed(3)}`);
  console.log(`  time until the form shows:   app ${ms.app.toFixed(0)} ms   bare ${ms.bare.toFixed(0)} ms   ratio ${(ms.app / ms.bare).toFixed(3)}`);
  console.log(`  app scripts before the form: ${samples.app[0].scripts.join(', ')}`);
  const leaked = samples.app[0].scripts.filter((s) => /FileBrowser|FilesPage|AdminPage|admin-api|ProfilePage/.test(s));
  console.log(leaked.length === 0 ? '  storage, profile and admin code: not loaded before sign-in ✓' : `  LOADED TOO EARLY: ${leaked.join(', ')}`);
  const jsOk = js.app / js.bare <= GOAL;
  console.log(`  goal ratio ≤ ${GOAL}: JS ${jsOk ? 'met' : 'NOT MET'}, time ${ms.app / ms.bare <= GOAL ? 'met' : 'not met (timing is noisy; rerun with BENCH_RUNS=25)'}`);
  // The byte count is deterministic: let scripts and CI rely on it.
  if (!jsOk || leaked.length > 0) process.exitCode = 1;
} finally {
  await browser.close();
  servers.app.close();
  servers.bare.close();
}
