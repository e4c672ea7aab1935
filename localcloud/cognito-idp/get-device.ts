import { deviceOnTheWire, usersDevice } from './devices';
import type { Target } from './services';

export const GetDevice: Target = (services) => async (_ctx, req) => {
  const { device } = await usersDevice(services, req, { confirmed: true });
  return { Device: deviceOnTheWire(device) };
};
