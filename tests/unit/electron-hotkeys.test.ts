/**
 * The desktop app's global hotkeys, through a fake globalShortcut (the Electron binary cannot run
 * here): taken from the settings, applied again when they change, a hotkey another program holds
 * or one given twice reported for the settings screen; a hotkey IT locked cannot be rebound; and
 * what each hotkey does to the calls as they are.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call } from '../../src/contract/calls.js';
import { DEFAULT_SETTINGS } from '../../src/config/defaults.js';
import type { Core } from '../../src/core/core.js';
import { hotkeyCommand, type HotkeyAction } from '../../src/core/hotkey-commands.js';
import { GlobalHotkeys, type ShortcutPort } from '../../main/electron/hotkeys.js';
import { Settings } from '../../src/contract/settings.js';
import { testCore } from '../support/core.js';
import { tempDir, writeJson } from '../support/tmp.js';

class FakeShortcuts implements ShortcutPort {
  readonly held = new Map<string, () => void>();
  /** Accelerators another program holds. */
  readonly elsewhere = new Set<string>();
  register(accelerator: string, handler: () => void): boolean {
    if (this.elsewhere.has(accelerator) || this.held.has(accelerator)) return false;
    this.held.set(accelerator, handler);
    return true;
  }
  unregister(accelerator: string): void {
    this.held.delete(accelerator);
  }
  press(accelerator: string): void {
    this.held.get(accelerator)?.();
  }
}

describe('global hotkeys', () => {
  const desktop = DEFAULT_SETTINGS.desktop;

  it('registers the four hotkeys of the settings; a press runs its action', () => {
    const port = new FakeShortcuts();
    const ran: HotkeyAction[] = [];
    const reports: unknown[] = [];
    const hotkeys = new GlobalHotkeys(
      port,
      (action) => ran.push(action),
      (problems) => reports.push(problems),
    );
    hotkeys.apply(desktop);
    expect([...port.held.keys()]).toEqual([
      'CommandOrControl+Shift+F9',
      'CommandOrControl+Shift+F10',
      'CommandOrControl+Shift+F11',
      'CommandOrControl+Shift+F12',
    ]);
    port.press('CommandOrControl+Shift+F9');
    port.press('CommandOrControl+Shift+F12');
    expect(ran).toEqual(['answer', 'mute']);
    expect(reports).toEqual([[]]);
    // The same settings again: nothing re-registered, nothing reported again.
    hotkeys.apply({ ...desktop });
    expect(reports).toHaveLength(1);
    hotkeys.dispose();
    expect(port.held.size).toBe(0);
  });

  it('one taken by another program and one given twice are reported, the others work; a change re-applies', () => {
    const port = new FakeShortcuts();
    port.elsewhere.add('Control+Shift+H');
    const reports: unknown[] = [];
    const hotkeys = new GlobalHotkeys(
      port,
      () => undefined,
      (problems) => reports.push(problems),
    );
    hotkeys.apply({
      ...desktop,
      hotkeyHangup: 'Control+Shift+H',
      hotkeyMute: 'commandorcontrol+shift+f9',
      hotkeyHold: '',
    });
    expect(reports.at(-1)).toEqual([
      { key: 'desktop.hotkeyHangup', reason: 'taken' },
      { key: 'desktop.hotkeyMute', reason: 'duplicate' },
    ]);
    expect([...port.held.keys()]).toEqual(['CommandOrControl+Shift+F9']);
    hotkeys.apply({ ...desktop, hotkeyAnswer: 'MediaPlayPause' });
    expect(reports.at(-1)).toEqual([]);
    expect([...port.held.keys()]).toEqual([
      'MediaPlayPause',
      'CommandOrControl+Shift+F10',
      'CommandOrControl+Shift+F11',
      'CommandOrControl+Shift+F12',
    ]);
  });

  it('accepts accelerators Electron reads and refuses a bare letter (it would steal typing everywhere)', () => {
    const check = (value: string) => Settings.shape.desktop.shape.hotkeyAnswer.safeParse(value).success;
    for (const good of [
      '',
      'F9',
      'CommandOrControl+Shift+F9',
      'Alt+A',
      'Ctrl+Shift+Space',
      'MediaPlayPause',
      'Shift+F24',
    ])
      expect(check(good), good).toBe(true);
    for (const bad of ['A', 'Ctrl+', 'Ctrl+Shift+AB', 'Hyper+A', 'F25', 'Ctrl+Shift+A; rm -rf'])
      expect(check(bad), bad).toBe(false);
  });
});

