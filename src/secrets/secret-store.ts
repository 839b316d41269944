/**
 * Where credentials live. The desktop host backs it with the OS keychain (Electron safeStorage);
 * the web host with a file only its user can read, or the environment. Never a settings file.
 */
export interface SecretStore {
  /** Human-readable description for the diagnostics and the docs, e.g. "OS keychain". */
  readonly kind: string;
  get(name: SecretName): Promise<string | undefined>;
  set(name: SecretName, value: string): Promise<void>;
  delete(name: SecretName): Promise<void>;
}

export type SecretName = 'sip.password' | 'crm.token';

/**
 * The secret store cannot keep a secret safely (e.g. no OS keyring on this desktop). The softphone
 * then refuses to store it rather than fall back to plain text, and the agent is told.
 */
export class SecretStoreUnavailableError extends Error {
  readonly code = 'secret-store-unavailable';
  constructor(readonly reason: string) {
    super(
      `The password cannot be saved: ${reason}. ` +
        'Unlock or set up the system keyring (e.g. GNOME Keyring or KWallet) and try again; ' +
        'the softphone never stores passwords in plain text.',
    );
    this.name = 'SecretStoreUnavailableError';
  }
}

/**
 * A store with some secrets given from outside (the environment of a test or a development run),
 * never written anywhere; the others come from, and go to, the store beneath.
 */
/** A store that answers with `defaults` for what it does not hold (what the agent saves wins). */
export function withDefaultSecrets(store: SecretStore, defaults: Partial<Record<SecretName, string>>): SecretStore {
  return {
    kind: store.kind,
    get: async (name) => (await store.get(name)) ?? defaults[name],
    set: (name, value) => store.set(name, value),
    delete: (name) => store.delete(name),
  };
}

export function withGivenSecrets(store: SecretStore, given: Partial<Record<SecretName, string>>): SecretStore {
  return {
    kind: store.kind,
    get: async (name) => given[name] ?? store.get(name),
    set: (name, value) => store.set(name, value),
    delete: (name) => store.delete(name),
  };
}
