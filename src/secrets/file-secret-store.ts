import fs from 'node:fs';
import { writeFileAtomic } from '../config/store.js';
import type { SecretName, SecretStore } from './secret-store.js';

/**
 * The web host's secret store: a JSON file created with mode 0600 in the data folder, readable
 * only by the user who runs the host. Values given through the environment take precedence and
 * are never written to disk.
 */
export class FileSecretStore implements SecretStore {
  readonly kind = 'file readable only by this user';

  constructor(
    private readonly file: string,
    private readonly fromEnv: Partial<Record<SecretName, string>> = {},
  ) {}

  private readAll(): Record<string, string> {
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as unknown;
      return data && typeof data === 'object' ? (data as Record<string, string>) : {};
    } catch {
      return {};
    }
  }

  async get(name: SecretName): Promise<string | undefined> {
    return this.fromEnv[name] ?? this.readAll()[name];
  }

  async set(name: SecretName, value: string): Promise<void> {
    const all = this.readAll();
    all[name] = value;
    writeFileAtomic(this.file, JSON.stringify(all), 0o600);
    fs.chmodSync(this.file, 0o600);
  }

  async delete(name: SecretName): Promise<void> {
    const all = this.readAll();
    delete all[name];
    writeFileAtomic(this.file, JSON.stringify(all), 0o600);
  }
}

/** A store that keeps secrets in memory only, for tests and for hosts that get them on stdin. */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory only';
  private readonly values = new Map<SecretName, string>();
  async get(name: SecretName) {
    return this.values.get(name);
  }
  async set(name: SecretName, value: string) {
    this.values.set(name, value);
  }
  async delete(name: SecretName) {
    this.values.delete(name);
  }
}
