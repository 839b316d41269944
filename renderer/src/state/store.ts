import { create } from 'zustand';
import {
  parseCoreMessage,
  type AppInfo,
  type Call,
  type Command,
  type CallHistory,
  type LineHealth,
  type CommandResult,
  type CoreEvent,
  type LineState,
  type SettingsView,
  type CustomerCacheStatus,
  type ScreenPop,
  type SyncStatus,
  type GuidanceView,
  type ScriptsStatus,
  type AgentState,
  type WrapUpView,
  type CallbacksView,
  type DeclinedCall,
  type OutboundList,
  type DialLinkPrompt,
  type PracticeView,
  SYNC_OFF,
} from '../../../src/contract/index.js';
import type { MediaEngine } from '../media/engine.js';
import type { Transport, TransportStatus } from '../transport.js';

interface ConnectionSlice {
  connection: TransportStatus | 'no-token';
  /** A message from the core the UI could not read: shown for IT, never silently dropped. */
  protocolError?: string;
}
interface AppSlice {
  app?: AppInfo;
}
interface LineSlice {
  line: LineState;
}
interface SettingsSlice {
  settings?: SettingsView;
}
interface CallsSlice {
  /** Calls in progress, then the last one that ended. */
  calls: Call[];
}
interface HistorySlice {
  history: CallHistory;
  health: LineHealth;
}
interface CustomerSlice {
  /** The record on screen for each call in `calls`. */
  pops: ScreenPop[];
  customers: CustomerCacheStatus;
}
interface SyncSlice {
  /** The CRM sync: what waits, what went wrong, the agent's decisions to make, a first sync's progress. */
  sync: SyncStatus;
}
interface GuidanceSlice {
  /** The live guidance of each call in `calls` (none for consultation calls). */
  guidance: GuidanceView[];
  /** The call scripts the desk has, and the files it could not use. */
  scripts: ScriptsStatus;
}
interface WorkSlice {
  /** The agent's state (Available, On call, Wrap-up, Break, Not ready, Offline); unknown until the first snapshot. */
  agent?: AgentState;
  /** Calls waiting for their wrap-up, oldest first. */
  wrapUps: WrapUpView[];
  /** The open callbacks, due first, and those whose reminder is showing. */
  callbacks: CallbacksView;
  /** Incoming calls refused while the agent was not available, newest first. */
  declined: DeclinedCall[];
  /** The outbound lists (campaigns from CSV files), each with its entries in order. */
  outbound: OutboundList[];
  /** A click-to-dial link waiting for the agent's yes or no (or one that could not be read). */
  dialLink: DialLinkPrompt | null;
  /** Practice mode: on or off, the review of each practice call and their summary. */
  practice: PracticeView | null;
}
interface SoundSlice {
  /** The browser will not play the ringtone until the agent has clicked or typed in the window. */
  soundBlocked: boolean;
}
interface Actions {
  applyEvent(event: CoreEvent): void;
  send(command: Command): Promise<CommandResult>;
}

export type SoftphoneState = ConnectionSlice &
  AppSlice &
  LineSlice &
  SettingsSlice &
  CallsSlice &
  HistorySlice &
  CustomerSlice &
  SyncSlice &
  GuidanceSlice &
  WorkSlice &
  SoundSlice &
  Actions;

const pending = new Map<string, (result: CommandResult) => void>();
let transport: Transport | undefined;
let nextId = 1;

