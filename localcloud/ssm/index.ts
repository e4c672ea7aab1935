import type { IncomingMessage, ServerResponse } from 'node:http';
import { BOOTSTRAP_VERSION, BOOTSTRAP_VERSION_PARAMETER } from '../bootstrap/resources';
import type { ProvisionedAssembly } from '../provisioning/types';
import { SecretStore } from '../secrets/secret-store';
import type { AwsJsonAuth } from './aws-json-auth';
import { createParameterSource } from './parameters';
import { createSsmHandler, matchesSsm } from './service';

export { createAwsJsonAuth, type AwsJsonAuth } from './aws-json-auth';

/** SSM Parameter Store for the local cloud: template parameters and the state folder's secrets. */
export function createSsmService(deps: { assembly: ProvisionedAssembly; stateDir: string; auth: AwsJsonAuth }): {
  name: string;
  matches(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  secrets: SecretStore;
} {
  const secrets = new SecretStore(deps.stateDir);
  const handle = createSsmHandler({
    parameters: createParameterSource(deps.assembly, secrets, [{ name: BOOTSTRAP_VERSION_PARAMETER, value: BOOTSTRAP_VERSION }]),
    auth: deps.auth,
    region: deps.assembly.region,
    accountId: deps.assembly.accountId,
  });
  return { name: 'ssm', matches: matchesSsm, handle, secrets };
}
