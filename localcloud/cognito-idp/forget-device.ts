import { usersDevice } from './devices';
import type { Target } from './services';

export const ForgetDevice: Target = (services) => async (_ctx, req) => {
  const { signedIn: session, device } = await usersDevice(services, req, { confirmed: true });
  services.devices.forget(session.pool.id, session.user.username, device.deviceKey);
  return {};
};
