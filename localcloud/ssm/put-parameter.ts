import { optionalBoolean, parameterArn, requireString, type SsmOperation } from './common';
import { SsmError, validation } from './errors';

/** SSM's limits for a Standard-tier parameter. */
const MAX_STANDARD_VALUE = 4096;
const MAX_HIERARCHY_DEPTH = 15;
const NAME_CHARACTERS = /^[a-zA-Z0-9_.\-/]+$/;

/**
 * AmazonSSM.PutParameter (what `ampx sandbox secret set` calls) — IAM action
 * ssm:PutParameter on the parameter's ARN. Stores SecureString parameters in
 * the local secret store (the same one `npm run secret` writes), one new
 * version per call; the templates' own parameters are provisioned from the
 * cloud assembly and are not written here.
 */
export const PutParameter: SsmOperation = (services) => async (ctx, input) => {
  const name = requireString(input, 'Name');
  if (input.Value === undefined || input.Value === null) {
    throw validation("1 validation error detected: Value null at 'value' failed to satisfy constraint: Member must not be null");
  }
  if (typeof input.Value !== 'string') throw new SsmError('SerializationException', 'Value must be a string.');
  const value = input.Value;
  const overwrite = optionalBoolean(input, 'Overwrite');
  const type = input.Type ?? 'String';
  if (type !== 'String' && type !== 'StringList' && type !== 'SecureString') {
    throw validation(
      `1 validation error detected: Value '${String(type)}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`,
    );
  }
  if (!NAME_CHARACTERS.test(name) || /^\/?(aws|ssm)/i.test(name) || (name.includes('/') && !name.startsWith('/'))) {
    throw validation(
      'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_',
    );
  }
  if (name.split('/').length - 1 > MAX_HIERARCHY_DEPTH) {
    throw new SsmError('HierarchyLevelLimitExceededException', `A hierarchy can have a maximum of ${MAX_HIERARCHY_DEPTH} levels.`);
  }
  if (value.length === 0) {
    throw validation("1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1");
  }
  if (value.length > MAX_STANDARD_VALUE) {
    throw validation(
      `Standard tier parameters support a maximum parameter value of ${MAX_STANDARD_VALUE} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameters tier.`,
    );
  }
  if (input.Tier !== undefined && input.Tier !== 'Standard') {
    throw new SsmError('UnsupportedOperationException', `The local cloud keeps Standard-tier parameters only, not ${String(input.Tier)}.`);
  }
  services.auth.authorize(ctx.caller, 'ssm:PutParameter', parameterArn(services, name), ctx.sourceIp);
  const exists = services.parameters.provisioned(name) || services.parameters.get(name) !== undefined;
  if (exists && !overwrite) {
    throw new SsmError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
  }
  if (services.parameters.provisioned(name)) {
    throw new SsmError('UnsupportedOperationException', `The local cloud provisions ${name} from the cloud assembly; it does not overwrite it.`);
  }
  if (type !== 'SecureString') {
    throw new SsmError('UnsupportedOperationException', `The local cloud stores SecureString parameters (Amplify secrets) only, not ${type}.`);
  }
  const stored = services.parameters.putSecureString(name, value);
  return { Version: stored.Version, Tier: 'Standard' };
};
