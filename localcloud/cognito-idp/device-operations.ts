import { InvalidParameter, ResourceNotFound } from './errors';
import { deviceOnTheWire, type Device } from './devices';
import { signedIn } from './lookups';
import type { Services, Target } from './services';
import type { VerifiedToken } from './tokens';
import { optionalObject, optionalString, string, type Json } from './validate';

/** The signed-in user's device named by DeviceKey, in a pool that tracks devices. */
async function usersDevice(services: Services, req: Json, options: { confirmed: boolean }): Promise<{ signedIn: VerifiedToken; device: Device }> {
  const session = await signedIn(services, req);
  const deviceKey = string(req, 'DeviceKey');
  if (!session.pool.deviceConfiguration) throw InvalidParameter('Device tracking is not enabled for this user pool.');
  const device = services.devices.get(session.pool.id, session.user.username, deviceKey);
  if (!device || device.confirmed !== options.confirmed) throw ResourceNotFound('Device does not exist.');
  return { signedIn: session, device };
}

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

export const UpdateDeviceStatus: Target = (services) => async (_ctx, req) => {
  const { device } = await usersDevice(services, req, { confirmed: true });
  const status = optionalString(req, 'DeviceRememberedStatus');
  if (status !== 'remembered' && status !== 'not_remembered') throw InvalidParameter('DeviceRememberedStatus must be remembered or not_remembered.');
  services.devices.save({ ...device, remembered: status === 'remembered', modifiedAt: services.clock.now().getTime() });
  return {};
};

export const GetDevice: Target = (services) => async (_ctx, req) => {
  const { device } = await usersDevice(services, req, { confirmed: true });
  return { Device: deviceOnTheWire(device) };
};

export const ForgetDevice: Target = (services) => async (_ctx, req) => {
  const { signedIn: session, device } = await usersDevice(services, req, { confirmed: true });
  services.devices.forget(session.pool.id, session.user.username, device.deviceKey);
  return {};
};

/** The user's tracked devices (none where the pool does not track devices). */
export const ListDevices: Target = (services) => async (_ctx, req) => {
  const { pool, user } = await signedIn(services, req);
  return { Devices: services.devices.list(pool.id, user.username).map(deviceOnTheWire) };
};
