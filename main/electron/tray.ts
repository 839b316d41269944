import { APP_NAME } from '../../src/config/paths.js';
import type { AgentState, AgentStateName, ChosenState } from '../../src/contract/agent.js';
import type { LineFailureReason, LineState } from '../../src/contract/line.js';

// The tray icon: the agent's state and the line's health at a glance, and a menu to change state
// without bringing the window up. Electron cannot run here, so this module speaks to a small port
// (TrayPort) that main.ts implements with Tray, Menu.buildFromTemplate and nativeImage; the icon is
// drawn here as raw pixels, so the app ships no image files for it.

/** Raw pixels, row by row from the top left, 4 bytes a pixel: red, green, blue, alpha (straight, not premultiplied). */
export interface TrayImage {
  width: number;
  height: number;
  rgba: Buffer;
}

/** A menu entry as plain data; main.ts turns the list into Electron's `Menu.buildFromTemplate`. */
export type TrayMenuItem =
  | { type: 'separator' }
  | { type: 'normal' | 'radio'; label: string; checked?: boolean; enabled?: boolean; onClick?: () => void };

/** What the tray needs from Electron's Tray. */
export interface TrayPort {
  setImage(image: TrayImage): void;
  setToolTip(text: string): void;
  setMenu(items: TrayMenuItem[]): void;
}

export interface TrayActions {
  /**
   * The agent picked a state in the menu: main.ts dispatches `{ type: 'agent.state', state, reason }`.
   * It should deal with its own errors; a rejected promise only tells the tray to redraw its menu.
   */
  chooseState(state: ChosenState, reason?: string): void | Promise<unknown>;
  /** Show and focus the window. */
  show(): void;
  quit(): void;
}

/**
 * Every word the tray shows. `{{name}}` marks where a value goes, as in the UI's locale files, so
 * that main.ts can build this from the UI language later. A Not-ready reason missing from `reasons`
 * is shown as configured.
 */
export interface TrayTexts {
  appName: string;
  states: Record<AgentStateName, string>;
  reasons: Record<string, string>;
  /** `{{state}}`, `{{reason}}`. */
  stateWithReason: string;
  /** During the work of a call, where the agent goes next: `{{state}}`. */
  then: string;
  /** The menu entry queued for after the call: `{{choice}}`. */
  afterCall: string;
  /** The menu entry queued for after the wrap-up: `{{choice}}`. */
  afterWrapUp: string;
  line: {
    registered: string;
    connecting: string;
    offline: string;
    /** `{{problem}}`. */
    down: string;
    /** The line broke and is being registered again. */
    reconnecting: string;
    problems: Record<LineFailureReason, string>;
  };
  show: string;
  quit: string;
}

export const DEFAULT_TRAY_TEXTS: TrayTexts = {
  appName: APP_NAME,
  states: {
    available: 'Available',
    'on-call': 'On call',
    'wrap-up': 'Wrap-up',
    break: 'Break',
    'not-ready': 'Not ready',
    offline: 'Offline',
  },
  reasons: { training: 'Training', meeting: 'Meeting', coaching: 'Coaching', admin: 'Admin' },
  stateWithReason: '{{state}}: {{reason}}',
  then: 'then: {{state}}',
  afterCall: '{{choice}} (after the call)',
  afterWrapUp: '{{choice}} (after the wrap-up)',
  line: {
    registered: 'line registered',
    connecting: 'line connecting…',
    offline: 'line offline',
    down: 'line down: {{problem}}',
    reconnecting: 'reconnecting',
    problems: {
      'not-configured': 'not set up',
      'missing-password': 'no password saved',
      'wrong-credentials': 'wrong user name or password',
      'unknown-user': 'unknown user',
      unreachable: 'server unreachable',
      timeout: 'server not answering',
      tls: 'certificate not trusted',
      rejected: 'refused by the server',
      'connection-lost': 'reconnecting',
    },
  },
  show: 'Show the window',
  quit: 'Quit',
};

