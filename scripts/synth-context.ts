/**
 * The fixed backend identity used for offline synthesis. Fixed values make the
 * templates — and so the local cloud's identifiers — the same on every machine.
 * `secretLastUpdated` pins the secret fetcher's property (otherwise it is a
 * timestamp and every synthesis differs).
 */
export const SYNTH_CONTEXT = {
  'amplify-backend-namespace': 'amplifyvault',
  'amplify-backend-name': 'local',
  'amplify-backend-type': 'sandbox',
  secretLastUpdated: 0,
} as const;

/** Environment variables the backend definition reads at synthesis time. */
export const SYNTH_ENV_INPUTS = ['ADMIN_EMAILS', 'VAULT_APP_URL'] as const;

export const SYNTH_DIR = '.amplify/synth';
export const ASSEMBLY_DIR = `${SYNTH_DIR}/cdk.out`;
export const OUTPUTS_FILE = 'amplify_outputs.json';
export const LOCAL_CLOUD_URL = 'http://localhost:20005';
/** The user pool's domain offline: the local cloud's HTTPS listener (aws-amplify always calls `https://<domain>`). */
export const LOCAL_OAUTH_DOMAIN = 'localhost:20443';
