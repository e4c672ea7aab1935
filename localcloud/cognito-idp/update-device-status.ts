import { usersDevice } from './devices';
import { InvalidParameter } from './errors';
import type { Target } from './services';
import { optionalString } from './validate';

export const UpdateDeviceStatus: Target = (services) => async (_ctx, req) => {
  const { device } = await usersDevice(services, req, { confirmed: true });
  const status = optionalString(req, 'DeviceRememberedStatus');
  if (status !== 'remembered' && status !== 'not_remembered') throw InvalidParameter('DeviceRememberedStatus must be remembered or not_remembered.');
  services.devices.save({ ...device, remembered: status === 'remembered', modifiedAt: services.clock.now().getTime() });
  return {};
};
