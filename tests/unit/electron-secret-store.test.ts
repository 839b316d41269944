import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SafeStorageSecretStore, type SafeStorageLike } from '../../main/electron/secret-store.js';
import { SecretStoreUnavailableError } from '../../src/secrets/secret-store.js';
import { testCore } from '../support/core.js';

/**
 * A stand-in for Electron's safeStorage, because Electron cannot run here. It "encrypts" with a
 * XOR key and a marker, enough to show that the store writes only what safeStorage gives it.
 */
class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backend = 'gnome_libsecret';
  private readonly key = 0x5a;
  isEncryptionAvailable() {
    return this.available;
  }
  getSelectedStorageBackend() {
    return this.backend;
  }
  encryptString(plainText: string): Buffer {
    if (!this.available) throw new Error('Encryption is not available.');
    return Buffer.concat([Buffer.from('v10'), Buffer.from(plainText, 'utf8').map((byte) => byte ^ this.key)]);
  }
  decryptString(encrypted: Buffer): string {
    if (encrypted.subarray(0, 3).toString() !== 'v10') throw new Error('Error while decrypting the ciphertext');
    return Buffer.from(encrypted.subarray(3).map((byte) => byte ^ this.key)).toString('utf8');
  }
}

const PASSWORD = 'correct horse battery staple';

describe('SafeStorageSecretStore (with a fake safeStorage, since Electron cannot run here)', () => {
  let dir: string;
  let file: string;
  let safeStorage: FakeSafeStorage;
  const store = (platform: NodeJS.Platform = 'linux') => new SafeStorageSecretStore({ safeStorage, file, platform });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'softphone-secrets-'));
    file = path.join(dir, 'secrets.bin');
    safeStorage = new FakeSafeStorage();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the password across instances (round trip)', async () => {
    await store().set('sip.password', PASSWORD);
    expect(await store().get('sip.password')).toBe(PASSWORD);
  });

  it('writes the file readable only by the user (0600)', async () => {
    const previous = process.umask(0o000);
    try {
      await store().set('sip.password', PASSWORD);
    } finally {
      process.umask(previous);
    }
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('writes only ciphertext: the password is not in the file', async () => {
    await store().set('sip.password', PASSWORD);
    const bytes = fs.readFileSync(file);
    expect(bytes.includes(Buffer.from(PASSWORD))).toBe(false);
    expect(bytes.toString('latin1')).not.toContain('sip.password');
    expect(bytes.subarray(0, 3).toString()).toBe('v10');
  });

  it('has no password before one is set, and none after delete', async () => {
    expect(await store().get('sip.password')).toBeUndefined();
    await store().set('sip.password', PASSWORD);
    await store().delete('sip.password');
    expect(await store().get('sip.password')).toBeUndefined();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses to store, with a clear error, when encryption is unavailable', async () => {
    safeStorage.available = false;
    const attempt = store('win32').set('sip.password', PASSWORD);
    await expect(attempt).rejects.toBeInstanceOf(SecretStoreUnavailableError);
    await expect(store('win32').set('sip.password', PASSWORD)).rejects.toThrow(
      /cannot be saved.*never stores passwords in plain text/s,
    );
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses the Linux "basic_text" fallback (a fixed key, no keyring) instead of writing plain text', async () => {
    safeStorage.backend = 'basic_text';
    await expect(store('linux').set('sip.password', PASSWORD)).rejects.toThrow(/no system keyring/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('takes the "basic_text" fallback only when IT’s policy sets and locks desktop.allowWeakKeyring', async () => {
    safeStorage.backend = 'basic_text';
    let allowed = false;
    const allowing = () =>
      new SafeStorageSecretStore({ safeStorage, file, platform: 'linux', allowBasicText: () => allowed });
    await expect(allowing().set('sip.password', PASSWORD)).rejects.toThrow(/no system keyring/);
    allowed = true;
    await allowing().set('sip.password', PASSWORD);
    expect(await allowing().get('sip.password')).toBe(PASSWORD);
  });

  it('the allowance counts only from the policy: an agent’s own settings file cannot give it', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'softphone-weak-'));
    try {
      const userFile = path.join(tmp, 'settings.json');
      fs.writeFileSync(userFile, JSON.stringify({ desktop: { allowWeakKeyring: true } }));
      const agentOnly = testCore({ dataDir: tmp, user: userFile });
      expect(agentOnly.policyAllows('desktop.allowWeakKeyring')).toBe(false);
      const policy = path.join(tmp, 'policy.json');
      fs.writeFileSync(
        policy,
        JSON.stringify({ settings: { desktop: { allowWeakKeyring: true } }, locked: ['desktop.allowWeakKeyring'] }),
      );
      const byPolicy = testCore({ dataDir: tmp, policy, user: userFile });
      expect(byPolicy.policyAllows('desktop.allowWeakKeyring')).toBe(true);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('does not ask for the Linux backend on other systems', async () => {
    safeStorage.backend = 'basic_text';
    await store('darwin').set('sip.password', PASSWORD);
    expect(await store('darwin').get('sip.password')).toBe(PASSWORD);
  });

  it('keeps an unreadable file and reads it again once the keyring is back', async () => {
    await store().set('sip.password', PASSWORD);
    safeStorage.available = false;
    expect(await store().get('sip.password')).toBeUndefined();
    expect(fs.existsSync(file)).toBe(true);
    safeStorage.available = true;
    expect(await store().get('sip.password')).toBe(PASSWORD);
  });

  it('treats a file it cannot decrypt as no password, without throwing', async () => {
    fs.writeFileSync(file, 'garbage', { mode: 0o600 });
    expect(await store().get('sip.password')).toBeUndefined();
  });
});