describe('a hotkey IT locked', () => {
  let cleanup: () => void;
  let core: Core;
  beforeEach(async () => {
    const tmp = tempDir('hotkeys-');
    cleanup = tmp.cleanup;
    const policy = writeJson(path.join(tmp.dir, 'policy.json'), {
      settings: { desktop: { hotkeyAnswer: 'F8' } },
      locked: ['desktop.hotkeyAnswer'],
    });
    // The agent's own file tries to set it too: ignored, the policy's value stands.
    writeJson(path.join(tmp.dir, 'settings.json'), { desktop: { hotkeyAnswer: 'Alt+A' } });
    core = testCore({ dataDir: tmp.dir, policy, user: path.join(tmp.dir, 'settings.json') });
    await core.start();
  });
  afterEach(async () => {
    await core.stop();
    cleanup();
  });

  it('cannot be rebound, from the file or the settings screen; the hotkeys take the policy’s', async () => {
    expect(core.settingsValues().desktop.hotkeyAnswer).toBe('F8');
    const result = await core.dispatch({ type: 'settings.update', changes: { desktop: { hotkeyAnswer: 'Alt+Q' } } });
    expect(result).toMatchObject({ ok: false, error: { code: 'locked' } });
    const port = new FakeShortcuts();
    const hotkeys = new GlobalHotkeys(
      port,
      () => undefined,
      (problems) => core.setHotkeyProblems(problems),
    );
    hotkeys.apply(core.settingsValues().desktop);
    expect(port.held.has('F8')).toBe(true);
    expect(port.held.has('Alt+A')).toBe(false);
  });

  it('problems reach the settings screen', () => {
    core.setHotkeyProblems([{ key: 'desktop.hotkeyMute', reason: 'taken' }]);
    expect(core.snapshot().settings.hotkeyProblems).toEqual([{ key: 'desktop.hotkeyMute', reason: 'taken' }]);
  });
});

describe('what a hotkey does', () => {
  const call = (id: string, fields: Partial<Call>): Call =>
    ({
      id,
      direction: 'in',
      state: 'active',
      remote: { number: '1002' },
      startedAt: 0,
      hold: { local: false, remote: false },
      muted: false,
      ...fields,
    }) as Call;

  it('answers the call that rings; nothing when none rings', () => {
    expect(hotkeyCommand('answer', [call('a', {}), call('b', { state: 'ringing-in' })])).toEqual({
      type: 'call.answer',
      callId: 'b',
    });
    expect(hotkeyCommand('answer', [call('a', {})])).toBeUndefined();
  });

  it('hangs up, holds and mutes the call being talked on: a consultation before the held customer', () => {
    const calls = [
      call('customer', { hold: { local: true, remote: false } }),
      call('consult', { consultFor: 'customer', direction: 'out' }),
    ];
    expect(hotkeyCommand('hangup', calls)).toEqual({ type: 'call.hangup', callId: 'consult' });
    expect(hotkeyCommand('hold', calls)).toEqual({ type: 'call.hold', callId: 'consult', hold: true });
    expect(hotkeyCommand('mute', [call('a', { muted: true })])).toEqual({
      type: 'call.mute',
      callId: 'a',
      muted: false,
    });
    expect(hotkeyCommand('hold', [call('a', { hold: { local: true, remote: false } })])).toEqual({
      type: 'call.hold',
      callId: 'a',
      hold: false,
    });
  });

  it('hangs up a call still ringing out; holds nothing that is not connected; ignores ended calls', () => {
    expect(hotkeyCommand('hangup', [call('o', { state: 'ringing-out', direction: 'out' })])).toEqual({
      type: 'call.hangup',
      callId: 'o',
    });
    expect(hotkeyCommand('hold', [call('o', { state: 'ringing-out', direction: 'out' })])).toBeUndefined();
    expect(hotkeyCommand('hangup', [call('e', { state: 'ended' })])).toBeUndefined();
  });
});
