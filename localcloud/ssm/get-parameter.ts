import { optionalBoolean, parameterArn, parseSelector, requireString, type SsmOperation, wireParameter } from './common';
import { SsmError } from './errors';

/** AmazonSSM.GetParameter — IAM action ssm:GetParameter on the parameter's ARN. */
export const GetParameter: SsmOperation = (services) => async (ctx, input) => {
  const raw = requireString(input, 'Name');
  const withDecryption = optionalBoolean(input, 'WithDecryption');
  const { name, version, selector } = parseSelector(raw);
  services.auth.authorize(ctx.caller, 'ssm:GetParameter', parameterArn(services, name), ctx.sourceIp);
  if (selector && version === undefined) {
    throw new SsmError('ParameterVersionLabelLimitExceeded', `The local cloud keeps no labels: ${selector.slice(1)} cannot select a version of ${name}.`);
  }
  const parameter = services.parameters.get(name, version);
  if (!parameter) {
    if (version !== undefined && services.parameters.get(name)) {
      throw new SsmError(
        'ParameterVersionNotFound',
        `Systems Manager could not find version ${version} of ${name}. Verify the version and try again.`,
      );
    }
    throw new SsmError('ParameterNotFound', `Parameter ${name} not found.`);
  }
  return { Parameter: wireParameter(services, parameter, withDecryption, selector) };
};