/** The colour of each state (sRGB). Offline shares Not ready's grey but is drawn as a ring. */
export const STATE_COLOURS: Readonly<Record<AgentStateName, readonly [number, number, number]>> = {
  available: [30, 142, 62],
  'on-call': [217, 48, 37],
  'wrap-up': [242, 153, 0],
  break: [26, 115, 232],
  'not-ready': [128, 134, 139],
  offline: [128, 134, 139],
};
/** The line-down mark: a red dot, set off from the icon by a white rim (so it shows on On call's red too). */
export const LINE_DOWN_COLOUR: readonly [number, number, number] = [200, 0, 0];
const RIM_COLOUR: readonly [number, number, number] = [255, 255, 255];

/** Windows cuts tray tooltips at 127 characters (NOTIFYICONDATA's szTip holds 128 with the NUL). */
const TOOLTIP_MAX = 127;
/** Samples per pixel along each axis, for smooth edges. */
const SUPERSAMPLE = 4;

/**
 * The tray icon for a state, `size` pixels square: a disc in the state's colour (a ring for
 * Offline, so that it does not rest on telling two greys apart), and a red dot at the bottom right
 * while the line is not registered. main.ts gives it to `nativeImage.createFromBitmap` through
 * `toBitmap`.
 */
export function trayImage(state: AgentStateName, lineOk: boolean, size = 32): TrayImage {
  if (!Number.isInteger(size) || size < 8 || size > 256) throw new RangeError(`tray icon size ${size}`);
  const centre = size / 2;
  const radius = size * 0.42;
  // Offline: a ring a sixth of the icon thick, so it stays visible at 16 pixels.
  const hole = state === 'offline' ? radius - Math.max(2, size / 6) : -1;
  const badge = { x: size * 0.74, y: size * 0.74, radius: size * 0.2, rim: Math.max(1, size / 16) };
  const colour = STATE_COLOURS[state];

  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Premultiplied accumulators, painted back to front ("over") one layer at a time.
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      const paint = (cover: number, [cr, cg, cb]: readonly [number, number, number]) => {
        r = cr * cover + r * (1 - cover);
        g = cg * cover + g * (1 - cover);
        b = cb * cover + b * (1 - cover);
        a = cover + a * (1 - cover);
      };
      paint(
        coverage(x, y, (px, py) => {
          const d = Math.hypot(px - centre, py - centre);
          return d <= radius && d >= hole;
        }),
        colour,
      );
      if (!lineOk) {
        paint(
          coverage(x, y, (px, py) => Math.hypot(px - badge.x, py - badge.y) <= badge.radius + badge.rim),
          RIM_COLOUR,
        );
        paint(
          coverage(x, y, (px, py) => Math.hypot(px - badge.x, py - badge.y) <= badge.radius),
          LINE_DOWN_COLOUR,
        );
      }
      const at = (y * size + x) * 4;
      if (a > 0) {
        rgba[at] = Math.round(r / a);
        rgba[at + 1] = Math.round(g / a);
        rgba[at + 2] = Math.round(b / a);
        rgba[at + 3] = Math.round(a * 255);
      }
    }
  }
  return { width: size, height: size, rgba };
}

/** The share of a pixel's samples that fall inside a shape. */
function coverage(x: number, y: number, inside: (px: number, py: number) => boolean): number {
  let hits = 0;
  for (let sy = 0; sy < SUPERSAMPLE; sy++) {
    for (let sx = 0; sx < SUPERSAMPLE; sx++) {
      if (inside(x + (sx + 0.5) / SUPERSAMPLE, y + (sy + 0.5) / SUPERSAMPLE)) hits++;
    }
  }
  return hits / (SUPERSAMPLE * SUPERSAMPLE);
}

/**
 * The pixels as `nativeImage.createFromBitmap` reads them: Skia's N32 format with premultiplied
 * alpha (Electron's shell/common/skia_util.cc builds the bitmap with `SkImageInfo::MakeN32(width,
 * height, kPremul_SkAlphaType)`). N32 is blue, green, red, alpha in memory on every desktop
 * platform Chromium builds for (little-endian, SK_R32_SHIFT 16); Electron's docs only say "platform
 * dependent", and apps that passed RGBA saw red and blue swapped. If a future Electron changed
 * that, only this function would change.
 */
