import { deviceOnTheWire } from './devices';
import { signedIn } from './lookups';
import type { Target } from './services';

/** The user's tracked devices (none where the pool does not track devices). */
export const ListDevices: Target = (services) => async (_ctx, req) => {
  const { pool, user } = await signedIn(services, req);
  return { Devices: services.devices.list(pool.id, user.username).map(deviceOnTheWire) };
};
