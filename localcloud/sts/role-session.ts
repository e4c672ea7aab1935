import { unsupportedOperation } from '../http/query-protocol';
import { StsError } from './errors';

/** What STS's AssumeRole calls share: the members' checks, in STS's words, and the session's duration. */
export const DEFAULT_DURATION = 3600;
/** A role's MaxSessionDuration when the template leaves it out. */
export const DEFAULT_MAX_SESSION = 3600;

export const missing = (member: string) =>
  new StsError('ValidationError', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`, 400);

export function checkRoleArnAndSessionName(roleArn: string, sessionName: string): void {
  if (roleArn.length < 20 || roleArn.length > 2048) {
    throw new StsError('ValidationError', "1 validation error detected: Value at 'roleArn' failed to satisfy constraint: Member must have length between 20 and 2048", 400);
  }
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw new StsError('ValidationError', `1 validation error detected: Value '${sessionName.slice(0, 64)}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`, 400);
  }
}

/** DurationSeconds (900–43200, default one hour); session policies are refused as not emulated. */
export function requestedDuration(params: URLSearchParams, operation: string): number {
  const durationText = params.get('DurationSeconds');
  const duration = durationText === null ? DEFAULT_DURATION : Number(durationText);
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    throw new StsError('ValidationError', `1 validation error detected: Value '${String(durationText).slice(0, 20)}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`, 400);
  }
  if (params.has('Policy') || [...params.keys()].some((k) => k.startsWith('PolicyArns.'))) {
    throw unsupportedOperation('STS', `${operation} with session policies (Policy, PolicyArns)`);
  }
  return duration;
}
