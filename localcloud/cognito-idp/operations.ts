/**
 * Every operation of Cognito's user-pool API (cognito-idp 2016-04-18), as the
 * installed AWS SDK (@aws-sdk/client-cognito-identity-provider) names its
 * commands; operations.test.ts fails when the SDK and this list part. The
 * router answers an operation in this list that the local cloud does not
 * serve with UnsupportedOperationException (501), and any other name with
 * UnknownOperationException, as Cognito does for names it has never had.
 */
export const COGNITO_IDP_OPERATIONS: ReadonlySet<string> = new Set([
  'AddCustomAttributes', 'AddUserPoolClientSecret', 'AdminAddUserToGroup', 'AdminConfirmSignUp',
  'AdminCreateUser', 'AdminDeleteSoftwareToken', 'AdminDeleteUser', 'AdminDeleteUserAttributes',
  'AdminDisableProviderForUser', 'AdminDisableUser', 'AdminEnableUser', 'AdminForgetDevice', 'AdminGetDevice',
  'AdminGetUser', 'AdminGetUserAuthFactors', 'AdminInitiateAuth', 'AdminLinkProviderForUser', 'AdminListDevices',
  'AdminListGroupsForUser', 'AdminListUserAuthEvents', 'AdminListUserSessions', 'AdminRemoveUserFromGroup',
  'AdminResetUserPassword', 'AdminRespondToAuthChallenge', 'AdminRevokeUserSession', 'AdminSetUserMFAPreference',
  'AdminSetUserPassword', 'AdminSetUserSettings', 'AdminUpdateAuthEventFeedback', 'AdminUpdateDeviceStatus',
  'AdminUpdateUserAttributes', 'AdminUserGlobalSignOut', 'AssociateSoftwareToken', 'ChangePassword',
  'CompleteWebAuthnRegistration', 'ConfirmDevice', 'ConfirmForgotPassword', 'ConfirmSignUp', 'CreateGroup',
  'CreateIdentityProvider', 'CreateManagedLoginBranding', 'CreateResourceServer', 'CreateTerms',
  'CreateUserImportJob', 'CreateUserPool', 'CreateUserPoolClient', 'CreateUserPoolDomain', 'CreateUserPoolReplica',
  'DeleteGroup', 'DeleteIdentityProvider', 'DeleteManagedLoginBranding', 'DeleteResourceServer', 'DeleteTerms',
  'DeleteUser', 'DeleteUserAttributes', 'DeleteUserPool', 'DeleteUserPoolClient', 'DeleteUserPoolClientSecret',
  'DeleteUserPoolDomain', 'DeleteUserPoolReplica', 'DeleteWebAuthnCredential', 'DescribeIdentityProvider',
  'DescribeManagedLoginBranding', 'DescribeManagedLoginBrandingByClient', 'DescribeResourceServer',
  'DescribeRiskConfiguration', 'DescribeTerms', 'DescribeTermsByClient', 'DescribeUserImportJob', 'DescribeUserPool',
  'DescribeUserPoolClient', 'DescribeUserPoolDomain', 'ForgetDevice', 'ForgotPassword', 'GetCSVHeader',
  'GetClientToken', 'GetDevice', 'GetGroup', 'GetIdentityProviderByIdentifier', 'GetLogDeliveryConfiguration',
  'GetProvisionedLimit', 'GetSigningCertificate', 'GetTokensFromRefreshToken', 'GetUICustomization', 'GetUser',
  'GetUserAttributeVerificationCode', 'GetUserAuthFactors', 'GetUserPoolClientSessionConfiguration',
  'GetUserPoolMfaConfig', 'GetUserPoolSessionConfiguration', 'GlobalSignOut', 'InitiateAuth', 'ListDevices',
  'ListGroups', 'ListIdentityProviders', 'ListResourceServers', 'ListTagsForResource', 'ListTerms',
  'ListUserImportJobs', 'ListUserPoolClientSecrets', 'ListUserPoolClients', 'ListUserPoolReplicas', 'ListUserPools',
  'ListUserSessions', 'ListUsers', 'ListUsersInGroup', 'ListWebAuthnCredentials', 'ResendConfirmationCode',
  'RespondToAuthChallenge', 'RevokeToken', 'RevokeUserSession', 'SetLogDeliveryConfiguration',
  'SetRiskConfiguration', 'SetUICustomization', 'SetUserMFAPreference', 'SetUserPoolClientSessionConfiguration',
  'SetUserPoolMfaConfig', 'SetUserPoolSessionConfiguration', 'SetUserSettings', 'SignUp', 'StartUserImportJob',
  'StartWebAuthnRegistration', 'StopUserImportJob', 'TagResource', 'UntagResource', 'UpdateAuthEventFeedback',
  'UpdateDeviceStatus', 'UpdateGroup', 'UpdateIdentityProvider', 'UpdateManagedLoginBranding',
  'UpdateProvisionedLimit', 'UpdateResourceServer', 'UpdateTerms', 'UpdateUserAttributes', 'UpdateUserPool',
  'UpdateUserPoolClient', 'UpdateUserPoolDomain', 'UpdateUserPoolReplica', 'VerifySoftwareToken',
  'VerifyUserAttribute',
]);

/** Cognito's challenge names (the SDK's ChallengeNameType), in the order its validation error lists them. */
export const CHALLENGE_NAMES: readonly string[] = [
  'ADMIN_NO_SRP_AUTH', 'CUSTOM_CHALLENGE', 'DEVICE_PASSWORD_VERIFIER', 'DEVICE_SRP_AUTH', 'EMAIL_OTP', 'MFA_SETUP',
  'NEW_PASSWORD_REQUIRED', 'PASSWORD', 'PASSWORD_SRP', 'PASSWORD_VERIFIER', 'SELECT_CHALLENGE', 'SELECT_MFA_TYPE',
  'SMS_MFA', 'SMS_OTP', 'SOFTWARE_TOKEN_MFA', 'WEB_AUTHN',
];
