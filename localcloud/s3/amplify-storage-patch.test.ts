import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * patches/@aws-amplify+storage+<version>.patch fixes the missing `else` in
 * @aws-amplify/storage's S3 endpoint resolver (esm and cjs builds), without
 * which `Storage.S3.dangerouslyConnectToHttpEndpointForTesting` throws
 * InvalidCustomEndpoint. These tests fail when the patch stops applying: a new
 * version of the package (the patch names the version it was made for), a
 * patch that no longer matches the installed files, or the bug back.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const STORAGE_DIR = join(ROOT, 'node_modules', '@aws-amplify', 'storage');
const BASE = 'providers/s3/utils/client/s3data/base';

describe('the @aws-amplify/storage test-endpoint patch', () => {
  const patches = readdirSync(join(ROOT, 'patches')).filter((f) => f.startsWith('@aws-amplify+storage+'));

  it('exists for the installed version of @aws-amplify/storage', () => {
    const installed = require(join(STORAGE_DIR, 'package.json')).version;
    expect(patches).toEqual([`@aws-amplify+storage+${installed}.patch`]);
  });

  it('is applied to node_modules exactly (git apply --reverse --check)', () => {
    // Succeeds only if every hunk of the patch is present, byte for byte, in the installed files.
    expect(() =>
      execFileSync('git', ['apply', '--reverse', '--check', '--unsafe-paths', '--directory=.', join('patches', patches[0])], { cwd: ROOT, stdio: 'pipe' }),
    ).not.toThrow();
  });

  for (const build of ['esm', 'cjs'] as const) {
    it(`lets the ${build} endpoint resolver use http://localhost:20005, path-style`, async () => {
      const file = join(STORAGE_DIR, 'dist', build, `${BASE}.${build === 'esm' ? 'mjs' : 'js'}`);
      const mod = build === 'esm' ? await import(pathToFileURL(file).href) : require(file);
      const resolveEndpoint = mod.defaultConfig?.endpointResolver ?? mod.endpointResolver;
      expect(typeof resolveEndpoint).toBe('function');
      const { url } = resolveEndpoint(
        { region: 'us-east-1', customEndpoint: 'http://localhost:20005', forcePathStyle: true },
        { Bucket: 'my-bucket' },
      );
      expect(url.toString()).toBe('http://localhost:20005/my-bucket');
      // Other custom endpoints keep their validation.
      expect(() => resolveEndpoint({ region: 'us-east-1', customEndpoint: 'http://evil.example' }, {})).toThrow();
      expect(resolveEndpoint({ region: 'us-east-1', customEndpoint: 's3.example.com' }, {}).url.toString()).toBe('https://s3.example.com/');
    });
  }
});
