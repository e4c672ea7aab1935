/** A cognito-identity error, sent as `{"__type","message"}` with its HTTP status. */
export class CognitoIdentityError extends Error {
  constructor(
    readonly type:
      | 'NotAuthorizedException'
      | 'ResourceNotFoundException'
      | 'InvalidParameterException'
      | 'InvalidIdentityPoolConfigurationException'
      | 'ExternalServiceException'
      | 'ResourceConflictException'
      | 'TooManyRequestsException'
      | 'UnknownOperationException'
      | 'SerializationException'
      | 'InternalErrorException',
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
