import { randomBytes } from 'node:crypto';
import type { UserPoolConfig } from '../provisioning/user-pools';
import type { Clock } from '../services/clock';
import { newUuid } from '../services/ids';
import type { Store } from '../store/store';
import { InvalidParameter, ResourceNotFound } from './errors';
import { signedIn } from './lookups';
import type { Services } from './services';
import type { VerifiedToken } from './tokens';
import { string, type Json } from './validate';

/**
 * Devices, where the pool tracks them: each sign-in not made with a known
 * device hands out new device keys; ConfirmDevice stores the device's own
 * SRP verifier; a remembered device later signs in with DEVICE_SRP_AUTH
 * and skips MFA.
 */
export interface Device {
  poolId: string;
  username: string;
  deviceKey: string;
  deviceGroupKey: string;
  confirmed: boolean;
  remembered: boolean;
  name?: string;
  /** Hex, as the device's SRP uses them. */
  salt?: string;
  verifier?: string;
  createdAt: number;
  modifiedAt: number;
  lastAuthenticatedAt: number;
}

export const devicesMigrations = [
  `CREATE TABLE cognito_devices (
     device_key TEXT PRIMARY KEY,
     pool_id TEXT NOT NULL, username TEXT NOT NULL, data TEXT NOT NULL)`,
  'CREATE INDEX cognito_devices_user ON cognito_devices (pool_id, username)',
];

export interface Devices {
  /** A new, unconfirmed device for a sign-in (its keys go out as NewDeviceMetadata). */
  create(pool: UserPoolConfig, username: string): Device;
  get(poolId: string, username: string, deviceKey: string): Device | undefined;
  /** The user's confirmed devices, most recently authenticated first. */
  list(poolId: string, username: string): Device[];
  save(device: Device): void;
  forget(poolId: string, username: string, deviceKey: string): void;
  forgetAll(poolId: string, username: string): void;
}

export function createDevices(store: Store, clock: Clock): Devices {
  store.migrate('cognito-idp.devices', devicesMigrations);
  const db = store.db;
  const upsert = db.prepare(
    `INSERT INTO cognito_devices (device_key, pool_id, username, data) VALUES (?, ?, ?, ?)
     ON CONFLICT (device_key) DO UPDATE SET data = excluded.data`,
  );
  const parse = (data: unknown) => (typeof data === 'string' ? (JSON.parse(data) as Device) : undefined);
  const devices: Devices = {
    create(pool, username) {
      const now = clock.now().getTime();
      const device: Device = {
        poolId: pool.id,
        username,
        deviceKey: `${pool.region}_${newUuid()}`,
        deviceGroupKey: `-${randomBytes(7).toString('base64url')}`,
        confirmed: false,
        remembered: false,
        createdAt: now,
        modifiedAt: now,
        lastAuthenticatedAt: now,
      };
      devices.save(device);
      return device;
    },
    get: (poolId, username, deviceKey) =>
      parse(db.prepare('SELECT data FROM cognito_devices WHERE device_key = ? AND pool_id = ? AND username = ?').pluck().get(deviceKey, poolId, username)),
    list: (poolId, username) =>
      (db.prepare('SELECT data FROM cognito_devices WHERE pool_id = ? AND username = ?').pluck().all(poolId, username) as string[])
        .map((d) => parse(d)!)
        .filter((d) => d.confirmed)
        .sort((a, b) => b.lastAuthenticatedAt - a.lastAuthenticatedAt),
    save: (device) => void upsert.run(device.deviceKey, device.poolId, device.username, JSON.stringify(device)),
    forget: (poolId, username, deviceKey) =>
      void db.prepare('DELETE FROM cognito_devices WHERE device_key = ? AND pool_id = ? AND username = ?').run(deviceKey, poolId, username),
    forgetAll: (poolId, username) => void db.prepare('DELETE FROM cognito_devices WHERE pool_id = ? AND username = ?').run(poolId, username),
  };
  return devices;
}

/** A device as ListDevices and GetDevice answer it (dates in epoch seconds, as AWS JSON has them). */
export function deviceOnTheWire(device: Device) {
  return {
    DeviceKey: device.deviceKey,
    DeviceAttributes: [
      { Name: 'device_status', Value: 'valid' },
      { Name: 'device_name', Value: device.name ?? '' },
      { Name: 'dev:device_remembered_status', Value: device.remembered ? 'remembered' : 'not_remembered' },
    ],
    DeviceCreateDate: device.createdAt / 1000,
    DeviceLastModifiedDate: device.modifiedAt / 1000,
    DeviceLastAuthenticatedDate: device.lastAuthenticatedAt / 1000,
  };
}

/** The signed-in user's device named by DeviceKey, in a pool that tracks devices. */
export async function usersDevice(services: Services, req: Json, options: { confirmed: boolean }): Promise<{ signedIn: VerifiedToken; device: Device }> {
  const session = await signedIn(services, req);
  const deviceKey = string(req, 'DeviceKey');
  if (!session.pool.deviceConfiguration) throw InvalidParameter('Device tracking is not enabled for this user pool.');
  const device = services.devices.get(session.pool.id, session.user.username, deviceKey);
  if (!device || device.confirmed !== options.confirmed) throw ResourceNotFound('Device does not exist.');
  return { signedIn: session, device };
}
