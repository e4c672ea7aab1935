import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The local stand-in for SSM Parameter Store's SecureString parameters, where
 * `ampx sandbox secret set` keeps Amplify secrets. One JSON file in the state
 * folder, readable by its owner only (0600), replaced atomically on every
 * change (written to a temporary file, synced, renamed), so a crash never
 * leaves it half-written. Every version of a parameter is kept, as SSM keeps
 * them, so `name:version` selectors work. Values never appear in errors or logs.
 */
export const SECRETS_FILE = 'secrets.json';

export interface SecretVersion {
  version: number;
  value: string;
  lastModified: string; // ISO 8601
}

export interface StoredParameter {
  /** Full parameter name, e.g. /amplify/amplifyvault/local-sandbox-b1bf32956d/GOOGLE_CLIENT_ID */
  name: string;
  versions: SecretVersion[];
}

interface SecretsFile {
  format: 1;
  parameters: Record<string, StoredParameter>;
}

export interface SecretListing {
  name: string;
  version: number;
  lastModified: Date;
}

export class SecretStore {
  readonly file: string;
  private cache?: { mtimeMs: number; size: number; data: SecretsFile };

  constructor(readonly stateDir: string) {
    this.file = join(stateDir, SECRETS_FILE);
  }

  /** Sets a parameter's value; returns the new version (1 for a new parameter). */
  set(name: string, value: string, now = new Date()): number {
    const data = this.read();
    const existing = data.parameters[name] ?? { name, versions: [] };
    const version = (existing.versions.at(-1)?.version ?? 0) + 1;
    existing.versions.push({ version, value, lastModified: now.toISOString() });
    data.parameters[name] = existing;
    this.write(data);
    return version;
  }

  /** The latest version, or the given one. */
  get(name: string, version?: number): (SecretVersion & { name: string }) | undefined {
    const parameter = this.read().parameters[name];
    if (!parameter) return undefined;
    const found = version === undefined ? parameter.versions.at(-1) : parameter.versions.find((v) => v.version === version);
    return found ? { name, ...found } : undefined;
  }

  has(name: string): boolean {
    return name in this.read().parameters;
  }

  /** Parameters under a path prefix (names only, never values). */
  list(prefix = '/'): SecretListing[] {
    const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
    return Object.values(this.read().parameters)
      .filter((p) => p.name.startsWith(base))
      .map((p) => {
        const latest = p.versions.at(-1)!;
        return { name: p.name, version: latest.version, lastModified: new Date(latest.lastModified) };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Every parameter with its latest value (for the SSM service). */
  all(): (SecretVersion & { name: string })[] {
    return Object.values(this.read().parameters).map((p) => ({ name: p.name, ...p.versions.at(-1)! }));
  }

  /** Removes a parameter and all its versions; false when it did not exist. */
  remove(name: string): boolean {
    const data = this.read();
    if (!(name in data.parameters)) return false;
    delete data.parameters[name];
    this.write(data);
    return true;
  }

  private read(): SecretsFile {
    if (!existsSync(this.file)) return { format: 1, parameters: {} };
    const stat = statSync(this.file);
    if (this.cache && this.cache.mtimeMs === stat.mtimeMs && this.cache.size === stat.size) {
      return structuredClone(this.cache.data);
    }
    let data: SecretsFile;
    try {
      data = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      throw new Error(`The secrets file ${this.file} is not valid JSON; remove it and set the secrets again.`);
    }
    if (data?.format !== 1 || typeof data.parameters !== 'object') {
      throw new Error(`The secrets file ${this.file} has an unknown format.`);
    }
    this.cache = { mtimeMs: stat.mtimeMs, size: stat.size, data };
    return structuredClone(data);
  }

  private write(data: SecretsFile): void {
    mkdirSync(this.stateDir, { recursive: true });
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(data, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.file);
    this.cache = undefined;
  }
}
