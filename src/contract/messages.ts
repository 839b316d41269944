import { z } from 'zod';
import { Call } from './calls.js';
import { CustomerCacheStatus, CustomerDraft, NewCustomer, ScreenPop } from './customers.js';
import { LineHealth, LineState } from './line.js';
import { SettingsPatch, SettingsView } from './settings.js';
import { SyncStatus } from './sync.js';
import { GuidanceView, PhaseId, ProcedureId, ScriptsStatus } from './guidance.js';
import { AgentState, ChosenState, DeclinedCall } from './agent.js';
import { CallbacksView, OutboundList, OutboundOutcome, WrapUpDraft, WrapUpView } from './wrapup.js';
import { PracticeView } from './practice.js';

/** Cumulative receive-side counters of one call's audio, as RTCPeerConnection.getStats reports them. */
/** The largest CSV the UI sends in one command (about 32 MB); larger files go through `npm run import`. */
export const MAX_IMPORT_CHARS = 32 * 1024 * 1024;

export const MediaStatsSample = z.object({
  callId: z.string(),
  /** Epoch milliseconds when sampled. */
  at: z.number(),
  packetsReceived: z.number().int().min(0),
  packetsLost: z.number().int(),
  bytesReceived: z.number().int().min(0),
  /** Interarrival jitter in milliseconds. */
  jitterMs: z.number().min(0),
  /** Round-trip time from RTCP, when known. */
  rttMs: z.number().min(0).optional(),
  /** The codec in use, e.g. "opus" or "PCMU". */
  codec: z.string().max(32).optional(),
});
export type MediaStatsSample = z.infer<typeof MediaStatsSample>;

// ---- Commands: UI → core ----------------------------------------------------------------------

