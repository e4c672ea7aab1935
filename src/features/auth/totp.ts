/** The issuer authenticator apps show beside the code. */
export const TOTP_ISSUER = 'Amplify Vault';
