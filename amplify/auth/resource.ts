import { defineAuth, secret } from '@aws-amplify/backend';
import { callbackUrls, logoutUrls } from '../app-urls';
import { postConfirmation } from './post-confirmation/resource';
import { preSignUp } from './pre-sign-up/resource';

export const PRODUCT_NAME = 'Amplify Vault';
export const GROUPS = ['ADMINS', 'EDITORS'] as const;

/**
 * Users sign in with their email address or their phone number. Cognito makes
 * every username attribute required, so sign-up asks for both: deliberate, as
 * email carries account recovery and phone carries SMS MFA. The sign-up code
 * goes to the email address (see backend.ts); the phone is verified later from
 * the profile page.
 */
export const auth = defineAuth({
  loginWith: {
    email: {
      verificationEmailStyle: 'CODE',
      verificationEmailSubject: `Your ${PRODUCT_NAME} verification code`,
      verificationEmailBody: (createCode) =>
        `Welcome to ${PRODUCT_NAME}. Your verification code is ${createCode()}.`,
    },
    phone: {
      verificationMessage: (createCode) => `${PRODUCT_NAME}: your verification code is ${createCode()}`,
    },
    externalProviders: {
      google: {
        clientId: secret('GOOGLE_CLIENT_ID'),
        clientSecret: secret('GOOGLE_CLIENT_SECRET'),
        scopes: ['openid', 'email', 'profile'],
        attributeMapping: { email: 'email', fullname: 'name' },
      },
      signInWithApple: {
        clientId: secret('SIWA_CLIENT_ID'),
        keyId: secret('SIWA_KEY_ID'),
        privateKey: secret('SIWA_PRIVATE_KEY'),
        teamId: secret('SIWA_TEAM_ID'),
        scopes: ['email', 'name'],
        attributeMapping: { email: 'email' },
      },
      loginWithAmazon: {
        clientId: secret('LOGINWITHAMAZON_CLIENT_ID'),
        clientSecret: secret('LOGINWITHAMAZON_CLIENT_SECRET'),
        scopes: ['profile'],
        attributeMapping: { email: 'email' },
      },
      facebook: {
        clientId: secret('FACEBOOK_CLIENT_ID'),
        clientSecret: secret('FACEBOOK_CLIENT_SECRET'),
        scopes: ['email', 'public_profile'],
        attributeMapping: { email: 'email' },
      },
      scopes: ['OPENID', 'EMAIL', 'PHONE', 'PROFILE'],
      callbackUrls,
      logoutUrls,
    },
  },
  userAttributes: {
    preferredUsername: { mutable: true, required: false },
    birthdate: { mutable: true, required: false },
    'custom:is_beta_user': { dataType: 'Boolean', mutable: true },
  },
  multifactor: { mode: 'OPTIONAL', totp: true, sms: true },
  accountRecovery: 'EMAIL_ONLY',
  groups: [...GROUPS],
  triggers: { preSignUp, postConfirmation },
  // Least privilege: the bootstrap trigger may add users to groups, nothing else.
  access: (allow) => [allow.resource(postConfirmation).to(['addUserToGroup'])],
});