export const Command = z.discriminatedUnion('type', [
  /** Ask for the whole state again, e.g. after a reload. */
  z.object({ type: z.literal('state.get') }),
  /** Change settings; the SIP password, when given, goes to the secret store, never to a file. */
  z.object({
    type: z.literal('settings.update'),
    changes: SettingsPatch,
    sipPassword: z.string().max(256).optional(),
    /** The CRM sync token, when given, goes to the secret store too; an empty string removes it. */
    crmToken: z.string().max(4096).optional(),
  }),
  /** Try to register now (after a failure, or after settings changed). */
  z.object({ type: z.literal('line.connect') }),
  /** Unregister and stay offline until asked again. */
  z.object({ type: z.literal('line.disconnect') }),
  /** This window has a media engine (WebRTC, microphone): calls' audio goes through it. */
  z.object({ type: z.literal('media.attach') }),
  /** Place a call to a number (any common format) or a sip:/tel: address. */
  z.object({ type: z.literal('call.dial'), target: z.string().trim().min(1).max(256) }),
  /**
   * A click-to-dial link (tel:, callto:, sip:) handed over by the OS or the page's address: dialled
   * after the agent confirms it (or at once, when `calls.confirmLinks` is off).
   */
  z.object({ type: z.literal('link.open'), link: z.string().max(2048) }),
  /** The agent's answer to the link waiting for confirmation: call it, or not. */
  z.object({ type: z.literal('link.answer'), call: z.boolean() }),
  z.object({ type: z.literal('call.answer'), callId: z.string() }),
  z.object({ type: z.literal('call.decline'), callId: z.string() }),
  /** Hang up an active call, or cancel one still ringing out. */
  z.object({ type: z.literal('call.hangup'), callId: z.string() }),
  z.object({ type: z.literal('call.hold'), callId: z.string(), hold: z.boolean() }),
  z.object({ type: z.literal('call.mute'), callId: z.string(), muted: z.boolean() }),
  /** Keypad tones during a call (to an IVR, for a PIN). */
  z.object({ type: z.literal('call.dtmf'), callId: z.string(), tones: z.string().regex(/^[0-9A-D#*]{1,32}$/) }),
  /** Blind transfer: hand the call to a number or address at once (REFER). */
  z.object({ type: z.literal('call.transfer'), callId: z.string(), target: z.string().trim().min(1).max(256) }),
  /** Attended transfer, first step: hold the customer and call the target to consult. */
  z.object({ type: z.literal('call.consult'), callId: z.string(), target: z.string().trim().min(1).max(256) }),
  /** Attended transfer, last step: connect the customer to the consulted target (REFER with Replaces). */
  z.object({ type: z.literal('call.completeTransfer'), callId: z.string() }),
  /** Give up the attended transfer: end the consultation and go back to the customer. */
  z.object({ type: z.literal('call.abandonTransfer'), callId: z.string() }),
  /** The note for whoever takes the call over; kept with the call. */
  z.object({ type: z.literal('call.note'), callId: z.string(), note: z.string().max(2000) }),
  /** The media engine's figures of the last second, one per call in progress (live call quality). */
  z.object({ type: z.literal('media.stats'), samples: z.array(MediaStatsSample).max(16) }),
  /**
   * The host saw the computer wake up, or the network go away or come back (Electron's powerMonitor,
   * the page's online/offline events): the line checks itself at once.
   */
  z.object({ type: z.literal('host.event'), event: z.enum(['resume', 'suspend', 'online', 'offline']) }),
  /** Write a diagnostics bundle (versions, settings, masked log and SIP trace) into the data folder. */
  z.object({ type: z.literal('diagnostics.create') }),
  /** The agent has seen the missed calls in the recent-calls list. */
  z.object({ type: z.literal('history.seen') }),
  /**
   * Into or out of practice mode (docs/demo.md): the host restarts the desk on the practice folder
   * or the real one. Refused while a call is up or when IT's policy locks it.
   */
  z.object({ type: z.literal('practice.set'), enabled: z.boolean() }),
  /** Search the customer cache by name, company, e-mail, account number or digits of a number. */
  z.object({
    type: z.literal('customers.search'),
    query: z.string().trim().min(1).max(200),
    limit: z.number().int().min(1).max(100).optional(),
  }),
  /** One customer's card, to look at without changing what is pinned to the call. */
  z.object({ type: z.literal('customers.card'), customerId: z.number().int() }),
  /** Link the call to this customer: a choice among several matches, or a re-link to another record. */
  z.object({ type: z.literal('pop.link'), callId: z.string(), customerId: z.number().int() }),
  /** A new customer written at the desk (e.g. an unknown caller); linked to the call when one is given. */
  z.object({ type: z.literal('customers.create'), callId: z.string().optional(), customer: NewCustomer }),
  /** Corrections to a customer (a new number, an e-mail), saved locally at once for the CRM sync. */
  z.object({ type: z.literal('customers.update'), customerId: z.number().int(), changes: CustomerDraft }),
  /**
   * Import customers from a CSV file (the columns are in docs/customer-import.md). The content is
   * sent as text; large files go through `npm run import`.
   */
  z.object({
    type: z.literal('customers.import'),
    fileName: z.string().trim().min(1).max(255),
    content: z.string().max(MAX_IMPORT_CHARS),
  }),
  /** Pull and push now instead of at the next interval (after the agent fixed the network, say). */
  z.object({ type: z.literal('sync.now') }),
  /**
   * The agent's decision on a change the CRM did not take: `mine` sends it again over the CRM's
   * version (a conflict) or as it is (a rejection, after the cause was fixed in the CRM); `theirs`
   * drops it and keeps the CRM's record. Dropped changes are kept in the database, never deleted.
   */
  z.object({ type: z.literal('sync.resolve'), mutationId: z.string().max(100), choice: z.enum(['mine', 'theirs']) }),
  /** Move the call's guidance to a phase by hand (it follows the call by itself otherwise). */
  z.object({ type: z.literal('guidance.phase'), callId: z.string(), phase: PhaseId }),
  /** The next (+1) or previous (-1) phase. */
  z.object({ type: z.literal('guidance.step'), callId: z.string(), delta: z.union([z.literal(1), z.literal(-1)]) }),
  /** Tick (or untick) a checklist item of a phase. */
  z.object({
    type: z.literal('guidance.tick'),
    callId: z.string(),
    phase: PhaseId,
    item: z.string().max(100),
    done: z.boolean(),
  }),
  /**
   * A procedure: `open`/`close` shows or hides it; `warn` records the one explicit warning to an
   * abusive caller; `end` ends the call under the procedure (abusive: only after the warning;
   * nuisance: at once); `mark` records that the caller could not be identified.
   */
  z.object({
    type: z.literal('guidance.procedure'),
    callId: z.string(),
    procedure: ProcedureId,
    action: z.enum(['open', 'close', 'warn', 'end', 'mark']),
  }),
  /**
   * Outbound: the person has no time now. Recorded in the trail (the wrap-up offers the callback),
   * and the guidance moves on to agreeing a time and taking leave.
   */
  z.object({ type: z.literal('guidance.notNow'), callId: z.string() }),
  /** The agent's notes on the call, as typed (the summary the wrap-up starts from). */
  z.object({ type: z.literal('guidance.notes'), callId: z.string(), notes: z.string().max(8000) }),
  /** Search the knowledge snippets by words. */
  z.object({
    type: z.literal('knowledge.search'),
    query: z.string().trim().min(1).max(200),
    limit: z.number().int().min(1).max(50).optional(),
  }),
  /** The agent chooses a state (during a call's work it waits until that work is done). */
  z.object({ type: z.literal('agent.state'), state: ChosenState, reason: z.string().max(40).optional() }),
  /** The wrap-up form as typed so far: kept on disk at once, so that it survives a crash. */
  z.object({ type: z.literal('wrapup.draft'), callId: z.string(), draft: WrapUpDraft }),
  /**
   * The finished wrap-up: checked with the line's rules, then committed with its outbox entry (and
   * its callback) in one transaction. The answer comes only after the commit.
   */
  z.object({ type: z.literal('wrapup.submit'), callId: z.string(), form: WrapUpDraft }),
  /** A callback from the customer card (the wrap-up and outbound calls make their own). */
  z.object({
    type: z.literal('callback.create'),
    number: z.string().trim().min(3).max(40),
    customerId: z.number().int().optional(),
    dueAt: z.number(),
    note: z.string().max(500),
  }),
  /** Call the callback's number now: the record pops and the outbound guidance starts. */
  z.object({ type: z.literal('callback.dial'), id: z.string() }),
  /** After trying: done, a failed attempt (it stays open), rescheduled, or cancelled. */
  z.object({
    type: z.literal('callback.update'),
    id: z.string(),
    action: z.enum(['done', 'failed', 'reschedule', 'cancel']),
    dueAt: z.number().optional(),
  }),
  /**
   * An outbound list from a CSV file (columns: number, name, note; docs/outbound-lists.md). Answers
   * how many entries were taken and the rows refused with their line and reason.
   */
  z.object({
    type: z.literal('outbound.import'),
    name: z.string().trim().min(1).max(200),
    content: z.string().max(4 * 1024 * 1024),
  }),
  /** Call the list's next entry in order (the first pending one). */
  z.object({ type: z.literal('outbound.next'), listId: z.number().int() }),
  /** What came of an entry's call; `not-now` needs the agreed time (`dueAt`) and makes a callback. */
  z.object({
    type: z.literal('outbound.outcome'),
    entryId: z.number().int(),
    outcome: OutboundOutcome,
    dueAt: z.number().optional(),
  }),
  /** Remove a list the agent has finished with (its entries' outcomes stay in the calls' records). */
  z.object({ type: z.literal('outbound.remove'), listId: z.number().int() }),
  /** The agent's own figures for today or this week (answered with AgentFigures). */
  z.object({ type: z.literal('figures.get'), period: z.enum(['today', 'week']) }),
  /** The same as CSV text, one row per call, for a spreadsheet. */
  z.object({ type: z.literal('figures.csv'), period: z.enum(['today', 'week']) }),
  /** Insert a knowledge snippet into the call's notes (recorded in the trail). */
  z.object({ type: z.literal('knowledge.use'), callId: z.string(), snippetId: z.string().max(200) }),
]);
export type Command = z.infer<typeof Command>;
export type CommandType = Command['type'];

// ---- State and events: core → UI --------------------------------------------------------------

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  host: z.enum(['electron', 'web']),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** The recent calls, newest first, and how many missed ones the agent has not seen yet. */
export const CallHistory = z.object({
  calls: z.array(Call),
  unseenMissed: z.number().int().min(0),
});
export type CallHistory = z.infer<typeof CallHistory>;

/** A click-to-dial link as the agent sees it: what it would call, or why it cannot. */
export const DialLinkPrompt = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('confirm'), target: z.string(), number: z.string(), at: z.number() }),
  /** Not a number or address the desk can call (shown, then dismissed by the agent). */
  z.object({ kind: z.literal('unusable'), link: z.string(), at: z.number() }),
]);
export type DialLinkPrompt = z.infer<typeof DialLinkPrompt>;

