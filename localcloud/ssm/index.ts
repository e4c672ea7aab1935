import type { IncomingMessage, ServerResponse } from 'node:http';
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
    parameters: createParameterSource(deps.assembly, secrets),
    auth: deps.auth,
    region: deps.assembly.region,
    accountId: deps.assembly.accountId,
  });
  return { name: 'ssm', matches: matchesSsm, handle, secrets };
}
