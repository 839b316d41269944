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

export type SecretName = 'sip.password';