/** Everything the UI needs to draw itself from nothing. */
export const StateSnapshot = z.object({
  app: AppInfo,
  line: LineState,
  settings: SettingsView,
  /** Calls in progress, then the most recently ended one (kept until the next call). */
  calls: z.array(Call),
  history: CallHistory,
  health: LineHealth,
  /** The records on screen for the calls in `calls`. */
  pops: z.array(ScreenPop),
  customers: CustomerCacheStatus,
  sync: SyncStatus,
  /** The guidance of each call in `calls` (not of consultation calls). */
  guidance: z.array(GuidanceView),
  scripts: ScriptsStatus,
  agent: AgentState,
  /** Calls waiting for their wrap-up, oldest first. */
  wrapUps: z.array(WrapUpView),
  callbacks: CallbacksView,
  /** Incoming calls refused while the agent was not available, newest first (this session). */
  declined: z.array(DeclinedCall),
  outbound: z.array(OutboundList),
  /** A click-to-dial link waiting for the agent's confirmation, or a link that could not be read. */
  dialLink: DialLinkPrompt.nullable(),
  /** Practice mode: whether this desk is in it, the review of each practice call and their summary. */
  practice: PracticeView,
});
export type StateSnapshot = z.infer<typeof StateSnapshot>;

export const CoreEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('history'), history: CallHistory }),
  z.object({ type: z.literal('pops'), pops: z.array(ScreenPop) }),
  z.object({ type: z.literal('customers'), customers: CustomerCacheStatus }),
  z.object({ type: z.literal('sync'), sync: SyncStatus }),
  z.object({ type: z.literal('guidance'), guidance: z.array(GuidanceView) }),
  z.object({ type: z.literal('scripts'), scripts: ScriptsStatus }),
  z.object({ type: z.literal('agent'), agent: AgentState }),
  z.object({ type: z.literal('wrapups'), wrapUps: z.array(WrapUpView) }),
  z.object({ type: z.literal('callbacks'), callbacks: CallbacksView }),
  z.object({ type: z.literal('declined'), declined: z.array(DeclinedCall) }),
  z.object({ type: z.literal('outbound'), outbound: z.array(OutboundList) }),
  z.object({ type: z.literal('dialLink'), dialLink: DialLinkPrompt.nullable() }),
  z.object({ type: z.literal('practice'), practice: PracticeView }),
  z.object({ type: z.literal('health'), health: LineHealth }),
  z.object({ type: z.literal('state'), state: StateSnapshot }),
  z.object({ type: z.literal('line'), line: LineState }),
  z.object({ type: z.literal('settings'), settings: SettingsView }),
  z.object({ type: z.literal('calls'), calls: z.array(Call) }),
]);
export type CoreEvent = z.infer<typeof CoreEvent>;

