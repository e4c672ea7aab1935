/** How the e2e stack is started: its own local-cloud state, and the administrator made by ADMIN_EMAILS. */
export const E2E_ADMIN_EMAIL = 'admin@vault.test';
export const E2E_STATE_DIR = 'e2e/artifacts/localcloud-state';
