import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TRAY_TEXTS,
  DeskTray,
  LINE_DOWN_COLOUR,
  STATE_COLOURS,
  toBitmap,
  trayImage,
  trayMenu,
  trayToolTip,
  type TrayActions,
  type TrayImage,
  type TrayMenuItem,
  type TrayPort,
  type TrayTexts,
} from '../../main/electron/tray.js';
import type { AgentState, AgentStateName, ChosenState } from '../../src/contract/agent.js';
import type { LineState } from '../../src/contract/line.js';

// The tray with a fake port, since Electron cannot run here: what it draws is checked pixel by
// pixel, what it says word by word, and its menu by clicking the entries' handlers.

const REASONS = ['training', 'meeting', 'coaching', 'admin'];
const NOW = 1_700_000_000_000;

function agent(state: AgentStateName, extra: Partial<AgentState> = {}): AgentState {
  return { state, since: NOW, wrapUps: [], breakDue: false, ...extra };
}
const REGISTERED: LineState = {
  status: 'registered',
  server: 'wss://pbx.example:8089/ws',
  aor: 'sip:1001@pbx.example',
  since: NOW,
  expiresInSeconds: 600,
};
const LOST: LineState = { status: 'failed', reason: 'connection-lost', attempt: 1, retryAt: NOW + 2000 };

function pixel(image: TrayImage, x: number, y: number): number[] {
  const at = (y * image.width + x) * 4;
  return [...image.rgba.subarray(at, at + 4)];
}

/** Records what the tray asked of Electron, and the actions it took. */
class FakeTray implements TrayPort {
  readonly images: TrayImage[] = [];
  readonly toolTips: string[] = [];
  readonly menus: TrayMenuItem[][] = [];
  setImage(image: TrayImage) {
    this.images.push(image);
  }
  setToolTip(text: string) {
    this.toolTips.push(text);
  }
  setMenu(items: TrayMenuItem[]) {
    this.menus.push(items);
  }
  get calls() {
    return this.images.length + this.toolTips.length + this.menus.length;
  }
  lastMenu(): TrayMenuItem[] {
    const menu = this.menus.at(-1);
    if (!menu) throw new Error('no menu was set');
    return menu;
  }
}

class FakeActions implements TrayActions {
  readonly chosen: { state: ChosenState; reason?: string }[] = [];
  shown = 0;
  quitted = 0;
  result: Promise<unknown> | undefined;
  chooseState(state: ChosenState, reason?: string) {
    this.chosen.push(reason === undefined ? { state } : { state, reason });
    return this.result;
  }
  show() {
    this.shown++;
  }
  quit() {
    this.quitted++;
  }
}

function item(menu: TrayMenuItem[], label: string) {
  const found = menu.find((entry) => entry.type !== 'separator' && entry.label === label);
  if (!found || found.type === 'separator') throw new Error(`no menu entry "${label}" in ${JSON.stringify(menu)}`);
  return found;
}
const labels = (menu: TrayMenuItem[]) => menu.map((entry) => (entry.type === 'separator' ? '---' : entry.label));
type Entry = Exclude<TrayMenuItem, { type: 'separator' }>;
const radios = (menu: TrayMenuItem[]) => menu.filter((entry): entry is Entry => entry.type === 'radio');
const checked = (menu: TrayMenuItem[]) =>
  radios(menu)
    .filter((entry) => entry.checked)
    .map((entry) => entry.label);