// ---- Errors -----------------------------------------------------------------------------------

export const ContractErrorCode = z.enum([
  /** Not JSON, or not a message the contract knows. */
  'malformed',
  /** Well-formed, but a value is not acceptable (e.g. a setting out of range). */
  'invalid',
  /** The setting is locked by the IT policy. */
  'locked',
  /** A secret (the SIP password) cannot be kept safely here, e.g. no OS keyring; nothing was saved. */
  'secrets-unavailable',
  /** The core failed while carrying out a valid command. */
  'internal',
]);
export const ContractError = z.object({
  code: ContractErrorCode,
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ContractError = z.infer<typeof ContractError>;

// ---- Media calls: core ⇄ renderer media engine ------------------------------------------------
// The SIP user agent lives in the core; WebRTC lives in the renderer. The core asks the media engine
// for descriptions through these calls (used from the calls issue on).

/**
 * What the core asks of the renderer's media engine, one RTCPeerConnection per call. SDP crosses
 * as text; options are named, never functions (sip.js modifiers cannot cross a process boundary).
 */
export const MediaRequest = z.discriminatedUnion('op', [
  /** Create (or re-create, for hold, resume or an ICE restart) a local offer; returns its SDP after ICE gathering. */
  z.object({
    op: z.literal('offer'),
    callId: z.string(),
    hold: z.boolean().optional(),
    iceRestart: z.boolean().optional(),
  }),
  /** Answer the remote offer already set; returns the SDP. */
  z.object({ op: z.literal('answer'), callId: z.string(), hold: z.boolean().optional() }),
  /**
   * Apply the far end's description. With `answer` (for an offer), also answer it in the same
   * round trip and return the SDP: answering a call then costs one exchange with the page, not two.
   */
  z.object({
    op: z.literal('set-remote'),
    callId: z.string(),
    type: z.enum(['offer', 'answer']),
    sdp: z.string(),
    answer: z.object({ hold: z.boolean().optional() }).optional(),
  }),
  /** A call rings: open the microphone and create the connection now, so answering is quicker. No SDP yet. */
  z.object({ op: z.literal('prepare'), callId: z.string() }),
  z.object({ op: z.literal('rollback'), callId: z.string() }),
  z.object({ op: z.literal('dtmf'), callId: z.string(), tones: z.string().regex(/^[0-9A-D#*,]+$/) }),
  z.object({ op: z.literal('mute'), callId: z.string(), muted: z.boolean() }),
  z.object({ op: z.literal('close'), callId: z.string() }),
]);
export type MediaRequest = z.infer<typeof MediaRequest>;
export const MediaResult = z.object({ sdp: z.string().optional() });
export type MediaResult = z.infer<typeof MediaResult>;

// ---- Envelopes on the wire ---------------------------------------------------------------------

/** What the UI sends to the core. */
export const UiMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('command'), id: z.string().min(1).max(64), command: Command }),
  z.object({
    kind: z.literal('media-result'),
    id: z.string().min(1).max(64),
    ok: z.boolean(),
    result: MediaResult.optional(),
    error: z.string().optional(),
  }),
]);
export type UiMessage = z.infer<typeof UiMessage>;

/** What the core sends to the UI. */
const ResultMessage = z.discriminatedUnion('ok', [
  z.object({ kind: z.literal('result'), id: z.string(), ok: z.literal(true), value: z.unknown().optional() }),
  z.object({ kind: z.literal('result'), id: z.string(), ok: z.literal(false), error: ContractError }),
]);
export const CoreMessage = z.discriminatedUnion('kind', [
  ResultMessage,
  z.object({ kind: z.literal('event'), event: CoreEvent }),
  /** A message from the UI that could not be read at all (no id to answer to). */
  z.object({ kind: z.literal('error'), error: ContractError }),
  z.object({ kind: z.literal('media-request'), id: z.string(), request: MediaRequest }),
]);
export type CoreMessage = z.infer<typeof CoreMessage>;

export type CommandResult = { ok: true; value?: unknown } | { ok: false; error: ContractError };
