import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { switchAssembly, synthesize, synthInputHash } from './synth';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('offline synthesis', () => {
  it('is deterministic: two runs give byte-identical templates and assets', () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'synth-a-')), mkdtempSync(join(tmpdir(), 'synth-b-'))];
    synthesize(join(a, 'cdk.out'));
    synthesize(join(b, 'cdk.out'));
    const files = filesUnder(join(a, 'cdk.out')).map((f) => relative(join(a, 'cdk.out'), f));
    expect(files.some((f) => f.endsWith('.nested.template.json'))).toBe(true);
    for (const file of files) {
      expect(readFileSync(join(b, 'cdk.out', file)), file).toEqual(readFileSync(join(a, 'cdk.out', file)));
    }
    expect(filesUnder(join(b, 'cdk.out'))).toHaveLength(files.length);
    // Two full syntheses (three functions bundled each): ~1 min on a quiet machine, 2.5 min at load 12.
  }, 360_000);

  it('needs no AWS credentials or network', () => {
    const out = mkdtempSync(join(tmpdir(), 'synth-offline-'));
    const saved = { ...process.env };
    try {
      for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
      process.env.AWS_CONFIG_FILE = '/nonexistent';
      process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent';
      process.env.HTTPS_PROXY = 'http://127.0.0.1:9'; // any network call would fail
      synthesize(join(out, 'cdk.out'));
    } finally {
      process.env = saved;
    }
    expect(readdirSync(join(out, 'cdk.out'))).toContain('manifest.json');
  });

  it('the input hash follows amplify/, the lockfile and synthesis-time environment', () => {
    const root = mkdtempSync(join(tmpdir(), 'synth-hash-'));
    mkdirSync(join(root, 'amplify', 'auth'), { recursive: true });
    writeFileSync(join(root, 'amplify', 'auth', 'resource.ts'), 'export const a = 1;');
    writeFileSync(join(root, 'package-lock.json'), '{}');
    const first = synthInputHash(root);
    expect(synthInputHash(root)).toBe(first);
    writeFileSync(join(root, 'amplify', 'auth', 'resource.ts'), 'export const a = 2;');
    const second = synthInputHash(root);
    expect(second).not.toBe(first);
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}');
    const third = synthInputHash(root);
    expect(third).not.toBe(second);
    const saved = process.env.ADMIN_EMAILS;
    process.env.ADMIN_EMAILS = 'someone@example.com';
    try {
      expect(synthInputHash(root)).not.toBe(third);
    } finally {
      if (saved === undefined) delete process.env.ADMIN_EMAILS;
      else process.env.ADMIN_EMAILS = saved;
    }
  });

  it('npm run synth skips the work when nothing changed', () => {
    const run = () => execFileSync(process.execPath, ['--import', 'tsx', 'scripts/synth.ts'], { encoding: 'utf8' });
    run();
    expect(run()).toMatch(/up to date/);
    const outputs = JSON.parse(readFileSync('amplify_outputs.json', 'utf8'));
    expect(Number(outputs.version)).toBeGreaterThanOrEqual(1.4);
    expect(outputs.custom.local_cloud.endpoint).toBe('http://localhost:20005');
  });

  it("keeps another input's assembly aside: the browser tests' synthesis never invalidates the developer's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-switch-'));
    const assembly = (tag: string) => {
      mkdirSync(join(dir, 'cdk.out'), { recursive: true });
      writeFileSync(join(dir, 'cdk.out', 'manifest.json'), tag);
      writeFileSync(join(dir, 'input-hash'), tag);
    };
    const current = () => [readFileSync(join(dir, 'cdk.out', 'manifest.json'), 'utf8'), readFileSync(join(dir, 'input-hash'), 'utf8')];
    expect(switchAssembly(dir, 'developer')).toBe(false); // nothing yet: synthesize
    assembly('developer');
    expect(switchAssembly(dir, 'e2e')).toBe(false); // the developer's is kept aside; the tests synthesize theirs
    assembly('e2e');
    expect(switchAssembly(dir, 'developer')).toBe(true); // back without synthesizing
    expect(current()).toEqual(['developer', 'developer']);
    expect(switchAssembly(dir, 'e2e')).toBe(true);
    expect(current()).toEqual(['e2e', 'e2e']);
  });
});
