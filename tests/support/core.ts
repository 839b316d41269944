import { Core } from '../../src/core/core.js';
import { silentLogger } from '../../src/log/logger.js';
import { MemorySecretStore } from '../../src/secrets/file-secret-store.js';

/** A core on a data folder with its settings file (and a policy), secrets in memory, silent. */
export function testCore(options: { dataDir: string; user: string; policy?: string; host?: 'web' | 'electron' }): Core {
  return new Core({
    app: { name: 'Test', version: '0.0.0', host: options.host ?? 'electron' },
    dataDir: options.dataDir,
    settingsFiles: { user: options.user, ...(options.policy ? { policy: options.policy } : {}) },
    secrets: new MemorySecretStore(),
    logger: silentLogger(),
  });
}
