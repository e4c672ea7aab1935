import { defineAuth, secret } from '@aws-amplify/backend';
import { callbackUrls, logoutUrls } from '../app-urls';
import { customMessage } from './custom-message/resource';
import { postConfirmation } from './post-confirmation/resource';
import { preSignUp } from './pre-sign-up/resource';

export const PRODUCT_NAME = 'Amplify Vault';
export const GROUPS = ['ADMINS', 'EDITORS'] as const;

/**
 * Users sign in with their email address or their phone number, or with
 * Google, Apple, Amazon or Facebook. The schema requires only what all four
 * providers supply: the email (account recovery, the admin bootstrap and
 * account linking trust it). Amplify would also make `phone_number` required
 * (every `loginWith` attribute is), and Cognito refuses a federated user who
 * lacks a required attribute, so it is declared optional here; sign-up with a
 * password still needs it (the form asks, the pre sign-up trigger enforces it).
 * The sign-up code goes to the email address (see overrides.ts); the phone is
 * verified later from the profile page.
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
        // email_verified reaches the pre sign-up trigger, which links only on a verified email.
        attributeMapping: { email: 'email', emailVerified: 'email_verified', fullname: 'name' },
      },
      signInWithApple: {
        clientId: secret('SIWA_CLIENT_ID'),
        keyId: secret('SIWA_KEY_ID'),
        privateKey: secret('SIWA_PRIVATE_KEY'),
        teamId: secret('SIWA_TEAM_ID'),
        scopes: ['email', 'name'],
        attributeMapping: { email: 'email', emailVerified: 'email_verified' },
      },
      loginWithAmazon: {
        clientId: secret('LOGINWITHAMAZON_CLIENT_ID'),
        clientSecret: secret('LOGINWITHAMAZON_CLIENT_SECRET'),
        // `profile` carries user_id, name and email; Amazon asserts no email_verified.
        scopes: ['profile'],
        attributeMapping: { email: 'email' },
      },
      facebook: {
        clientId: secret('FACEBOOK_CLIENT_ID'),
        clientSecret: secret('FACEBOOK_CLIENT_SECRET'),
        // A person may decline `email` (or have none): Cognito then refuses the
        // sign-in for the missing required email, and the app says so.
        scopes: ['email', 'public_profile'],
        attributeMapping: { email: 'email' },
      },
      // COGNITO_ADMIN (aws.cognito.signin.user.admin): hosted-UI and social sign-ins
      // may then call GetUser / UpdateUserAttributes (the profile page).
      scopes: ['OPENID', 'EMAIL', 'PHONE', 'PROFILE', 'COGNITO_ADMIN'],
      callbackUrls,
      logoutUrls,
    },
  },
  userAttributes: {
    // Not required: no social provider sends a phone number (see above). Changing
    // this on a deployed pool is impossible in place (README "Social sign-in").
    phoneNumber: { mutable: true, required: false },
    preferredUsername: { mutable: true, required: false },
    birthdate: { mutable: true, required: false },
    'custom:is_beta_user': { dataType: 'Boolean', mutable: true },
  },
  multifactor: { mode: 'OPTIONAL', totp: true, sms: true },
  accountRecovery: 'EMAIL_ONLY',
  groups: [...GROUPS],
  triggers: { preSignUp, postConfirmation, customMessage },
  // Least privilege: the post-confirmation trigger may add users to groups (the
  // admin bootstrap) and store the sign-up birthdate; the pre sign-up trigger
  // may find users and link a provider identity to one.
  access: (allow) => [
    allow.resource(postConfirmation).to(['addUserToGroup', 'updateUserAttributes']),
    allow.resource(preSignUp).to(['listUsers', 'manageProviderForUser']),
  ],
});
