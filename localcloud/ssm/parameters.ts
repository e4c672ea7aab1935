import type { ProvisionedAssembly } from '../provisioning/types';
import type { SecretStore } from '../secrets/secret-store';

/** A parameter as SSM returns it (Value is the plaintext). */
export interface Parameter {
  Name: string;
  Type: 'String' | 'StringList' | 'SecureString';
  Value: string;
  Version: number;
  LastModifiedDate: Date;
  DataType: 'text';
}

/**
 * The parameters the local cloud answers: the templates' AWS::SSM::Parameter
 * resources (Amplify's resource references, e.g. AMPLIFY_AUTH_USERPOOL_ID,
 * with their values resolved to local identifiers) and the secrets store's
 * SecureStrings (`npm run secret`). A secret set with the name of a template
 * parameter does not replace it.
 */
export interface ParameterSource {
  /** Latest version, or the given version. */
  get(name: string, version?: number): Parameter | undefined;
  /** Every parameter's latest version (for GetParametersByPath). */
  all(): Parameter[];
  /** Whether `name` is one of the templates' parameters (provisioned, not writable). */
  provisioned(name: string): boolean;
  /** Stores a new version of a SecureString parameter (PutParameter); returns it. */
  putSecureString(name: string, value: string): Parameter;
  /** Deletes a secret with all its versions (DeleteParameter); false when there is none. */
  remove(name: string): boolean;
}

/**
 * `provisioned`: parameters present besides the templates' (the CDK bootstrap
 * version), read-only like them.
 */
export function createParameterSource(
  assembly: ProvisionedAssembly | undefined,
  secrets: SecretStore,
  provisioned: { name: string; value: string }[] = [],
): ParameterSource {
  const deployedAt = new Date();
  const fromTemplates = new Map<string, Parameter>();
  for (const p of provisioned) fromTemplates.set(p.name, { Name: p.name, Type: 'String', Value: p.value, Version: 1, LastModifiedDate: deployedAt, DataType: 'text' });
  for (const r of assembly?.ofType('AWS::SSM::Parameter') ?? []) {
    const p = r.properties;
    if (typeof p.Value !== 'string') continue; // deploy-time values are unknown offline
    const type = p.Type === 'StringList' ? 'StringList' : 'String';
    fromTemplates.set(r.ref, { Name: r.ref, Type: type, Value: p.Value, Version: 1, LastModifiedDate: deployedAt, DataType: 'text' });
  }
  const secret = (name: string, version?: number): Parameter | undefined => {
    const found = secrets.get(name, version);
    return (
      found && {
        Name: name,
        Type: 'SecureString',
        Value: found.value,
        Version: found.version,
        LastModifiedDate: new Date(found.lastModified),
        DataType: 'text',
      }
    );
  };
  return {
    get(name, version) {
      const templated = fromTemplates.get(name);
      if (templated) return version === undefined || version === 1 ? templated : undefined;
      return secret(name, version);
    },
    all() {
      const out = new Map(fromTemplates);
      for (const s of secrets.all()) if (!out.has(s.name)) out.set(s.name, secret(s.name)!);
      return [...out.values()];
    },
    provisioned: (name) => fromTemplates.has(name),
    putSecureString(name, value) {
      const version = secrets.set(name, value);
      return secret(name, version)!;
    },
    remove: (name) => secrets.remove(name),
  };
}