describe('trayImage: the icon drawn as raw pixels', () => {
  const size = 32;
  const centre = size / 2;

  it('fills a disc in the state colour, transparent around it', () => {
    for (const state of ['available', 'on-call', 'wrap-up', 'break', 'not-ready'] as const) {
      const image = trayImage(state, true, size);
      expect(image.width).toBe(size);
      expect(image.height).toBe(size);
      expect(image.rgba.length).toBe(size * size * 4);
      expect(pixel(image, centre, centre), state).toEqual([...STATE_COLOURS[state], 255]);
      expect(pixel(image, 0, 0)[3], state).toBe(0);
      expect(pixel(image, size - 1, size - 1)[3], state).toBe(0);
    }
  });

  it('gives each working state its own colour: green, red, amber, blue, grey', () => {
    const colours = (['available', 'on-call', 'wrap-up', 'break', 'not-ready'] as const).map((state) =>
      pixel(trayImage(state, true, size), centre, centre).join(','),
    );
    expect(new Set(colours).size).toBe(5);
    const [r, g, b] = pixel(trayImage('available', true, size), centre, centre) as [number, number, number];
    expect(g).toBeGreaterThan(r);
    expect(g).toBeGreaterThan(b);
    const [r2, g2, b2] = pixel(trayImage('on-call', true, size), centre, centre) as [number, number, number];
    expect(r2).toBeGreaterThan(g2 + 100);
    expect(r2).toBeGreaterThan(b2 + 100);
    const [r3, g3, b3] = pixel(trayImage('break', true, size), centre, centre) as [number, number, number];
    expect(b3).toBeGreaterThan(r3 + 100);
    expect(b3).toBeGreaterThan(g3);
    const [r4, g4, b4] = pixel(trayImage('not-ready', true, size), centre, centre) as [number, number, number];
    expect(Math.max(r4, g4, b4) - Math.min(r4, g4, b4)).toBeLessThan(16);
  });

  it('draws Offline as a grey ring, so that it differs from Not ready by shape, not by shade', () => {
    const offline = trayImage('offline', true, size);
    expect(pixel(offline, centre, centre)[3]).toBe(0);
    // On the ring: the left edge of the disc, a pixel in.
    expect(pixel(offline, 4, centre)).toEqual([...STATE_COLOURS.offline, 255]);
    expect(pixel(trayImage('not-ready', true, size), centre, centre)[3]).toBe(255);
  });

  it('smooths the edge (partial alpha), so the disc is not jagged', () => {
    const image = trayImage('available', true, size);
    const alphas = new Set<number>();
    for (let x = 0; x < size; x++) alphas.add(pixel(image, x, centre)[3] ?? -1);
    expect([...alphas].some((alpha) => alpha > 0 && alpha < 255)).toBe(true);
  });

  it('marks a line that is not registered with a red dot in a white rim at the bottom right', () => {
    const badge = Math.round(size * 0.74);
    for (const state of ['available', 'on-call', 'break', 'offline'] as const) {
      const down = trayImage(state, false, size);
      const up = trayImage(state, true, size);
      expect(pixel(down, badge, badge), state).toEqual([...LINE_DOWN_COLOUR, 255]);
      expect(pixel(up, badge, badge), state).not.toEqual([...LINE_DOWN_COLOUR, 255]);
      // The rim sets the dot off from the disc, even from On call's red.
      const rim = Math.floor(size * 0.74 - size * 0.2 - 1);
      expect(pixel(down, rim, badge), state).toEqual([255, 255, 255, 255]);
      // The rest of the icon is untouched.
      expect(pixel(down, centre - 6, centre - 6), state).toEqual(pixel(up, centre - 6, centre - 6));
    }
  });

  it('draws at 16 pixels too, and refuses sizes that make no sense', () => {
    const small = trayImage('wrap-up', false, 16);
    expect(small.rgba.length).toBe(16 * 16 * 4);
    expect(pixel(small, 6, 6)).toEqual([...STATE_COLOURS['wrap-up'], 255]);
    expect(pixel(small, 12, 12)).toEqual([...LINE_DOWN_COLOUR, 255]);
    expect(() => trayImage('available', true, 3)).toThrow(RangeError);
    expect(() => trayImage('available', true, 16.5)).toThrow(RangeError);
  });
});

