import { AwsJsonError } from '../http/http';

/** A cognito-identity error, sent as `{"__type","message"}` with its HTTP status. */
export class CognitoIdentityError extends AwsJsonError {
  constructor(
    type:
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
    status = 400,
  ) {
    super(type, message, status);
  }
  get type(): string {
    return this.code;
  }
}
