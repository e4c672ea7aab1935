export { InvalidParameter, UsernameExists, UserNotFound } from '../errors';
import { CognitoError } from '../errors';

export const UnsupportedUserState = (message: string) => new CognitoError('UnsupportedUserStateException', message);
