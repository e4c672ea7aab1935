import type { VaultOutputs } from '../amplify-config';

/** A Gen 2 outputs file shaped like the one `npm run synth` writes, for tests. */
export function fakeOutputs(local = true): VaultOutputs {
  return {
    version: '1.4',
    auth: {
      aws_region: 'us-east-1',
      user_pool_id: 'us-east-1_TestPool1',
      user_pool_client_id: 'testclientid1234567890',
      identity_pool_id: 'us-east-1:00000000-0000-4000-8000-000000000001',
      mfa_methods: ['SMS', 'TOTP'],
      standard_required_attributes: ['email', 'phone_number'],
      username_attributes: ['email', 'phone_number'],
      user_verification_types: ['email'],
      groups: [{ ADMINS: { precedence: 0 } }, { EDITORS: { precedence: 1 } }],
      mfa_configuration: 'OPTIONAL',
      password_policy: {
        min_length: 12,
        require_lowercase: true,
        require_numbers: true,
        require_symbols: true,
        require_uppercase: true,
      },
      unauthenticated_identities_enabled: true,
    },
    storage: {
      aws_region: 'us-east-1',
      bucket_name: 'vault-test-bucket',
    },
    ...(local
      ? {
          custom: {
            local_cloud: {
              endpoint: 'http://localhost:20005',
              userPoolEndpoint: 'http://localhost:20005',
              identityPoolEndpoint: 'http://localhost:20005',
              s3Endpoint: 'http://localhost:20005',
              outbox: 'http://localhost:20005/_localcloud/outbox',
            },
          },
        }
      : {}),
  };
}

/** The backend's four social providers in `auth.oauth`, as `npm run synth` (domain localhost:20443) or ampx (the pool's domain) writes them. */
export function withSocialProviders(outputs: VaultOutputs, domain = 'localhost:20443', appUrl = 'http://localhost:5173/'): VaultOutputs {
  Object.assign(outputs.auth!, {
    oauth: {
      identity_providers: ['GOOGLE', 'FACEBOOK', 'LOGIN_WITH_AMAZON', 'SIGN_IN_WITH_APPLE'],
      redirect_sign_in_uri: [appUrl],
      redirect_sign_out_uri: [appUrl],
      response_type: 'code',
      scopes: ['openid', 'email', 'phone', 'profile'],
      domain,
    },
  });
  return outputs;
}