describe('toBitmap: the bytes nativeImage.createFromBitmap reads', () => {
  it('puts blue first and premultiplies by alpha (Skia N32, kPremul)', () => {
    const image: TrayImage = { width: 2, height: 1, rgba: Buffer.from([200, 100, 50, 255, 200, 100, 50, 128]) };
    expect([...toBitmap(image)]).toEqual([50, 100, 200, 255, 25, 50, 100, 128]);
  });

  it('keeps transparent pixels at zero', () => {
    const bitmap = toBitmap(trayImage('break', true, 16));
    expect([...bitmap.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    const at = (8 * 16 + 8) * 4;
    expect([...bitmap.subarray(at, at + 4)]).toEqual([232, 115, 26, 255]);
  });
});

describe('the tooltip', () => {
  it('says the state and the line', () => {
    expect(trayToolTip(agent('available'), REGISTERED)).toBe('Headset Softphone — Available · line registered');
    expect(trayToolTip(agent('on-call'), LOST)).toBe('Headset Softphone — On call · line down: reconnecting');
    expect(trayToolTip(agent('not-ready', { reason: 'training' }), REGISTERED)).toBe(
      'Headset Softphone — Not ready: Training · line registered',
    );
    expect(trayToolTip(agent('not-ready', { reason: 'lunch duty' }), REGISTERED)).toBe(
      'Headset Softphone — Not ready: lunch duty · line registered',
    );
  });

  it('says where the agent goes after the call', () => {
    expect(trayToolTip(agent('on-call', { next: { state: 'break' } }), REGISTERED)).toBe(
      'Headset Softphone — On call, then: Break · line registered',
    );
    expect(
      trayToolTip(agent('wrap-up', { wrapUps: ['c1'], next: { state: 'not-ready', reason: 'meeting' } }), REGISTERED),
    ).toBe('Headset Softphone — Wrap-up, then: Not ready: Meeting · line registered');
  });

  it('tells each kind of line trouble apart', () => {
    const tip = (line: LineState) => trayToolTip(agent('available'), line);
    expect(tip({ status: 'unregistered' })).toBe('Headset Softphone — Available · line offline');
    expect(tip({ status: 'registering', server: 'wss://pbx', attempt: 0 })).toBe(
      'Headset Softphone — Available · line connecting…',
    );
    expect(tip({ status: 'registering', server: 'wss://pbx', attempt: 2 })).toBe(
      'Headset Softphone — Available · line down: reconnecting',
    );
    expect(tip({ status: 'failed', reason: 'wrong-credentials', attempt: 1 })).toBe(
      'Headset Softphone — Available · line down: wrong user name or password',
    );
    expect(tip({ status: 'failed', reason: 'unreachable', attempt: 3, retryAt: NOW })).toBe(
      'Headset Softphone — Available · line down: server unreachable',
    );
  });

  it('stays within the 127 characters Windows shows', () => {
    const long = trayToolTip(agent('not-ready', { reason: 'x'.repeat(200) }), REGISTERED);
    expect(long.length).toBe(127);
    expect(long.endsWith('…')).toBe(true);
  });

  it('follows the texts it is given', () => {
    const texts: TrayTexts = {
      ...DEFAULT_TRAY_TEXTS,
      appName: 'Softphone',
      states: { ...DEFAULT_TRAY_TEXTS.states, available: 'Disponibile' },
      line: { ...DEFAULT_TRAY_TEXTS.line, registered: 'linea registrata' },
    };
    expect(trayToolTip(agent('available'), REGISTERED, texts)).toBe('Softphone — Disponibile · linea registrata');
  });
});

describe('the menu', () => {
  const actions = new FakeActions();

  it('lists the states to choose, each reason of Not ready, the window and Quit, with the current state checked', () => {
    const menu = trayMenu(agent('available'), REGISTERED, REASONS, actions);
    expect(labels(menu)).toEqual([
      'Available · line registered',
      '---',
      'Available',
      'Break',
      'Not ready: Training',
      'Not ready: Meeting',
      'Not ready: Coaching',
      'Not ready: Admin',
      'Offline',
      '---',
      'Show the window',
      'Quit',
    ]);
    expect(checked(menu)).toEqual(['Available']);
    expect(item(menu, 'Available · line registered').enabled).toBe(false);
    expect(radios(menu).every((entry) => entry.enabled)).toBe(true);

    expect(checked(trayMenu(agent('not-ready', { reason: 'meeting' }), REGISTERED, REASONS, actions))).toEqual([
      'Not ready: Meeting',
    ]);
    expect(checked(trayMenu(agent('break'), REGISTERED, REASONS, actions))).toEqual(['Break']);
    expect(checked(trayMenu(agent('offline'), REGISTERED, REASONS, actions))).toEqual(['Offline']);
  });

  it('during a call keeps every state enabled and marks the one queued for after it', () => {
    const menu = trayMenu(agent('on-call', { next: { state: 'break' } }), REGISTERED, REASONS, actions);
    expect(checked(menu)).toEqual(['Break (after the call)']);
    expect(radios(menu).every((entry) => entry.enabled)).toBe(true);
    expect(labels(menu)[0]).toBe('On call, then: Break · line registered');

    // Nothing queued: back to Available afterwards (the state machine's leaveWork).
    expect(checked(trayMenu(agent('on-call'), REGISTERED, REASONS, actions))).toEqual(['Available (after the call)']);
    const wrapUp = trayMenu(
      agent('wrap-up', { wrapUps: ['c1'], next: { state: 'not-ready', reason: 'coaching' } }),
      LOST,
      REASONS,
      actions,
    );
    expect(checked(wrapUp)).toEqual(['Not ready: Coaching (after the wrap-up)']);
  });

  it('disables a reason the core would refuse: one no longer configured, or Not ready with none', () => {
    const menu = trayMenu(agent('not-ready', { reason: 'lunch' }), REGISTERED, REASONS, actions);
    expect(checked(menu)).toEqual(['Not ready: lunch']);
    expect(item(menu, 'Not ready: lunch').enabled).toBe(false);
    expect(item(menu, 'Not ready: Training').enabled).toBe(true);

    const none = trayMenu(agent('available'), REGISTERED, [], actions);
    expect(item(none, 'Not ready').enabled).toBe(false);
    expect(labels(none).filter((label) => label.startsWith('Not ready'))).toEqual(['Not ready']);
  });
});

describe('DeskTray', () => {
  function setUp(texts?: TrayTexts) {
    const port = new FakeTray();
    const actions = new FakeActions();
    const tray = new DeskTray(port, actions, texts);
    return { port, actions, tray };
  }

  it('sets the image, the tooltip and the menu on the first update', () => {
    const { port, tray } = setUp();
    tray.update(agent('available'), REGISTERED, REASONS);
    expect(port.images).toHaveLength(1);
    expect(port.images[0]?.width).toBe(32);
    expect(pixel(port.images[0] as TrayImage, 16, 16)).toEqual([...STATE_COLOURS.available, 255]);
    expect(port.toolTips).toEqual(['Headset Softphone — Available · line registered']);
    expect(checked(port.lastMenu())).toEqual(['Available']);
  });

  it('does not call the port again when nothing it shows changed', () => {
    const { port, tray } = setUp();
    tray.update(agent('available'), REGISTERED, REASONS);
    const before = port.calls;
    tray.update(agent('available', { since: NOW + 5000, workingSince: NOW }), { ...REGISTERED, since: NOW + 60_000 }, [
      ...REASONS,
    ]);
    expect(port.calls).toBe(before);
  });

  it('changes only what changed', () => {
    const { port, tray } = setUp();
    tray.update(agent('available'), REGISTERED, REASONS);

    // Another reason in the settings: the menu only.
    tray.update(agent('available'), REGISTERED, [...REASONS, 'lunch']);
    expect([port.images.length, port.toolTips.length, port.menus.length]).toEqual([1, 1, 2]);
    expect(labels(port.lastMenu())).toContain('Not ready: lunch');

    // The line drops: the mark, the tooltip and the menu's first line.
    tray.update(agent('available'), LOST, [...REASONS, 'lunch']);
    expect([port.images.length, port.toolTips.length, port.menus.length]).toEqual([2, 2, 3]);
    expect(pixel(port.images[1] as TrayImage, 24, 24)).toEqual([...LINE_DOWN_COLOUR, 255]);

    // Reconnecting after the drop says the same: nothing to redo.
    tray.update(agent('available'), { status: 'registering', server: 'wss://pbx', attempt: 1 }, [...REASONS, 'lunch']);
    expect([port.images.length, port.toolTips.length, port.menus.length]).toEqual([2, 2, 3]);

    // A call: a new colour, tooltip and menu.
    tray.update(agent('on-call'), LOST, [...REASONS, 'lunch']);
    expect([port.images.length, port.toolTips.length, port.menus.length]).toEqual([3, 3, 4]);
    expect(pixel(port.images[2] as TrayImage, 16, 16)).toEqual([...STATE_COLOURS['on-call'], 255]);
  });

  it('dispatches the state chosen in the menu, with its reason', () => {
    const { port, actions, tray } = setUp();
    tray.update(agent('available'), REGISTERED, REASONS);
    item(port.lastMenu(), 'Not ready: Meeting').onClick?.();
    item(port.lastMenu(), 'Break').onClick?.();
    item(port.lastMenu(), 'Offline').onClick?.();
    expect(actions.chosen).toEqual([
      { state: 'not-ready', reason: 'meeting' },
      { state: 'break' },
      { state: 'offline' },
    ]);
  });

  it('shows the window and quits from the menu', () => {
    const { port, actions, tray } = setUp();
    tray.update(agent('available'), REGISTERED, REASONS);
    item(port.lastMenu(), 'Show the window').onClick?.();
    item(port.lastMenu(), 'Quit').onClick?.();
    expect([actions.shown, actions.quitted]).toEqual([1, 1]);
  });

  it('gives the menu again when a choice came to nothing, to undo the check Electron moved on the click', async () => {
    const { port, actions, tray } = setUp();
    tray.update(agent('available'), REGISTERED, REASONS);
    actions.result = Promise.reject(new Error('core unreachable'));
    item(port.lastMenu(), 'Break').onClick?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(port.menus).toHaveLength(2);
    expect(checked(port.lastMenu())).toEqual(['Available']);
  });

  it('does not give the menu twice when the core took the choice', async () => {
    const { port, actions, tray } = setUp();
    tray.update(agent('available'), REGISTERED, REASONS);
    actions.result = Promise.resolve({ ok: true });
    item(port.lastMenu(), 'Break').onClick?.();
    // The core's 'agent' event comes while the command is handled.
    tray.update(agent('break'), REGISTERED, REASONS);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(port.menus).toHaveLength(2);
    expect(checked(port.lastMenu())).toEqual(['Break']);
  });

  it('speaks another language when given other texts, without redrawing the icon', () => {
    const { port, tray } = setUp();
    tray.update(agent('break'), REGISTERED, REASONS);
    tray.setTexts({
      ...DEFAULT_TRAY_TEXTS,
      states: { ...DEFAULT_TRAY_TEXTS.states, break: 'Pausa' },
      quit: 'Esci',
    });
    expect(port.images).toHaveLength(1);
    expect(port.toolTips.at(-1)).toBe('Headset Softphone — Pausa · line registered');
    expect(checked(port.lastMenu())).toEqual(['Pausa']);
    expect(labels(port.lastMenu()).at(-1)).toBe('Esci');
  });

  it('draws the icon at the size asked for', () => {
    const port = new FakeTray();
    new DeskTray(port, new FakeActions(), DEFAULT_TRAY_TEXTS, { iconSize: 16 }).update(
      agent('available'),
      REGISTERED,
      REASONS,
    );
    expect(port.images[0]?.width).toBe(16);
  });
});
