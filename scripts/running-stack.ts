import { connect } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The ports a stack (`npm start`, or the browser tests' own `npm start`)
 * holds: the local cloud, its hosted UI, and Vite. `npm start` and `npm test`
 * check them first and say what is in the way instead of failing on a port.
 */
export const STACK_PORTS = [
  { port: 20005, what: 'the local cloud' },
  { port: 20443, what: "the local cloud's hosted UI (HTTPS)" },
  { port: 5173, what: 'the Vite dev server' },
] as const;

function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/** The stack's ports something listens on, with who answers there when it is a local cloud. */
export async function busyStackPorts(): Promise<string[]> {
  const busy: string[] = [];
  for (const { port, what } of STACK_PORTS) {
    if (!(await listening(port))) continue;
    let who = 'something else';
    if (port === 20005) {
      const answer = await fetch(`http://localhost:${port}/_localcloud/outbox`).catch(() => undefined);
      if (answer?.ok) who = 'a local cloud (npm start or npm run localcloud)';
    } else if (port === 5173) {
      const answer = await fetch(`http://localhost:${port}/`).catch(() => undefined);
      if (answer?.ok && (await answer.text()).includes('/@vite/client')) who = 'a Vite dev server (npm start)';
    }
    busy.push(`port ${port} (${what}) is taken by ${who}`);
  }
  return busy;
}

// `npm test`'s first step: the browser tests start their own stack on these ports.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const busy = await busyStackPorts();
  if (busy.length > 0 && process.env.E2E_REUSE !== '1') {
    console.error(
      [
        'npm test stops here: its browser tests start their own stack (npm start with their own state and ADMIN_EMAILS), but',
        ...busy.map((line) => `  - ${line}`),
        'Stop the running stack (Ctrl-C in its terminal) and run npm test again,',
        'or run the browser tests against it: E2E_REUSE=1 npx playwright test (it must have been started with ADMIN_EMAILS=admin@vault.test).',
      ].join('\n'),
    );
    process.exit(1);
  }
}