export function toBitmap(image: TrayImage): Buffer {
  const out = Buffer.alloc(image.rgba.length);
  for (let at = 0; at < image.rgba.length; at += 4) {
    const alpha = image.rgba[at + 3] ?? 0;
    const premultiply = (value: number) => Math.round((value * alpha) / 255);
    out[at] = premultiply(image.rgba[at + 2] ?? 0);
    out[at + 1] = premultiply(image.rgba[at + 1] ?? 0);
    out[at + 2] = premultiply(image.rgba[at] ?? 0);
    out[at + 3] = alpha;
  }
  return out;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
}

function reasonLabel(reason: string, texts: TrayTexts): string {
  return Object.hasOwn(texts.reasons, reason) ? (texts.reasons[reason] ?? reason) : reason;
}

/** A state in words, with its reason: "Not ready: Training". */
function stateLabel(state: AgentStateName, reason: string | undefined, texts: TrayTexts): string {
  const name = texts.states[state];
  return state === 'not-ready' && reason
    ? fill(texts.stateWithReason, { state: name, reason: reasonLabel(reason, texts) })
    : name;
}

/** Whether the agent is in the work of a call, where a choice waits for that work to end. */
function inCallWork(agent: AgentState): boolean {
  return agent.state === 'on-call' || agent.state === 'wrap-up';
}

/** The agent's state in words: "On call, then: Break". */
export function agentText(agent: AgentState, texts: TrayTexts = DEFAULT_TRAY_TEXTS): string {
  const now = stateLabel(agent.state, agent.reason, texts);
  if (!inCallWork(agent) || !agent.next) return now;
  return `${now}, ${fill(texts.then, { state: stateLabel(agent.next.state, agent.next.reason, texts) })}`;
}

/** The line in a few words: "line registered", "line down: reconnecting". */
export function lineText(line: LineState, texts: TrayTexts = DEFAULT_TRAY_TEXTS): string {
  switch (line.status) {
    case 'registered':
      return texts.line.registered;
    case 'unregistered':
      return texts.line.offline;
    case 'registering':
      // A first attempt is connecting; a later one follows a failure, so the line is down.
      return line.attempt > 0 ? fill(texts.line.down, { problem: texts.line.reconnecting }) : texts.line.connecting;
    case 'failed':
      return fill(texts.line.down, { problem: texts.line.problems[line.reason] });
  }
}

/** "Headset Softphone — Available · line registered", within what Windows shows. */
export function trayToolTip(agent: AgentState, line: LineState, texts: TrayTexts = DEFAULT_TRAY_TEXTS): string {
  const text = `${texts.appName} — ${agentText(agent, texts)} · ${lineText(line, texts)}`;
  return text.length <= TOOLTIP_MAX ? text : `${text.slice(0, TOOLTIP_MAX - 1)}…`;
}

/**
 * The tray menu. The first line repeats the state and the line in words, because Linux tray hosts
 * (AppIndicator) show no tooltip. Then the states the agent may choose, as one radio group:
 *
 * - Outside the work of a call the current state is checked.
 * - During a call or its wrap-up the core does not refuse a choice, it queues it as `next` for when
 *   the work is done (src/agent/state-machine.ts), so every entry stays enabled and the queued one
 *   is checked and says "(after the call)". With nothing queued the agent goes back to Available
 *   afterwards, so that is the one checked: Electron checks the first radio of a group that has
 *   none anyway (Menu._menuWillShow), and it would be true.
 * - The core refuses Not ready without a reason or with one not in the configured list, so the tray
 *   offers one entry per configured reason; a current or queued reason that has since been removed
 *   from the list is shown checked but disabled, and with no reasons at all Not ready is disabled.
 */
