import { parameterArn, requireString, type SsmOperation } from './common';
import { SsmError } from './errors';

/**
 * AmazonSSM.DeleteParameter (what `ampx sandbox secret remove` calls) — IAM
 * action ssm:DeleteParameter on the parameter's ARN. Deletes every version
 * of a secret; the templates' own parameters are provisioned, not deleted here.
 */
export const DeleteParameter: SsmOperation = (services) => async (ctx, input) => {
  const name = requireString(input, 'Name');
  services.auth.authorize(ctx.caller, 'ssm:DeleteParameter', parameterArn(services, name), ctx.sourceIp);
  if (services.parameters.provisioned(name)) {
    throw new SsmError('UnsupportedOperationException', `The local cloud provisions ${name} from the cloud assembly; it does not delete it.`);
  }
  if (!services.parameters.remove(name)) throw new SsmError('ParameterNotFound', `Parameter ${name} not found.`);
  return {};
};
