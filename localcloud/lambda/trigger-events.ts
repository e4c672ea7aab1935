/**
 * Cognito user-pool trigger events, shaped as Cognito sends them
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html).
 */

/** A LambdaConfig key of AWS::Cognito::UserPool, i.e. the trigger's name in Cognito's errors. */
export type TriggerName =
  | 'PreSignUp'
  | 'PostConfirmation'
  | 'PreAuthentication'
  | 'PostAuthentication'
  | 'PreTokenGeneration'
  | 'CustomMessage'
  | 'DefineAuthChallenge'
  | 'CreateAuthChallenge'
  | 'VerifyAuthChallengeResponse'
  | 'UserMigration';

export const TRIGGER_NAMES: readonly TriggerName[] = [
  'PreSignUp',
  'PostConfirmation',
  'PreAuthentication',
  'PostAuthentication',
  'PreTokenGeneration',
  'CustomMessage',
  'DefineAuthChallenge',
  'CreateAuthChallenge',
  'VerifyAuthChallengeResponse',
  'UserMigration',
];

/** The trigger a trigger source belongs to (`TokenGeneration_*` → PreTokenGeneration). */
export function triggerNameOf(triggerSource: string): TriggerName | undefined {
  const prefix = triggerSource.split('_')[0];
  const name = prefix === 'TokenGeneration' ? 'PreTokenGeneration' : prefix;
  return (TRIGGER_NAMES as readonly string[]).includes(name) ? (name as TriggerName) : undefined;
}

/** Every trigger source Cognito sends, by trigger. */
export const TRIGGER_SOURCES: Record<TriggerName, readonly string[]> = {
  PreSignUp: ['PreSignUp_SignUp', 'PreSignUp_AdminCreateUser', 'PreSignUp_ExternalProvider'],
  PostConfirmation: ['PostConfirmation_ConfirmSignUp', 'PostConfirmation_ConfirmForgotPassword'],
  PreAuthentication: ['PreAuthentication_Authentication'],
  PostAuthentication: ['PostAuthentication_Authentication'],
  PreTokenGeneration: [
    'TokenGeneration_HostedAuth',
    'TokenGeneration_Authentication',
    'TokenGeneration_NewPasswordChallenge',
    'TokenGeneration_AuthenticateDevice',
    'TokenGeneration_RefreshTokens',
  ],
  CustomMessage: [
    'CustomMessage_SignUp',
    'CustomMessage_AdminCreateUser',
    'CustomMessage_ResendCode',
    'CustomMessage_ForgotPassword',
    'CustomMessage_UpdateUserAttribute',
    'CustomMessage_VerifyUserAttribute',
    'CustomMessage_Authentication',
  ],
  DefineAuthChallenge: ['DefineAuthChallenge_Authentication'],
  CreateAuthChallenge: ['CreateAuthChallenge_Authentication'],
  VerifyAuthChallengeResponse: ['VerifyAuthChallengeResponse_Authentication'],
  UserMigration: ['UserMigration_Authentication', 'UserMigration_ForgotPassword'],
};

/** The `response` Cognito sends, before the function fills it in. */
export function initialResponse(triggerSource: string, version = '1'): Record<string, unknown> {
  switch (triggerNameOf(triggerSource)) {
    case 'PreSignUp':
      return { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false };
    case 'PreTokenGeneration':
      return version === '1' ? { claimsOverrideDetails: null } : { claimsAndScopeOverrideDetails: null };
    case 'CustomMessage':
      return { smsMessage: null, emailMessage: null, emailSubject: null };
    case 'DefineAuthChallenge':
      return { challengeName: null, issueTokens: null, failAuthentication: null };
    case 'CreateAuthChallenge':
      return { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null };
    case 'VerifyAuthChallengeResponse':
      return { answerCorrect: null };
    case 'UserMigration':
      return {
        userAttributes: null,
        forceAliasCreation: null,
        enableSMSMFA: null,
        finalUserStatus: null,
        messageAction: null,
        desiredDeliveryMediums: null,
      };
    default:
      return {};
  }
}

export interface TriggerEvent<Request = Record<string, unknown>, Response = Record<string, unknown>> {
  version: string;
  region: string;
  userPoolId: string;
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string };
  triggerSource: string;
  request: Request;
  response: Response;
}

export interface TriggerEventInput {
  region: string;
  userPoolId: string;
  userName: string;
  triggerSource: string;
  /** The app client, when the operation has one. */
  clientId?: string;
  /** The trigger's request: userAttributes, validationData, clientMetadata, session, ... */
  request: Record<string, unknown>;
  /** "1" for every trigger; "2" or "3" for pre token generation V2/V3. */
  version?: string;
  /** The caller's SDK as Cognito reports it (from x-amz-user-agent). */
  awsSdkVersion?: string;
}

/** A trigger event exactly as Cognito builds it. */
export function triggerEvent(input: TriggerEventInput): TriggerEvent {
  const version = input.version ?? '1';
  return {
    version,
    region: input.region,
    userPoolId: input.userPoolId,
    userName: input.userName,
    callerContext: {
      awsSdkVersion: input.awsSdkVersion ?? 'aws-sdk-unknown-unknown',
      clientId: input.clientId ?? 'CLIENT_ID_NOT_APPLICABLE',
    },
    triggerSource: input.triggerSource,
    request: input.request,
    response: initialResponse(input.triggerSource, version),
  };
}
