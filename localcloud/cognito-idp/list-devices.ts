import { signedIn } from './lookups';
import type { Target } from './services';

/** No device is ever remembered locally (device tracking is not emulated), so the list is empty. */
export const ListDevices: Target = (services) => async (_ctx, req) => {
  await signedIn(services, req);
  return { Devices: [] };
};
