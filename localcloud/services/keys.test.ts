import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const keysModule = fileURLToPath(new URL('./keys.ts', import.meta.url));

test('fresh key pairs export to JWK under garbage-collection pressure without hanging the process', () => {
  // In a child process: were the helper to hand out generateKeyPairSync's own key objects, Node 20 would
  // deadlock here within a few hundred rounds (25-175 when checked): a GC during export runs the generation
  // job's destructor, which waits for the lock the export holds. Only a separate process can be killed.
  const script = `
    import { generateRsaKeyPair } from ${JSON.stringify(keysModule)};
    const garbage = [];
    for (let i = 0; i < 600; i++) {
      const { publicKey } = generateRsaKeyPair(1024);
      for (let j = 0; j < 20; j++) {
        publicKey.export({ format: 'jwk' });
        garbage.push('x'.repeat(1000) + j);
        if (garbage.length > 5000) garbage.length = 0;
      }
    }
    console.log('done');
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 90_000 });
  expect(child.signal, 'the process hung and was killed').toBeNull();
  expect(child.stdout.trim()).toBe('done');
}, 120_000);
