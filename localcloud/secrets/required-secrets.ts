import type { ProvisionedAssembly } from '../provisioning/types';

/** The custom resource Amplify synthesizes for `secret()`: it reads each secret from SSM at deploy time. */
export const SECRET_FETCHER_TYPE = 'Custom::AmplifySecretFetcherResource';

/**
 * Every secret the backend's `secret()` calls name, as the templates'
 * secret fetchers list them (`secretNames`), each once, in template order.
 * A deploy (`npx ampx sandbox`, `pipeline-deploy`) fails unless each exists.
 */
export function requiredSecretNames(assembly: ProvisionedAssembly): string[] {
  const names = new Set<string>();
  for (const fetcher of assembly.ofType(SECRET_FETCHER_TYPE)) {
    const listed = fetcher.properties.secretNames;
    if (Array.isArray(listed)) for (const name of listed) if (typeof name === 'string') names.add(name);
  }
  return [...names];
}
