import { usersDevice } from './devices';
import { InvalidParameter } from './errors';
import type { Target } from './services';
import { optionalObject, optionalString } from './validate';

const b64ToHex = (value: unknown, member: string): string => {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(value)) throw InvalidParameter(`Invalid ${member}.`);
  return Buffer.from(value, 'base64').toString('hex');
};

/** Stores the device's SRP verifier; remembered at once unless the pool waits for the user's say-so. */
export const ConfirmDevice: Target = (services) => async (_ctx, req) => {
  const { signedIn: session, device } = await usersDevice(services, req, { confirmed: false });
  const config = optionalObject(req, 'DeviceSecretVerifierConfig') ?? {};
  const onPrompt = session.pool.deviceConfiguration!.deviceOnlyRememberedOnUserPrompt;
  services.devices.save({
    ...device,
    confirmed: true,
    remembered: !onPrompt,
    name: optionalString(req, 'DeviceName'),
    salt: b64ToHex(config.Salt, 'Salt'),
    verifier: b64ToHex(config.PasswordVerifier, 'PasswordVerifier'),
    modifiedAt: services.clock.now().getTime(),
  });
  return { UserConfirmationNecessary: onPrompt };
};
