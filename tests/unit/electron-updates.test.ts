/**
 * Desktop app updates through a fake electron-updater: off unless installed, enabled and given a
 * server (as IT sets it by policy); the feed and channel follow the settings; a downloaded version
 * waits for the app to quit (never installed during a call); a failed check is kept and retried.
 */
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../src/contract/settings.js';
import { silentLogger } from '../../src/log/logger.js';
import { UpdateManager, type UpdaterPort } from '../../main/electron/updates.js';

class FakeUpdater implements UpdaterPort {
  feeds: { url: string; channel: string }[] = [];
  checks = 0;
  installOnQuit: boolean | undefined;
  fail = false;
  private downloaded: ((version: string) => void) | undefined;
  setFeed(feed: { url: string; channel: 'latest' | 'beta' }) {
    this.feeds.push(feed);
  }
  async check() {
    this.checks += 1;
    if (this.fail) throw new Error('getaddrinfo ENOTFOUND updates.example.org');
  }
  setInstallOnQuit(on: boolean) {
    this.installOnQuit = on;
  }
  onDownloaded(listener: (version: string) => void) {
    this.downloaded = listener;
  }
  download(version: string) {
    this.downloaded?.(version);
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('updates', () => {
  it('stay off in a development run, when disabled, or without a server', () => {
    for (const [packaged, updates, why] of [
      [false, { enabled: true, channel: 'latest', url: 'https://updates.example.org' }, 'not-packaged'],
      [true, { enabled: false, channel: 'latest', url: 'https://updates.example.org' }, 'disabled'],
      [true, { enabled: true, channel: 'latest', url: '' }, 'no-server'],
    ] as const) {
      const port = new FakeUpdater();
      const manager = new UpdateManager(port, { settings: () => updates, packaged, logger: silentLogger() });
      manager.apply();
      expect(manager.status()).toEqual({ state: 'off', why });
      expect(port.checks).toBe(0);
      expect(port.installOnQuit).toBe(false);
    }
  });

  it('follow the server and channel IT sets; a download waits for the app to quit', async () => {
    const port = new FakeUpdater();
    let updates: Settings['updates'] = { enabled: true, channel: 'latest', url: 'https://updates.example.org/sp' };
    const manager = new UpdateManager(port, {
      settings: () => updates,
      packaged: true,
      logger: silentLogger(),
      now: () => 5,
    });
    manager.apply();
    await tick();
    expect(port.feeds).toEqual([{ url: 'https://updates.example.org/sp', channel: 'latest' }]);
    expect(port.checks).toBe(1);
    expect(port.installOnQuit).toBe(true);
    expect(manager.status()).toEqual({ state: 'watching', lastCheckAt: 5 });
    // The same settings again: no second check.
    manager.apply();
    expect(port.checks).toBe(1);
    updates = { ...updates, channel: 'beta' };
    manager.apply();
    expect(port.feeds.at(-1)).toEqual({ url: 'https://updates.example.org/sp', channel: 'beta' });
    port.download('0.2.0');
    // Installed only when the app quits (electron-updater's autoInstallOnAppQuit), never now.
    expect(manager.status()).toEqual({ state: 'ready', version: '0.2.0' });
    expect(port.installOnQuit).toBe(true);
    // IT turns updates off: the downloaded version is not installed at quit either.
    updates = { ...updates, enabled: false };
    manager.apply();
    expect(port.installOnQuit).toBe(false);
    manager.dispose();
  });

  it('a failed check is kept in the status and tried again at the next interval', async () => {
    const port = new FakeUpdater();
    port.fail = true;
    const manager = new UpdateManager(port, {
      settings: () => ({ enabled: true, channel: 'latest', url: 'https://updates.example.org' }),
      packaged: true,
      logger: silentLogger(),
      now: () => 7,
      everyMs: 20,
    });
    manager.apply();
    await tick();
    expect(manager.status()).toEqual({
      state: 'watching',
      lastCheckAt: 7,
      problem: 'getaddrinfo ENOTFOUND updates.example.org',
    });
    port.fail = false;
    await expect.poll(() => port.checks, { timeout: 2000 }).toBeGreaterThan(1);
    await expect.poll(() => manager.status()).toEqual({ state: 'watching', lastCheckAt: 7 });
    manager.dispose();
  });
});
