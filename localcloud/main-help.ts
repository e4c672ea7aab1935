import { DEFAULT_OAUTH_PORT, DEFAULT_PORT } from './server';

/** `npm run localcloud -- --help` (also shown by `npm start -- --help`). */
export const LOCALCLOUD_HELP = `Usage: npm run localcloud -- [options]

The local cloud alone: Cognito user pools and identity pools, IAM, STS, S3, SSM and the
backend's Lambda triggers, provisioned from the synthesized amplify/ (run \`npm run synth\` first).

Options:
  --reset             wipe the state (users, keys, identities, objects) before starting
  --verbose           print the functions' full logs (START/END/REPORT, console.* lines);
                      by default one line per event: a trigger run, a code sent, a request refused
  --port <n>          the AWS endpoint's port (default ${DEFAULT_PORT}; 0 picks a free one)
  --oauth-port <n>    the user pool domain's HTTPS port (default ${DEFAULT_OAUTH_PORT}; a free one with --port 0)
  --assembly <dir>    the cloud assembly to provision from (default .amplify/synth/cdk.out)
  -h, --help          this help

Environment:
  LOCALCLOUD_STATE    the state folder (default .localcloud/)`;