/** One store from typed slices; the core's events are its only writer besides the connection. */
export const useSoftphone = create<SoftphoneState>()((set) => ({
  connection: 'connecting',
  line: { status: 'unregistered' },
  calls: [],
  history: { calls: [], unseenMissed: 0 },
  health: { onSecondary: false, reconnects: [] },
  soundBlocked: false,
  pops: [],
  customers: { state: 'ready', customers: 0, pendingChanges: 0 },
  sync: SYNC_OFF,
  guidance: [],
  scripts: { scripts: [], problems: [] },
  wrapUps: [],
  callbacks: { open: [], reminding: [] },
  declined: [],
  outbound: [],
  dialLink: null,
  practice: null,
  applyEvent(event) {
    switch (event.type) {
      case 'state':
        set({
          app: event.state.app,
          line: event.state.line,
          settings: event.state.settings,
          calls: event.state.calls,
          history: event.state.history,
          health: event.state.health,
          pops: event.state.pops,
          customers: event.state.customers,
          sync: event.state.sync,
          guidance: event.state.guidance,
          scripts: event.state.scripts,
          agent: event.state.agent,
          wrapUps: event.state.wrapUps,
          callbacks: event.state.callbacks,
          declined: event.state.declined,
          outbound: event.state.outbound,
          dialLink: event.state.dialLink,
          practice: event.state.practice,
        });
        break;
      case 'history':
        set({ history: event.history });
        break;
      case 'pops':
        set({ pops: event.pops });
        break;
      case 'customers':
        set({ customers: event.customers });
        break;
      case 'sync':
        set({ sync: event.sync });
        break;
      case 'guidance':
        set({ guidance: event.guidance });
        break;
      case 'scripts':
        set({ scripts: event.scripts });
        break;
      case 'agent':
        set({ agent: event.agent });
        break;
      case 'wrapups':
        set({ wrapUps: event.wrapUps });
        break;
      case 'callbacks':
        set({ callbacks: event.callbacks });
        break;
      case 'declined':
        set({ declined: event.declined });
        break;
      case 'outbound':
        set({ outbound: event.outbound });
        break;
      case 'dialLink':
        set({ dialLink: event.dialLink });
        break;
      case 'practice':
        set({ practice: event.practice });
        break;
      case 'health':
        set({ health: event.health });
        break;
      case 'calls':
        set({ calls: event.calls });
        break;
      case 'line':
        set({ line: event.line });
        break;
      case 'settings':
        set({ settings: event.settings });
        break;
    }
  },
  send(command) {
    const id = `c${nextId++}`;
    return new Promise<CommandResult>((resolve) => {
      if (!transport?.send({ kind: 'command', id, command })) {
        resolve({ ok: false, error: { code: 'internal', message: 'core-unreachable' } });
        return;
      }
      pending.set(id, resolve);
    });
  },
}));

/** Wires a transport into the store: validates every message from the core before applying it. */
export function connectStore(t: Transport, media: MediaEngine | undefined): void {
  transport = t;
  t.onStatus((connection) => {
    useSoftphone.setState({ connection });
    // This window carries the calls' audio: say so on every (re)connection.
    if (connection === 'open' && media) void useSoftphone.getState().send({ type: 'media.attach' });
    if (connection === 'closed') {
      for (const [id, resolve] of pending) {
        pending.delete(id);
        resolve({ ok: false, error: { code: 'internal', message: 'core-unreachable' } });
      }
    }
  });
  t.onMessage((raw) => {
    const parsed = parseCoreMessage(raw);
    if (!parsed.ok) {
      useSoftphone.setState({ protocolError: parsed.error.message });
      return;
    }
    const message = parsed.value;
    switch (message.kind) {
      case 'event':
        useSoftphone.getState().applyEvent(message.event);
        break;
      case 'result': {
        const resolve = pending.get(message.id);
        pending.delete(message.id);
        resolve?.(message.ok ? { ok: true, value: message.value } : { ok: false, error: message.error });
        break;
      }
      case 'error':
        useSoftphone.setState({ protocolError: message.error.message });
        break;
      case 'media-request': {
        const { id, request } = message;
        if (!media) {
          t.send({ kind: 'media-result', id, ok: false, error: 'this window has no media engine' });
          break;
        }
        media.handle(request).then(
          (result) => t.send({ kind: 'media-result', id, ok: true, result }),
          (error: unknown) =>
            t.send({ kind: 'media-result', id, ok: false, error: String((error as Error)?.message ?? error) }),
        );
        break;
      }
    }
  });
}
