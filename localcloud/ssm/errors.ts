import { AwsJsonError } from '../http/http';

/** An SSM error: `{"__type","message"}` with HTTP 400, as SSM answers. */
export class SsmError extends AwsJsonError {}

export const validation = (message: string) => new SsmError('ValidationException', message);
