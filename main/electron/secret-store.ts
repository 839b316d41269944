import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../src/log/logger.js';
import { SecretStoreUnavailableError, type SecretName, type SecretStore } from '../../src/secrets/secret-store.js';

/** The part of Electron's `safeStorage` this store uses; tests give it a fake. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

/** Thrown when the OS offers no keychain to encrypt with; the message is meant for the agent. */
export interface SafeStorageSecretStoreOptions {
  safeStorage: SafeStorageLike;
  /** `<userData>/secrets.bin`: the ciphertext, mode 0600. */
  file: string;
  platform?: NodeJS.Platform;
  logger?: Pick<Logger, 'warn'>;
  /**
   * IT's policy allows Chromium's "basic_text" fallback on Linux desks without a keyring (set and
   * locked by policy: an agent cannot opt into it). Off by default.
   */
  allowBasicText?: () => boolean;
}

/**
 * The desktop host's secret store: the secrets, as one JSON object, encrypted with the OS keychain
 * through Electron's safeStorage (Keychain on macOS, DPAPI on Windows, libsecret or KWallet on
 * Linux) and written to a file only this user can read. Where no keychain is available, and on
 * Linux when Chromium would fall back to its fixed "basic_text" key, it refuses to store: a
 * password is never written in a form anyone could decrypt.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'OS keychain (Electron safeStorage)';
  private readonly safeStorage: SafeStorageLike;
  private readonly file: string;
  private readonly platform: NodeJS.Platform;
  private readonly logger: Pick<Logger, 'warn'> | undefined;
  private readonly allowBasicText: () => boolean;

  constructor(options: SafeStorageSecretStoreOptions) {
    this.allowBasicText = options.allowBasicText ?? (() => false);
    this.safeStorage = options.safeStorage;
    this.file = options.file;
    this.platform = options.platform ?? process.platform;
    this.logger = options.logger;
  }

  /** Why encryption cannot be used right now, or undefined when it can. */
  unavailableReason(): string | undefined {
    if (!this.safeStorage.isEncryptionAvailable()) return 'no system keychain is available to encrypt it';
    if (this.platform === 'linux') {
      const backend = this.safeStorage.getSelectedStorageBackend?.();
      if (backend === 'basic_text') {
        if (this.allowBasicText()) {
          this.logger?.warn({}, 'no system keyring: secrets kept with the weak fallback, as the IT policy allows');
          return undefined;
        }
        return 'no system keyring was found (only an insecure fallback is available)';
      }
      if (backend === 'unknown') return 'the system keyring is not ready yet';
    }
    return undefined;
  }

  async get(name: SecretName): Promise<string | undefined> {
    return this.readAll()?.[name];
  }

  async set(name: SecretName, value: string): Promise<void> {
    this.assertAvailable();
    const all = this.readAll() ?? {};
    all[name] = value;
    this.writeAll(all);
  }

  async delete(name: SecretName): Promise<void> {
    if (!fs.existsSync(this.file)) return;
    this.assertAvailable();
    const all = this.readAll() ?? {};
    delete all[name];
    if (Object.keys(all).length === 0) fs.rmSync(this.file, { force: true });
    else this.writeAll(all);
  }

  private assertAvailable(): void {
    const reason = this.unavailableReason();
    if (reason) throw new SecretStoreUnavailableError(reason);
  }

  /**
   * The stored secrets, or undefined when there are none or they cannot be read now. An unreadable
   * file is left in place (the keyring may come back) and reported without its content.
   */
  private readAll(): Record<string, string> | undefined {
    let ciphertext: Buffer;
    try {
      ciphertext = fs.readFileSync(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.logger?.warn({ code: (error as NodeJS.ErrnoException).code }, 'could not read the secrets file');
      }
      return undefined;
    }
    const reason = this.unavailableReason();
    if (reason) {
      this.logger?.warn({ reason }, 'saved secrets cannot be decrypted now');
      return undefined;
    }
    try {
      const data = JSON.parse(this.safeStorage.decryptString(ciphertext)) as unknown;
      if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('not an object');
      return Object.fromEntries(
        Object.entries(data as Record<string, unknown>).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string',
        ),
      );
    } catch {
      this.logger?.warn(
        {},
        'the secrets file could not be decrypted (was the keyring reset?); enter the password again',
      );
      return undefined;
    }
  }

  private writeAll(all: Record<string, string>): void {
    const ciphertext = this.safeStorage.encryptString(JSON.stringify(all));
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeFileSync(fd, ciphertext);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    // The mode given to open() is filtered by the umask; make sure.
    fs.chmodSync(this.file, 0o600);
  }
}
