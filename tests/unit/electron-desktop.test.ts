/**
 * The glue of the desktop parts (main/electron/desktop.ts) with a fake `electron` and a fake
 * electron-updater (the Electron binary cannot run here): the tray follows the agent's state and
 * the line, a ringing call shows a notification whose Answer reaches the core, the hotkeys are
 * registered from the settings and a press acts on the calls, a call keeps the computer awake,
 * and dispose gives everything back.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Call } from '../../src/contract/calls.js';
import type { Command, CoreEvent, StateSnapshot } from '../../src/contract/messages.js';
import { DEFAULT_SETTINGS } from '../../src/config/defaults.js';
import { silentLogger } from '../../src/log/logger.js';
import { testCore } from '../support/core.js';
import { tempDir } from '../support/tmp.js';

const fakes = await vi.hoisted(async () => {
  const { EventEmitter } = await import('node:events');
  const trays: FakeTray[] = [];
  class FakeTray extends EventEmitter {
    image: unknown;
    tooltip = '';
    menu: { label?: string; type?: string; checked?: boolean; click?: () => void }[] = [];
    destroyed = false;
    constructor(image: unknown) {
      super();
      this.image = image;
      trays.push(this);
    }
    setImage(image: unknown) {
      this.image = image;
    }
    setToolTip(text: string) {
      this.tooltip = text;
    }
    setContextMenu(menu: FakeTray['menu']) {
      this.menu = menu;
    }
    isDestroyed() {
      return this.destroyed;
    }
    destroy() {
      this.destroyed = true;
    }
  }
  const notifications: FakeNotification[] = [];
  class FakeNotification extends EventEmitter {
    static isSupported() {
      return true;
    }
    shown = false;
    closed = false;
    constructor(readonly options: { title: string; body: string; actions: { text: string }[] }) {
      super();
      notifications.push(this);
    }
    show() {
      this.shown = true;
    }
    close() {
      this.closed = true;
    }
  }
  const shortcuts = new Map<string, () => void>();
  const blockers = new Set<number>();
  let nextBlocker = 1;
  const updater = Object.assign(new EventEmitter(), {
    autoDownload: false,
    autoInstallOnAppQuit: true,
    logger: undefined as unknown,
    channel: '',
    setFeedURL: () => undefined,
    checkForUpdates: async () => undefined,
  });
  return {
    trays,
    notifications,
    shortcuts,
    blockers,
    updater,
    electron: {
      app: { isPackaged: false, quit: () => undefined, setLoginItemSettings: () => undefined },
      Tray: FakeTray,
      Menu: { buildFromTemplate: (template: unknown) => template },
      nativeImage: { createFromBitmap: (buffer: Buffer, size: object) => ({ buffer, size }) },
      Notification: FakeNotification,
      globalShortcut: {
        register: (accelerator: string, handler: () => void) => {
          if (shortcuts.has(accelerator)) return false;
          shortcuts.set(accelerator, handler);
          return true;
        },
        unregister: (accelerator: string) => shortcuts.delete(accelerator),
      },
      powerSaveBlocker: {
        start: () => {
          const id = nextBlocker++;
          blockers.add(id);
          return id;
        },
        stop: (id: number) => blockers.delete(id),
      },
    },
  };
});
vi.mock('electron', () => fakes.electron);
vi.mock('electron-updater', () => ({ default: { autoUpdater: fakes.updater } }));

const { attachDesktop } = await import('../../main/electron/desktop.js');

/** A core as the desktop parts see it: a real core's snapshot, events the test sends, commands kept. */
function fakeCore(snapshot: StateSnapshot) {
  const listeners = new Set<(event: CoreEvent) => void>();
  const commands: Command[] = [];
  const problems: unknown[] = [];
  return {
    commands,
    problems,
    emit: (event: CoreEvent) => listeners.forEach((listener) => listener(event)),
    core: {
      snapshot: () => snapshot,
      onEvent: (listener: (event: CoreEvent) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      dispatch: async (command: Command) => {
        commands.push(command);
        return { ok: true as const };
      },
      settingsValues: () => snapshot.settings.values,
      setHotkeyProblems: (list: unknown) => void problems.push(list),
    },
  };
}

const ringing: Call = {
  id: 'c1',
  direction: 'in',
  state: 'ringing-in',
  remote: { number: '+393471234567', displayName: 'Giulia Bianchi' },
  startedAt: 1,
  hold: { local: false, remote: false },
  muted: false,
} as Call;

describe('the desktop glue', () => {
  let snapshot: StateSnapshot;
  let cleanup: () => void;

  beforeEach(async () => {
    const tmp = tempDir('desktop-');
    cleanup = tmp.cleanup;
    const core = testCore({ dataDir: tmp.dir, user: `${tmp.dir}/settings.json` });
    await core.start();
    snapshot = core.snapshot();
    await core.stop();
    fakes.trays.length = 0;
    fakes.notifications.length = 0;
    fakes.shortcuts.clear();
    fakes.blockers.clear();
  });
  afterEach(() => cleanup());

  it('tray, notification, hotkeys and the awake lock follow the core; dispose gives them back', async () => {
    const { core, emit, commands, problems } = fakeCore(snapshot);
    const raise = vi.fn();
    const desktop = attachDesktop(core, raise, silentLogger());
    expect(desktop.hasTray()).toBe(true);

    const tray = fakes.trays[0]!;
    expect(tray.tooltip).toMatch(/^Headset Softphone — Available/);
    // The state menu dispatches the chosen state to the core.
    tray.menu.find((item) => item.label === 'Break')!.click!();
    expect(commands.at(-1)).toEqual({ type: 'agent.state', state: 'break' });
    emit({ type: 'agent', agent: { ...snapshot.agent, state: 'break' } });
    expect(tray.tooltip).toMatch(/^Headset Softphone — Break/);

    // Hotkeys from the settings; the problems (none) reported to the core.
    expect([...fakes.shortcuts.keys()]).toEqual([
      DEFAULT_SETTINGS.desktop.hotkeyAnswer,
      DEFAULT_SETTINGS.desktop.hotkeyHangup,
      DEFAULT_SETTINGS.desktop.hotkeyHold,
      DEFAULT_SETTINGS.desktop.hotkeyMute,
    ]);
    expect(problems).toEqual([[]]);

    // A ringing call: a notification (Answer reaches the core), the window raised, kept awake.
    emit({ type: 'calls', calls: [ringing] });
    const note = fakes.notifications[0]!;
    expect(note.shown).toBe(true);
    expect(note.options.title).toBe('Giulia Bianchi');
    expect(raise).toHaveBeenCalled();
    expect(fakes.blockers.size).toBe(1);
    // The answer hotkey acts on the calls as they are.
    fakes.shortcuts.get(DEFAULT_SETTINGS.desktop.hotkeyAnswer)!();
    expect(commands.at(-1)).toEqual({ type: 'call.answer', callId: 'c1' });
    note.emit('action', {}, 0);
    expect(commands.at(-1)).toEqual({ type: 'call.answer', callId: 'c1' });

    // Answered: the notification goes; the call ends: the computer may sleep again.
    emit({ type: 'calls', calls: [{ ...ringing, state: 'active' }] });
    expect(note.closed).toBe(true);
    emit({ type: 'calls', calls: [{ ...ringing, state: 'ended' }] });
    expect(fakes.blockers.size).toBe(0);

    desktop.dispose();
    expect(fakes.shortcuts.size).toBe(0);
    expect(tray.destroyed).toBe(true);
  });
});
