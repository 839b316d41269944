import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import {
  app,
  globalShortcut,
  Menu,
  nativeImage,
  Notification,
  powerSaveBlocker,
  Tray,
  type MenuItemConstructorOptions,
} from 'electron';
import electronUpdater from 'electron-updater';
import type { OsPolicy } from '../../src/config/layers.js';
import type { Call } from '../../src/contract/calls.js';
import type { Core } from '../../src/core/core.js';
import { hotkeyCommand } from '../../src/core/hotkey-commands.js';
import type { Logger } from '../../src/log/logger.js';
import { CallNotifier, type NotificationPort } from './call-notifier.js';
import { GlobalHotkeys } from './hotkeys.js';
import { readOsPolicy } from './os-policy-reader.js';
import { DeskTray, toBitmap, type TrayImage, type TrayMenuItem } from './tray.js';
import { UpdateManager } from './updates.js';

/**
 * The desktop app's place on the computer, glued to Electron here; what each part decides lives
 * in its port-level module (tray.ts, call-notifier.ts, hotkeys.ts, os-policy-reader.ts), which the
 * unit tests drive with fakes. This file only turns their ports into Electron calls.
 */

/** The machine policy IT manages with the OS (Group Policy, a configuration profile). */
export function osPolicy(): OsPolicy | undefined {
  return readOsPolicy({
    platform: process.platform,
    run(command, args) {
      try {
        const stdout = execFileSync(command, [...args], { encoding: 'utf8', timeout: 10_000, windowsHide: true });
        return { status: 0, stdout, stderr: '' };
      } catch (error) {
        const failed = error as { status?: number | null; stdout?: string; stderr?: string };
        return { status: failed.status ?? null, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
      }
    },
    exists: (file) => fs.existsSync(file),
  });
}

export interface Desktop {
  /** The tray icon is up: closing the window keeps the app running there. */
  hasTray(): boolean;
  dispose(): void;
}

/** What the desktop parts need of the core (a fake one in the unit tests). */
export type DesktopCore = Pick<Core, 'snapshot' | 'onEvent' | 'dispatch' | 'settingsValues' | 'setHotkeyProblems'>;

export function attachDesktop(core: DesktopCore, raise: () => void, logger: Logger): Desktop {
  const toNative = (image: TrayImage) =>
    nativeImage.createFromBitmap(toBitmap(image), {
      width: image.width,
      height: image.height,
      scaleFactor: image.width / 16,
    });
  const toTemplate = (items: TrayMenuItem[]): MenuItemConstructorOptions[] =>
    items.map((item) =>
      item.type === 'separator'
        ? { type: 'separator' }
        : {
            type: item.type,
            label: item.label,
            ...(item.checked !== undefined ? { checked: item.checked } : {}),
            ...(item.enabled !== undefined ? { enabled: item.enabled } : {}),
            ...(item.onClick ? { click: item.onClick } : {}),
          },
    );

  // Kept in this closure for the app's life: a Tray that is garbage-collected leaves the tray.
  let tray: Tray | undefined;
  let deskTray: DeskTray | undefined;
  try {
    const snapshot = core.snapshot();
    tray = new Tray(toNative({ width: 1, height: 1, rgba: Buffer.alloc(4) }));
    const electronTray = tray;
    deskTray = new DeskTray(
      {
        setImage: (image) => electronTray.setImage(toNative(image)),
        setToolTip: (text) => electronTray.setToolTip(text),
        setMenu: (items) => electronTray.setContextMenu(Menu.buildFromTemplate(toTemplate(items))),
      },
      {
        chooseState: (state, reason) => core.dispatch({ type: 'agent.state', state, ...(reason ? { reason } : {}) }),
        show: raise,
        quit: () => app.quit(),
      },
    );
    deskTray.update(snapshot.agent, snapshot.line, snapshot.settings.values.work.notReadyReasons);
    // Windows opens the window on a click; Linux's AppIndicator sends no clicks (the menu has Show).
    if (process.platform !== 'darwin') tray.on('click', raise);
  } catch (error) {
    // A desktop without a tray area (some Linux sessions): the window and notifications still work.
    logger.warn({ err: error }, 'no tray icon on this desktop');
  }

  const live = new Set<Notification>();
  const notifications: NotificationPort = {
    supportsActions: process.platform === 'darwin' || process.platform === 'win32',
    show(n, handlers) {
      if (!Notification.isSupported()) return { close: () => undefined };
      const note = new Notification({
        title: n.title,
        body: n.body,
        // The app rings with its own ringtone on the chosen device.
        silent: true,
        timeoutType: 'never',
        urgency: 'critical',
        actions: n.actions.map((action) => ({ type: 'button' as const, text: n.actionLabels[action] })),
      });
      live.add(note);
      note.on('action', (_event, index) => {
        const action = n.actions[index];
        if (action) handlers.onAction(action);
      });
      note.on('click', () => handlers.onClick());
      note.on('close', () => {
        live.delete(note);
        handlers.onClose();
      });
      note.show();
      return {
        close: () => {
          live.delete(note);
          note.close();
        },
      };
    },
  };
  const notifier = new CallNotifier(
    notifications,
    { dispatch: (command) => core.dispatch(command), raise },
    { raiseOnIncoming: () => core.settingsValues().desktop.raiseOnIncoming },
  );

  let calls: Call[] = core.snapshot().calls;
  const hotkeys = new GlobalHotkeys(
    {
      register: (accelerator, handler) => {
        try {
          return globalShortcut.register(accelerator, handler);
        } catch {
          return false;
        }
      },
      unregister: (accelerator) => globalShortcut.unregister(accelerator),
    },
    (action) => {
      const command = hotkeyCommand(action, calls);
      if (command) void core.dispatch(command);
    },
    (problems) => core.setHotkeyProblems(problems),
  );

  // Updates from IT's server, installed when the app quits (never during a call).
  const { autoUpdater } = electronUpdater;
  autoUpdater.autoDownload = true;
  autoUpdater.logger = null;
  const updates = new UpdateManager(
    {
      setFeed: ({ url, channel }) => {
        autoUpdater.setFeedURL({ provider: 'generic', url, channel });
        autoUpdater.channel = channel;
      },
      check: async () => {
        await autoUpdater.checkForUpdates();
      },
      setInstallOnQuit: (on) => {
        autoUpdater.autoInstallOnAppQuit = on;
      },
      onDownloaded: (listener) => autoUpdater.on('update-downloaded', (info) => listener(info.version)),
    },
    { settings: () => core.settingsValues().updates, packaged: app.isPackaged, logger },
  );

  // Start on login, as the setting (or IT's policy) says; only for the installed app.
  let loginItem: boolean | undefined;
  const applySettings = () => {
    const desktop = core.settingsValues().desktop;
    hotkeys.apply(desktop);
    updates.apply();
    if (app.isPackaged && loginItem !== desktop.startOnLogin) {
      loginItem = desktop.startOnLogin;
      app.setLoginItemSettings({ openAtLogin: desktop.startOnLogin });
    }
  };
  applySettings();

  // The display and the system stay awake while a call is up (no sleep in the middle of a call).
  let blocker: number | undefined;
  const keepAwake = (up: boolean) => {
    if (up && blocker === undefined) blocker = powerSaveBlocker.start('prevent-app-suspension');
    if (!up && blocker !== undefined) {
      powerSaveBlocker.stop(blocker);
      blocker = undefined;
    }
  };

  let snapshot = core.snapshot();
  const stopListening = core.onEvent((event) => {
    switch (event.type) {
      case 'state':
        snapshot = event.state;
        calls = event.state.calls;
        break;
      case 'agent':
        snapshot = { ...snapshot, agent: event.agent };
        break;
      case 'line':
        snapshot = { ...snapshot, line: event.line };
        break;
      case 'settings':
        snapshot = { ...snapshot, settings: event.settings };
        applySettings();
        break;
      case 'calls':
        calls = event.calls;
        notifier.callsChanged(calls);
        keepAwake(calls.some((call) => call.state !== 'ended'));
        return;
      default:
        return;
    }
    deskTray?.update(snapshot.agent, snapshot.line, snapshot.settings.values.work.notReadyReasons);
  });

  return {
    hasTray: () => tray !== undefined && !tray.isDestroyed(),
    dispose() {
      stopListening();
      notifier.dispose();
      hotkeys.dispose();
      updates.dispose();
      keepAwake(false);
      for (const note of live) note.close();
      tray?.destroy();
    },
  };
}
