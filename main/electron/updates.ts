import type { Settings } from '../../src/contract/settings.js';
import type { Logger } from '../../src/log/logger.js';

/** electron-updater's autoUpdater, as far as the app uses it. */
export interface UpdaterPort {
  /** Where to look: a generic server and a channel. */
  setFeed(feed: { url: string; channel: 'latest' | 'beta' }): void;
  /** Looks for a newer version; one found is downloaded in the background. */
  check(): Promise<void>;
  /** Install a downloaded version when the app quits (electron-updater's autoInstallOnAppQuit). */
  setInstallOnQuit(on: boolean): void;
  onDownloaded(listener: (version: string) => void): void;
}

export type UpdateStatus =
  | { state: 'off'; why: 'not-packaged' | 'disabled' | 'no-server' }
  | { state: 'watching'; lastCheckAt?: number; problem?: string }
  | { state: 'ready'; version: string };

/** Every four hours: a new version reaches every desk within a shift, without hammering the server. */
const CHECK_EVERY_MS = 4 * 3600_000;

/**
 * Updates of the desktop app as IT sets them (`updates.*`, usually by policy): off unless the app
 * is installed, enabled and given a server. A new version is downloaded in the background and
 * installed when the app quits: never in the middle of a call or a shift (the core ends its calls
 * and unregisters before the app quits). A failed check is logged and tried again next time.
 */
export class UpdateManager {
  private timer: NodeJS.Timeout | undefined;
  private applied = '';
  private current: UpdateStatus = { state: 'off', why: 'disabled' };

  constructor(
    private readonly port: UpdaterPort,
    private readonly options: {
      settings: () => Settings['updates'];
      packaged: boolean;
      logger: Logger;
      now?: () => number;
      everyMs?: number;
    },
  ) {
    port.onDownloaded((version) => {
      this.current = { state: 'ready', version };
      options.logger.info({ version }, 'an update is downloaded; it installs when the app quits');
    });
  }

  status(): UpdateStatus {
    return this.current;
  }

  /** At start and whenever the settings change. */
  apply(): void {
    const updates = this.options.settings();
    const key = JSON.stringify([updates, this.options.packaged]);
    if (key === this.applied) return;
    this.applied = key;
    clearInterval(this.timer);
    this.timer = undefined;
    const why = !this.options.packaged
      ? 'not-packaged'
      : !updates.enabled
        ? 'disabled'
        : !updates.url
          ? 'no-server'
          : undefined;
    if (why) {
      this.port.setInstallOnQuit(false);
      if (this.current.state !== 'ready') this.current = { state: 'off', why };
      return;
    }
    this.port.setFeed({ url: updates.url, channel: updates.channel });
    this.port.setInstallOnQuit(true);
    if (this.current.state !== 'ready') this.current = { state: 'watching' };
    void this.check();
    this.timer = setInterval(() => void this.check(), this.options.everyMs ?? CHECK_EVERY_MS);
    this.timer.unref?.();
  }

  dispose(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    const at = (this.options.now ?? Date.now)();
    try {
      await this.port.check();
      if (this.current.state === 'watching') this.current = { state: 'watching', lastCheckAt: at };
    } catch (error) {
      const problem = (error as Error).message;
      this.options.logger.warn({ err: error }, 'the update check failed; tried again later');
      if (this.current.state === 'watching') this.current = { state: 'watching', lastCheckAt: at, problem };
    }
  }
}
