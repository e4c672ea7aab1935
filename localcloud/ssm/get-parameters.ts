import { optionalBoolean, parameterArn, parseSelector, type SsmOperation, wireParameter } from './common';
import { SsmError, validation } from './errors';

/**
 * AmazonSSM.GetParameters (what Amplify's function runtime calls, 10 names at
 * most) — IAM action ssm:GetParameters on every named parameter: one refusal
 * refuses the call. Unknown names come back in InvalidParameters.
 */
export const GetParameters: SsmOperation = (services) => async (ctx, input) => {
  const names = input.Names;
  if (names === undefined || names === null) {
    throw validation("1 validation error detected: Value null at 'names' failed to satisfy constraint: Member must not be null");
  }
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
    throw new SsmError('SerializationException', 'Names must be a list of strings.');
  }
  if (names.length < 1 || names.length > 10) {
    throw validation(
      `1 validation error detected: Value '[${names.join(', ')}]' at 'names' failed to satisfy constraint: Member must have length ${
        names.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 10'
      }`,
    );
  }
  const withDecryption = optionalBoolean(input, 'WithDecryption');
  const requested = [...new Set(names as string[])].map((raw) => ({ raw, ...parseSelector(raw) }));
  for (const r of requested) services.auth.authorize(ctx.caller, 'ssm:GetParameters', parameterArn(services, r.name), ctx.sourceIp);
  const Parameters: unknown[] = [];
  const InvalidParameters: string[] = [];
  for (const r of requested) {
    const labelOnly = r.selector !== undefined && r.version === undefined;
    const parameter = labelOnly ? undefined : services.parameters.get(r.name, r.version);
    if (parameter) Parameters.push(wireParameter(services, parameter, withDecryption, r.selector));
    else InvalidParameters.push(r.raw);
  }
  return { Parameters, InvalidParameters };
};
