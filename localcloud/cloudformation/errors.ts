import { QueryProtocolError } from '../http/query-protocol';

/** CloudFormation's XML namespace (API version 2010-05-15). */
export const CLOUDFORMATION_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
export const CLOUDFORMATION_VERSION = '2010-05-15';

/** CloudFormation's errors: the query protocol's error, with its codes. */
export class CloudFormationError extends QueryProtocolError {}

/** ValidationError, CloudFormation's answer to most bad input (the toolkit compares some messages exactly). */
export const validationError = (message: string) => new CloudFormationError('ValidationError', message, 400);

/** "Stack with id X does not exist": the exact text the CDK toolkit compares. */
export const stackDoesNotExist = (nameOrId: string) => validationError(`Stack with id ${nameOrId} does not exist`);
