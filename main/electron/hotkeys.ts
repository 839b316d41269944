import type { Settings, SettingsView } from '../../src/contract/settings.js';
import type { HotkeyAction } from '../../src/core/hotkey-commands.js';

/** Electron's globalShortcut, as far as the hotkeys use it. */
export interface ShortcutPort {
  /** False when the accelerator is taken by another program or the system. */
  register(accelerator: string, handler: () => void): boolean;
  unregister(accelerator: string): void;
}

type HotkeyKey = 'hotkeyAnswer' | 'hotkeyHangup' | 'hotkeyHold' | 'hotkeyMute';

const ACTIONS: readonly { action: HotkeyAction; key: HotkeyKey }[] = [
  { action: 'answer', key: 'hotkeyAnswer' },
  { action: 'hangup', key: 'hotkeyHangup' },
  { action: 'hold', key: 'hotkeyHold' },
  { action: 'mute', key: 'hotkeyMute' },
];

/**
 * The global hotkeys of the desktop app (answer, hang up, hold, mute) from the `desktop.hotkey*`
 * settings, which IT may set and lock by policy. Applied again whenever the settings change; a
 * hotkey another program holds, or one given twice, is not taken and is reported (the settings
 * screen names it) instead of failing quietly.
 */
export class GlobalHotkeys {
  private registered: string[] = [];
  private applied = '';

  constructor(
    private readonly port: ShortcutPort,
    private readonly run: (action: HotkeyAction) => void,
    private readonly report: (problems: SettingsView['hotkeyProblems']) => void,
  ) {}

  apply(desktop: Settings['desktop']): void {
    const wanted = JSON.stringify(ACTIONS.map(({ key }) => desktop[key]));
    if (wanted === this.applied) return;
    this.applied = wanted;
    this.release();
    const problems: SettingsView['hotkeyProblems'] = [];
    const seen = new Set<string>();
    for (const { action, key } of ACTIONS) {
      const accelerator = desktop[key].trim();
      if (!accelerator) continue;
      // Accelerators name the same keys in several ways (Ctrl, Control, CmdOrCtrl…): compared as written.
      const same = accelerator.toLowerCase();
      if (seen.has(same)) {
        problems.push({ key: `desktop.${key}`, reason: 'duplicate' });
        continue;
      }
      seen.add(same);
      if (this.port.register(accelerator, () => this.run(action))) this.registered.push(accelerator);
      else problems.push({ key: `desktop.${key}`, reason: 'taken' });
    }
    this.report(problems);
  }

  /** Gives every hotkey back to the system (on quit). */
  dispose(): void {
    this.release();
    this.applied = '';
  }

  private release(): void {
    for (const accelerator of this.registered.splice(0)) this.port.unregister(accelerator);
  }
}