export function trayMenu(
  agent: AgentState,
  line: LineState,
  reasons: readonly string[],
  actions: TrayActions,
  texts: TrayTexts = DEFAULT_TRAY_TEXTS,
  choose: (state: ChosenState, reason?: string) => void = (state, reason) => void actions.chooseState(state, reason),
): TrayMenuItem[] {
  const working = inCallWork(agent);
  const target: { state: AgentStateName; reason?: string | undefined } = working
    ? (agent.next ?? { state: 'available' })
    : { state: agent.state, reason: agent.reason };
  const queuedLabel = agent.state === 'wrap-up' ? texts.afterWrapUp : texts.afterCall;

  const entry = (state: ChosenState, reason?: string, enabled = true): TrayMenuItem => {
    const checked = target.state === state && (state !== 'not-ready' || target.reason === reason);
    const label = stateLabel(state, reason, texts);
    return {
      type: 'radio',
      label: checked && working ? fill(queuedLabel, { choice: label }) : label,
      checked,
      enabled,
      onClick: () => choose(state, reason),
    };
  };

  const notReady: TrayMenuItem[] = reasons.map((reason) => entry('not-ready', reason));
  if (target.state === 'not-ready' && (target.reason === undefined || !reasons.includes(target.reason))) {
    notReady.push(entry('not-ready', target.reason, false));
  }
  if (notReady.length === 0) notReady.push({ type: 'radio', label: texts.states['not-ready'], enabled: false });

  return [
    { type: 'normal', label: `${agentText(agent, texts)} · ${lineText(line, texts)}`, enabled: false },
    { type: 'separator' },
    entry('available'),
    entry('break'),
    ...notReady,
    entry('offline'),
    { type: 'separator' },
    { type: 'normal', label: texts.show, onClick: () => actions.show() },
    { type: 'normal', label: texts.quit, onClick: () => actions.quit() },
  ];
}

export interface DeskTrayOptions {
  /** The icon's size in pixels; main.ts gives it to Electron with scaleFactor size / 16. Default 32. */
  iconSize?: number;
}

/**
 * Keeps the tray in step with the core: main.ts calls `update` on each 'agent' or 'line' event
 * (and with the configured reasons when the settings change). The port is called only for what
 * changed: rebuilding a menu closes it on some systems, and setting an image makes it flicker.
 */
export class DeskTray {
  private texts: TrayTexts;
  private readonly iconSize: number;
  private last: { agent: AgentState; line: LineState; reasons: readonly string[] } | undefined;
  private imageKey: string | undefined;
  private toolTip: string | undefined;
  private menuKey: string | undefined;
  private menu: TrayMenuItem[] = [];
  /** Counts the menus given to the port, to know whether one came after a click. */
  private menusSent = 0;

  constructor(
    private readonly port: TrayPort,
    private readonly actions: TrayActions,
    texts: TrayTexts = DEFAULT_TRAY_TEXTS,
    options: DeskTrayOptions = {},
  ) {
    this.texts = texts;
    this.iconSize = options.iconSize ?? 32;
  }

  update(agent: AgentState, line: LineState, reasons: readonly string[]): void {
    this.last = { agent, line, reasons: [...reasons] };
    this.render();
  }

  /** The UI language changed: the same state in other words. */
  setTexts(texts: TrayTexts): void {
    this.texts = texts;
    this.render();
  }

  private render(): void {
    if (!this.last) return;
    const { agent, line, reasons } = this.last;

    const lineOk = line.status === 'registered';
    const imageKey = `${agent.state}/${lineOk}`;
    if (imageKey !== this.imageKey) {
      this.imageKey = imageKey;
      this.port.setImage(trayImage(agent.state, lineOk, this.iconSize));
    }

    const toolTip = trayToolTip(agent, line, this.texts);
    if (toolTip !== this.toolTip) {
      this.toolTip = toolTip;
      this.port.setToolTip(toolTip);
    }

    const menu = trayMenu(agent, line, reasons, this.actions, this.texts, (state, reason) =>
      this.choose(state, reason),
    );
    // The click handlers follow from the data, so the data alone says whether the menu changed.
    const menuKey = JSON.stringify(menu);
    if (menuKey !== this.menuKey) {
      this.menuKey = menuKey;
      this.sendMenu(menu);
    }
  }

  private sendMenu(menu: TrayMenuItem[]): void {
    this.menu = menu;
    this.menusSent++;
    this.port.setMenu(menu);
  }

  /**
   * Electron checks a radio entry itself when it is clicked. When the core takes the choice, the
   * 'agent' event brings a new menu; when it does not (refused, or the core is gone), nothing would
   * put the check back where it belongs, so once the choice has settled without a new menu, the
   * current one is given again.
   */
  private choose(state: ChosenState, reason?: string): void {
    const before = this.menusSent;
    const settled = Promise.resolve(this.actions.chooseState(state, reason));
    const resync = () => {
      if (this.menusSent === before) this.sendMenu(this.menu);
    };
    settled.then(resync, resync);
  }
}
