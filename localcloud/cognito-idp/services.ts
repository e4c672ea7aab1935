import type { UserPoolClientConfig, UserPoolConfig } from '../provisioning/user-pools';
import type { Clock } from '../services/clock';
import type { Outbox } from '../services/outbox';
import type { Sealer } from '../services/sealing';
import type { Triggers } from '../services/triggers';
import type { Store } from '../store/store';
import type { Codes } from './codes';
import type { Devices } from './devices';
import type { Lockouts } from './lockout';
import { ResourceNotFound } from './errors';
import type { Tokens } from './tokens';
import type { UserStore } from './users';

/** Everything an operation may use; each handler picks what it needs (`Pick<Services, ...>`). */
export interface Services {
  clock: Clock;
  store: Store;
  pools: Pools;
  users: UserStore;
  codes: Codes;
  devices: Devices;
  lockouts: Lockouts;
  tokens: Tokens;
  outbox: Outbox;
  sealer: Sealer;
  triggers: Triggers;
}

export interface Pools {
  all(): UserPoolConfig[];
  byId(poolId: string): UserPoolConfig | undefined;
  /** The client and its pool; ResourceNotFoundException as Cognito words it when unknown. */
  client(clientId: string): { pool: UserPoolConfig; client: UserPoolClientConfig };
}

export function createPools(pools: UserPoolConfig[]): Pools {
  const clients = new Map(pools.flatMap((pool) => pool.clients.map((client) => [client.clientId, { pool, client }] as const)));
  return {
    all: () => pools,
    byId: (poolId) => pools.find((p) => p.id === poolId),
    client(clientId) {
      const found = clients.get(clientId);
      if (!found) throw ResourceNotFound(`User pool client ${clientId} does not exist.`);
      return found;
    },
  };
}

/** Per-request context: the caller's address and the operation, for logs and trigger events. */
export interface Context {
  operation: string;
  sourceIp?: string;
}

export type Handler<Req = Record<string, unknown>, Res = object> = (ctx: Context, req: Req) => Promise<Res>;
export type Target = (services: Services) => Handler;
