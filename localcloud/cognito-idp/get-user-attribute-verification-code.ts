import { InvalidParameter } from './errors';
import { signedIn } from './lookups';
import type { Target } from './services';
import { string, stringMap } from './validate';

export const GetUserAttributeVerificationCode: Target = (services) => async (_ctx, req) => {
  const { pool, user } = await signedIn(services, req);
  const name = string(req, 'AttributeName');
  const clientMetadata = stringMap(req, 'ClientMetadata');
  if (name !== 'email' && name !== 'phone_number') throw InvalidParameter(`Invalid attribute name: ${name} cannot be verified.`);
  const destination = user.pendingAttributes[name] ?? user.attributes[name];
  if (!destination) throw InvalidParameter(`User does not have a ${name} to verify.`);
  return { CodeDeliveryDetails: await services.codes.send(pool, user, 'VERIFY_ATTRIBUTE', name, { destination, clientMetadata }) };
};
