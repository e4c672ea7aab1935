import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** `npm start -- --help` lists only what npm start takes: the local cloud's flags without the ports the app depends on. */
describe('npm start -- --help', () => {
  it("lists the local cloud's flags and environment, but not --port or --oauth-port", () => {
    const help = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--help'], { encoding: 'utf8' });
    expect(help.status, help.stderr).toBe(0);
    const options = help.stdout.split('\n').filter((line) => /^ {2}-/.test(line)).map((line) => line.trim().split(/\s/)[0]);
    expect(options).toEqual(['--reset', '--verbose', '--assembly', '-h,']);
    expect(help.stdout).toContain('LOCALCLOUD_STATE');
    expect(help.stdout).toContain('ADMIN_EMAILS');
    expect(help.stdout).toContain('npm run localcloud alone also takes --port and --oauth-port');
  });
});
