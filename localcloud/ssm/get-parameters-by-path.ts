import { optionalBoolean, parameterArn, requireString, type SsmOperation, wireParameter } from './common';
import { SsmError, validation } from './errors';

/**
 * AmazonSSM.GetParametersByPath (what `ampx sandbox secret list` calls) —
 * IAM action ssm:GetParametersByPath on the path's ARN. Without Recursive,
 * only the path's direct children; at most MaxResults (1–10) per page.
 */
export const GetParametersByPath: SsmOperation = (services) => async (ctx, input) => {
  const path = requireString(input, 'Path');
  if (!path.startsWith('/')) {
    throw validation('The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/".');
  }
  const recursive = optionalBoolean(input, 'Recursive');
  const withDecryption = optionalBoolean(input, 'WithDecryption');
  const maxResults = input.MaxResults ?? 10;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 10) {
    throw validation(
      `1 validation error detected: Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 10`,
    );
  }
  let offset = 0;
  if (input.NextToken !== undefined && input.NextToken !== null) {
    const token = typeof input.NextToken === 'string' ? Buffer.from(input.NextToken, 'base64url').toString('utf8') : '';
    const m = /^ssm-page:(\d+):(.*)$/.exec(token);
    if (!m || m[2] !== path) throw new SsmError('InvalidNextToken', 'The specified token is not valid.');
    offset = Number(m[1]);
  }
  services.auth.authorize(ctx.caller, 'ssm:GetParametersByPath', parameterArn(services, path), ctx.sourceIp);
  const base = path.endsWith('/') ? path : `${path}/`;
  const matching = services.parameters
    .all()
    .filter((p) => p.Name.startsWith(base) && (recursive || !p.Name.slice(base.length).includes('/')))
    .sort((a, b) => a.Name.localeCompare(b.Name));
  const page = matching.slice(offset, offset + maxResults);
  const next = offset + maxResults < matching.length ? offset + maxResults : undefined;
  return {
    Parameters: page.map((p) => wireParameter(services, p, withDecryption)),
    ...(next !== undefined ? { NextToken: Buffer.from(`ssm-page:${next}:${path}`).toString('base64url') } : {}),
  };
};
