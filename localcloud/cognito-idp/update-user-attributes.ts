import { assertWritable, checkAttributes } from './attributes';
import type { CodeDeliveryDetails } from './codes';
import { AliasExists } from './errors';
import { signedIn } from './lookups';
import type { Target } from './services';
import { attributeList, stringMap } from './validate';

const CHANNELS = ['email', 'phone_number'] as const;

/**
 * Changing email or phone unverifies it and sends a code to the new value;
 * where the pool keeps the old value until the new one is verified
 * (AttributesRequireVerificationBeforeUpdate), the new value waits as pending.
 */
export const UpdateUserAttributes: Target = (services) => async (_ctx, req) => {
  const { pool, user, claims } = await signedIn(services, req);
  const given = attributeList(req, 'UserAttributes', true);
  assertWritable(services.pools.client(String(claims.client_id)).client, given.map((a) => a.Name));
  const updates = checkAttributes(pool, given, false);
  const clientMetadata = stringMap(req, 'ClientMetadata');
  const toVerify: (typeof CHANNELS)[number][] = [];

  for (const channel of CHANNELS) {
    const value = updates[channel];
    if (value === undefined) continue;
    if (value === user.attributes[channel]) {
      // Back to the current value: any change waiting for verification is dropped.
      delete user.pendingAttributes[channel];
      delete updates[channel];
      continue;
    }
    if (pool.usernameAttributes.includes(channel) && services.users.holderOf(pool, channel, value, user.username)) {
      throw AliasExists(`An account with the ${channel === 'email' ? 'email' : 'phone number'} already exists.`);
    }
    const keepOld = pool.attributesRequireVerificationBeforeUpdate.includes(channel) && user.attributes[`${channel}_verified`] === 'true';
    if (keepOld) {
      user.pendingAttributes[channel] = value;
      delete updates[channel];
    } else {
      updates[`${channel}_verified`] = 'false';
    }
    if (pool.autoVerifiedAttributes.includes(channel)) toVerify.push(channel);
  }
  Object.assign(user.attributes, updates);
  user.updatedAt = services.clock.now().getTime();
  services.users.update(pool, user);

  const CodeDeliveryDetailsList: CodeDeliveryDetails[] = [];
  for (const channel of toVerify) {
    const destination = user.pendingAttributes[channel] ?? user.attributes[channel];
    CodeDeliveryDetailsList.push(await services.codes.send(pool, user, 'VERIFY_ATTRIBUTE', channel, { destination, clientMetadata }));
  }
  return { CodeDeliveryDetailsList };
};
