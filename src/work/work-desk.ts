import type { AgentState, DeclinedCall } from '../contract/agent.js';
import type { Call, CommandResult, CoreEvent, GuidanceRecord, GuidanceView, ScreenPop } from '../contract/index.js';
import { customerFullName } from '../contract/customers.js';
import type { Settings } from '../contract/settings.js';
import {
  EMPTY_WRAPUP,
  localDateTime,
  wrapUpSchema,
  WRAPUP_FIELDS,
  type CallbacksView,
  type OutboundList,
  type OutboundOutcome,
  type WrapUpDraft,
  type WrapUpField,
  type WrapUpRules,
  type WrapUpView,
} from '../contract/wrapup.js';
import type { Logger } from '../log/logger.js';
import { initialAgentState, transition, type AgentEvent } from '../agent/state-machine.js';
import { normaliseNumber } from '../customers/numbers.js';
import { defaultDispositions, timeZoneForNumber } from './defaults.js';
import { computeFigures, figuresCsv, localDay, localWeek } from './figures.js';
import { parseOutboundCsv } from './outbound-csv.js';
import { WorkError, type CallbackAction, type PendingWrapUp, type WorkStore, type WrapUpContext } from './store.js';

export type WorkCommand =
  | { type: 'agent.state'; state: 'available' | 'break' | 'not-ready' | 'offline'; reason?: string }
  | { type: 'wrapup.draft'; callId: string; draft: WrapUpDraft }
  | { type: 'wrapup.submit'; callId: string; form: WrapUpDraft }
  | { type: 'callback.create'; number: string; customerId?: number; dueAt: number; note: string }
  | { type: 'callback.dial'; id: string }
  | { type: 'callback.update'; id: string; action: 'done' | 'failed' | 'reschedule' | 'cancel'; dueAt?: number }
  | { type: 'outbound.import'; name: string; content: string }
  | { type: 'outbound.next'; listId: number }
  | { type: 'outbound.outcome'; entryId: number; outcome: OutboundOutcome; dueAt?: number }
  | { type: 'outbound.remove'; listId: number }
  | { type: 'figures.get'; period: 'today' | 'week' }
  | { type: 'figures.csv'; period: 'today' | 'week' };

export interface WorkDeskOptions {
  store: WorkStore;
  settings: () => Settings;
  /** The CRM's dispositions (synced); the shipped ones when there are none. */
  dispositions: () => { code: string; label: string; lines: string[] }[];
  dial: (target: string) => Promise<CommandResult>;
  /** Pins a record to a call (a callback's customer to the call dialled for it). */
  linkPop: (callId: string, customerId: number) => Promise<CommandResult>;
  emit: (event: CoreEvent) => void;
  /** A wrap-up was saved: the customer's history on screen shows it at once. */
  onWrapUpSaved?: (callId: string, draft: WrapUpDraft) => void;
  logger: Logger;
  now?: () => number;
}

/** Wrap-up fields a line requires when it says nothing: the summary (the disposition always). */
const DEFAULT_REQUIRED: WrapUpField[] = ['summary'];
const MAX_DECLINED = 20;
/** How often the desk notes that it is running (a crashed run is closed at the last note). */
const HEARTBEAT_MS = 60_000;

/**
 * The agent's working day in the core: the state (through the state machine, every change kept
 * for the figures), the wrap-up of each answered call (drafts on disk as typed, the submit in one
 * transaction with its outbox entries), the callbacks and their reminders, the calls refused while
 * not available. Speaks the contract; the store does the SQL.
 */
export class WorkDesk {
  private agent: AgentState;
  private declined: DeclinedCall[] = [];
  private pending: PendingWrapUp[] = [];
  private callbacks: CallbacksView = { open: [], reminding: [] };
  private readonly started = new Set<string>();
  private readonly callbackCalls = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private breakHidden = false;
  private outbound: OutboundList[] = [];
  /** Calls dialled for an outbound entry: the entry's record pops with the call. */
  private readonly entryCalls = new Map<string, number>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly options: WorkDeskOptions) {
    this.now = options.now ?? Date.now;
    this.agent = initialAgentState(this.now());
  }

  /** Reads what survived the last run: wrap-ups still to write put the agent in Wrap-up. */
  start(): void {
    // First in the write queue: a run that crashed is closed at its last heartbeat, before this
    // run's first state is written.
    this.options.store
      .closeUnfinishedSession()
      .then((at) => {
        if (at !== undefined)
          this.options.logger.warn({ at: new Date(at).toISOString() }, 'the last run ended without a clean stop');
      })
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'the last run could not be closed'));
    this.beat();
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref?.();
    this.pending = this.options.store.pendingWrapUps();
    this.callbacks = { open: this.options.store.openCallbacks(), reminding: [] };
    this.outbound = this.options.store.outboundLists();
    for (const wrapUp of this.pending) this.agent = { ...this.agent, wrapUps: [...this.agent.wrapUps, wrapUp.call.id] };
    if (this.pending.length > 0) this.apply({ type: 'choose', state: 'available' });
    else this.persistState();
    this.schedule();
  }

  close(): void {
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
  }

  private beat(): void {
    this.options.store
      .heartbeat(this.now())
      .catch((error: unknown) => this.options.logger.debug({ err: error }, 'heartbeat not written'));
  }

  /**
   * The app is stopping: the state log says Offline from now, so that the figures do not count the
   * night as Available. (After a crash, the next start closes the log at the last heartbeat.)
   */
  async shutdown(): Promise<void> {
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    try {
      await this.options.store.recordState('offline', undefined, this.now());
    } catch (error) {
      this.options.logger.warn({ err: error }, 'the end of the working session could not be kept');
    }
  }

  agentState(): AgentState {
    return this.agent;
  }

  wrapUpViews(): WrapUpView[] {
    return this.pending.map((wrapUp) => this.view(wrapUp));
  }

  callbacksView(): CallbacksView {
    return this.callbacks;
  }

  declinedCalls(): DeclinedCall[] {
    return this.declined;
  }

  outboundLists(): OutboundList[] {
    return this.outbound;
  }

  /**
   * Asked by the phone when a call comes in: the reason to refuse it (486) while the agent is not
   * available and the policy says so; undefined to let it ring. A second call during a call is
   * the call-waiting setting's business, not this.
   */
  refuseIncoming(call: Call): string | undefined {
    const { state } = this.agent;
    if (state === 'available' || state === 'on-call') return undefined;
    if (this.options.settings().work.whenNotAvailable !== 'decline') return undefined;
    this.declined = [
      {
        at: this.now(),
        number: call.remote.number,
        ...(call.remote.displayName ? { displayName: call.remote.displayName } : {}),
        state,
        ...(this.agent.reason ? { reason: this.agent.reason } : {}),
      },
      ...this.declined,
    ].slice(0, MAX_DECLINED);
    this.options.emit({ type: 'declined', declined: this.declined });
    this.options.logger.info({ state }, 'incoming call declined: the agent is not available');
    return `the agent is not available (${state})`;
  }

  /** The calls changed: a call answered or dialled starts the agent's On call. */
  callsChanged(calls: readonly Call[]): void {
    for (const call of calls) {
      if (call.state === 'ended' || this.started.has(call.id)) continue;
      const working = call.direction === 'out' || call.answeredAt !== undefined;
      if (!working) continue;
      this.started.add(call.id);
      this.apply({ type: 'call-started', callId: call.id });
    }
  }

  /**
   * A call ended: logged for the figures; answered, it waits for its wrap-up (a draft on disk,
   * pre-filled from the guidance), and the agent goes to Wrap-up once no call is left.
   */
  async callEnded(
    call: Call,
    context: { pop?: ScreenPop; guidance?: GuidanceRecord; guidanceView?: GuidanceView; callsLeft: number },
  ): Promise<void> {
    const wasStarted = this.started.delete(call.id);
    const customerId = context.pop?.card?.customer.id;
    this.options.store
      .logCall(call, customerId, context.guidance?.holdMs ?? 0)
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'the call could not be logged'));
    const needsWrapUp = call.answeredAt !== undefined && !call.consultFor;
    if (needsWrapUp) {
      const at = this.now();
      const wrapUpContext = this.contextFor(call, context);
      const draft = this.prefill(call, context.guidance);
      const wrapUp: PendingWrapUp = { call, context: wrapUpContext, draft, startedAt: at, savedAt: at };
      this.pending = [...this.pending.filter((entry) => entry.call.id !== call.id), wrapUp];
      try {
        await this.options.store.startWrapUp(call, wrapUpContext, draft, at);
      } catch (error) {
        this.options.logger.error({ err: error }, 'the wrap-up draft could not be kept');
      }
    }
    if (wasStarted || needsWrapUp)
      this.apply({ type: 'call-ended', callId: call.id, wrapUp: needsWrapUp, callsLeft: context.callsLeft });
    this.emitWrapUps();
  }

  async dispatch(command: WorkCommand): Promise<CommandResult> {
    try {
      switch (command.type) {
        case 'agent.state': {
          const refusal = this.apply({
            type: 'choose',
            state: command.state,
            ...(command.reason ? { reason: command.reason } : {}),
          });
          return refusal ? invalid(refusal) : { ok: true };
        }
        case 'wrapup.draft': {
          const wrapUp = this.pending.find((entry) => entry.call.id === command.callId);
          if (!wrapUp) return invalid('no-such-wrapup');
          wrapUp.draft = command.draft;
          const savedAt = await this.options.store.saveDraft(command.callId, command.draft);
          wrapUp.savedAt = savedAt;
          this.emitWrapUps();
          return { ok: true, value: { savedAt } };
        }
        case 'wrapup.submit':
          return await this.submit(command.callId, command.form);
        case 'callback.create': {
          if (command.dueAt <= this.now()) return invalid('due-time-past');
          const region = this.options.settings().phone.defaultRegion;
          const timeZone = timeZoneForNumber(command.number, region);
          const callback = await this.options.store.createCallback({
            number: normaliseNumber(command.number, region) ?? command.number.trim(),
            ...(command.customerId !== undefined ? { customerId: command.customerId } : {}),
            dueAt: command.dueAt,
            ...(timeZone ? { timeZone } : {}),
            note: command.note,
            source: 'card',
          });
          this.reloadCallbacks();
          return { ok: true, value: callback };
        }
        case 'callback.dial':
          return await this.dialCallback(command.id);
        case 'outbound.import': {
          const parsed = parseOutboundCsv(command.content, this.options.settings().phone.defaultRegion);
          if (parsed.problem)
            return {
              ok: false,
              error: { code: 'invalid', message: 'outbound-file', issues: [{ path: '', message: parsed.problem }] },
            };
          if (parsed.rows.length === 0)
            return {
              ok: false,
              error: {
                code: 'invalid',
                message: 'outbound-empty',
                issues: parsed.rejected.map((r) => ({ path: `line ${r.line}`, message: r.reason })),
              },
            };
          const listId = await this.options.store.importOutbound(command.name, parsed.rows);
          this.reloadOutbound();
          return { ok: true, value: { listId, imported: parsed.rows.length, rejected: parsed.rejected } };
        }
        case 'outbound.next': {
          const entry = await this.options.store.claimNextEntry(command.listId);
          if (!entry) {
            this.reloadOutbound();
            return invalid('list-done');
          }
          const dialled = await this.options.dial(entry.number);
          if (!dialled.ok) {
            await this.options.store.releaseEntry(entry.id);
            this.reloadOutbound();
            return dialled;
          }
          const callId = (dialled.value as { callId?: string } | undefined)?.callId;
          if (callId) {
            this.entryCalls.set(callId, entry.id);
            if (entry.customerId !== undefined) await this.options.linkPop(callId, entry.customerId);
          }
          this.reloadOutbound();
          return { ok: true, value: { callId, entryId: entry.id } };
        }
        case 'outbound.outcome': {
          if (command.outcome === 'not-now') {
            if (command.dueAt === undefined) return invalid('due-time-needed');
            if (command.dueAt <= this.now()) return invalid('due-time-past');
          }
          const entry = this.outbound.flatMap((list) => list.entries).find((e) => e.id === command.entryId);
          if (!entry) return invalid('no-such-entry');
          const region = this.options.settings().phone.defaultRegion;
          const timeZone = timeZoneForNumber(entry.number, region);
          await this.options.store.recordOutcome(
            command.entryId,
            command.outcome,
            command.outcome === 'not-now'
              ? {
                  number: entry.number,
                  ...(entry.customerId !== undefined ? { customerId: entry.customerId } : {}),
                  dueAt: command.dueAt!,
                  ...(timeZone ? { timeZone } : {}),
                  note: entry.note,
                }
              : undefined,
          );
          this.reloadOutbound();
          if (command.outcome === 'not-now') this.reloadCallbacks();
          return { ok: true };
        }
        case 'outbound.remove':
          // A list from the CRM is the CRM's to take back; it would come again with the next change.
          if (this.outbound.find((list) => list.id === command.listId)?.source === 'crm') return invalid('crm-list');
          await this.options.store.removeOutboundList(command.listId);
          this.reloadOutbound();
          return { ok: true };
        case 'figures.get':
        case 'figures.csv': {
          const now = this.now();
          const { from, to } = command.period === 'today' ? localDay(now) : localWeek(now);
          const rows = this.options.store.figureRows(from, to);
          return {
            ok: true,
            value:
              command.type === 'figures.get'
                ? computeFigures(command.period, now, rows, this.options.settings().ui.language)
                : figuresCsv(command.period, now, rows, csvSeparator(this.options.settings().ui.language)),
          };
        }
        case 'callback.update': {
          if (command.action === 'reschedule' && command.dueAt === undefined) return invalid('due-time-needed');
          await this.options.store.updateCallback(command.id, command.action as CallbackAction, command.dueAt);
          this.reloadCallbacks();
          return { ok: true };
        }
      }
    } catch (error) {
      if (error instanceof WorkError) return invalid(error.code);
      this.options.logger.error({ err: error }, `${command.type} failed`);
      return { ok: false, error: { code: 'internal', message: 'work-save-failed' } };
    }
  }

  /** The settings changed (a new wrap-up limit, new reasons): timers again. */
  settingsChanged(): void {
    this.schedule();
  }

  // ---- inside ------------------------------------------------------------------------------------

  private async submit(callId: string, form: WrapUpDraft): Promise<CommandResult> {
    const wrapUp = this.pending.find((entry) => entry.call.id === callId);
    if (!wrapUp) return invalid('no-such-wrapup');
    const rules = this.rules(wrapUp.context);
    const checked = wrapUpSchema(rules, this.now).safeParse(form);
    if (!checked.success) {
      return {
        ok: false,
        error: {
          code: 'invalid',
          message: 'wrapup-invalid',
          issues: checked.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
        },
      };
    }
    const region = this.options.settings().phone.defaultRegion;
    const callbackDueAt = form.callback ? localDateTime(form.callbackDate, form.callbackTime) : undefined;
    const timeZone = form.callback ? timeZoneForNumber(form.callbackNumber, region) : undefined;
    const label = rules.dispositions.find((d) => d.code === form.disposition)?.label ?? form.disposition;
    // The number as the agent typed it ("347 123 4567"): dialled and sent to the CRM in E.164.
    const typed = form.callback
      ? { ...checked.data, callbackNumber: normaliseNumber(form.callbackNumber, region) ?? form.callbackNumber.trim() }
      : checked.data;
    const result = await this.options.store.submit(callId, typed, {
      dispositionLabel: label,
      ...(callbackDueAt !== undefined ? { callbackDueAt } : {}),
      ...(timeZone ? { callbackTimeZone: timeZone } : {}),
    });
    this.pending = this.pending.filter((entry) => entry.call.id !== callId);
    this.apply({ type: 'wrapup-done', callId });
    this.emitWrapUps();
    this.options.onWrapUpSaved?.(callId, checked.data);
    if (result.callbackId) this.reloadCallbacks();
    this.options.logger.info({ callId, disposition: form.disposition }, 'wrap-up saved');
    return { ok: true, value: result };
  }

  private async dialCallback(id: string): Promise<CommandResult> {
    const callback = this.options.store.callback(id);
    if (!callback || callback.status !== 'open') return invalid('no-such-callback');
    const dialled = await this.options.dial(callback.number);
    if (!dialled.ok) return dialled;
    const callId = (dialled.value as { callId?: string } | undefined)?.callId;
    await this.options.store.updateCallback(id, 'attempt');
    if (callId) {
      this.callbackCalls.set(callId, id);
      if (callback.customerId !== undefined) await this.options.linkPop(callId, callback.customerId);
    }
    this.reloadCallbacks();
    return dialled;
  }

  private contextFor(
    call: Call,
    context: { pop?: ScreenPop; guidance?: GuidanceRecord; guidanceView?: GuidanceView },
  ): WrapUpContext & { required?: WrapUpField[] } {
    const customer = context.pop?.card?.customer;
    const name = customer ? customerFullName(customer) : undefined;
    const required = (context.pop?.line?.requiredChecks ?? [])
      .filter((check) => check.startsWith('wrapup.'))
      .map((check) => check.slice('wrapup.'.length))
      .filter((field): field is WrapUpField => (WRAPUP_FIELDS as readonly string[]).includes(field));
    return {
      ...(customer ? { customerId: customer.id } : {}),
      ...(name ? { customerName: name } : {}),
      ...(context.pop?.line ? { service: context.pop.line.serviceName, called: context.pop.line.called } : {}),
      ...(required.length > 0 ? { required } : {}),
      trailSummary: trailSummary(call, context.guidance, context.guidanceView),
    };
  }

  /** The form as the call left it: the call notes as the summary, a callback when promised. */
  private prefill(call: Call, guidance: GuidanceRecord | undefined): WrapUpDraft {
    const fromCallback = this.callbackCalls.has(call.id);
    const entryId = this.entryCalls.get(call.id);
    const entry =
      entryId === undefined ? undefined : this.outbound.flatMap((list) => list.entries).find((e) => e.id === entryId);
    return {
      ...EMPTY_WRAPUP,
      summary: guidance?.notes ?? '',
      disposition: guidance?.endedUnder === 'nuisance' ? 'nuisance' : '',
      callback: Boolean(guidance?.notNow),
      callbackNumber: call.remote.number,
      ...(fromCallback ? { reason: 'Callback' } : {}),
      ...(entry ? { reason: entry.note || entry.name || '' } : {}),
    };
  }

  private rules(context: WrapUpContext & { required?: WrapUpField[] }): WrapUpRules {
    const fromCrm = this.options
      .dispositions()
      .filter((d) => d.lines.length === 0 || (context.called && d.lines.includes(context.called)));
    const dispositions =
      fromCrm.length > 0
        ? fromCrm.map(({ code, label }) => ({ code, label }))
        : defaultDispositions(this.options.settings().ui.language);
    return { dispositions, required: context.required ?? DEFAULT_REQUIRED };
  }

  private view(wrapUp: PendingWrapUp): WrapUpView {
    const { call, context } = wrapUp;
    const limit = this.options.settings().work.wrapUpSeconds;
    return {
      callId: call.id,
      direction: call.direction,
      number: call.remote.number,
      ...(call.remote.displayName ? { displayName: call.remote.displayName } : {}),
      ...(context.customerId !== undefined ? { customerId: context.customerId } : {}),
      ...(context.customerName ? { customerName: context.customerName } : {}),
      ...(context.service ? { service: context.service } : {}),
      callStartedAt: call.startedAt,
      callEndedAt: call.endedAt ?? wrapUp.startedAt,
      startedAt: wrapUp.startedAt,
      ...(limit > 0 ? { dueAt: wrapUp.startedAt + limit * 1000 } : {}),
      draft: wrapUp.draft,
      draftSavedAt: wrapUp.savedAt,
      rules: this.rules(context),
      trailSummary: context.trailSummary,
    };
  }

  /** Runs an event through the state machine; the refusal's reason when it is not allowed. */
  private apply(event: AgentEvent): string | undefined {
    const { work } = this.options.settings();
    const before = this.agent;
    const result = transition(before, event, {
      now: this.now(),
      reasons: work.notReadyReasons,
      wrapUpMs: work.wrapUpSeconds * 1000,
    });
    if (!result.ok) return result.reason;
    this.agent = result.state;
    if (before.state !== this.agent.state || before.reason !== this.agent.reason) {
      this.breakHidden = false;
      this.persistState();
    }
    this.options.emit({ type: 'agent', agent: this.agent });
    this.schedule();
    return undefined;
  }

  private persistState(): void {
    this.options.store
      .recordState(this.agent.state, this.agent.reason, this.agent.since)
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'the agent state could not be kept'));
  }

  private reloadCallbacks(): void {
    const open = this.options.store.openCallbacks();
    const ids = new Set(open.map((callback) => callback.id));
    this.callbacks = { open, reminding: this.callbacks.reminding.filter((id) => ids.has(id)) };
    this.options.emit({ type: 'callbacks', callbacks: this.callbacks });
    this.schedule();
  }

  /** The sync brought, changed or took away outbound lists. */
  outboundChanged(): void {
    this.reloadOutbound();
  }

  private reloadOutbound(): void {
    this.outbound = this.options.store.outboundLists();
    this.options.emit({ type: 'outbound', outbound: this.outbound });
  }

  private emitWrapUps(): void {
    this.options.emit({ type: 'wrapups', wrapUps: this.wrapUpViews() });
  }

  /** One timer for what comes next: the wrap-up's limit, the break reminder, a callback's reminder. */
  private schedule(): void {
    clearTimeout(this.timer);
    const now = this.now();
    const { work } = this.options.settings();
    const due: number[] = [];
    if (this.agent.state === 'wrap-up' && this.agent.wrapUpDueAt !== undefined) due.push(this.agent.wrapUpDueAt);
    if (work.breakReminderMinutes > 0 && this.agent.workingSince !== undefined && !this.agent.breakDue)
      due.push(this.agent.workingSince + work.breakReminderMinutes * 60_000);
    const ahead = work.callbackReminderMinutes * 60_000;
    for (const callback of this.callbacks.open)
      if (!this.callbacks.reminding.includes(callback.id)) due.push(callback.dueAt - ahead);
    if (due.length === 0) return;
    const next = Math.min(...due);
    this.timer = setTimeout(() => this.onTime(), Math.min(Math.max(0, next - now) + 5, 2 ** 31 - 1));
    this.timer.unref?.();
  }

  private onTime(): void {
    const now = this.now();
    const { work } = this.options.settings();
    if (this.agent.state === 'wrap-up' && this.agent.wrapUpDueAt !== undefined && now >= this.agent.wrapUpDueAt) {
      this.options.logger.info({ policy: work.wrapUpExpiry }, 'wrap-up time is up');
      const wasDue = this.agent.wrapUpDueAt;
      this.apply({ type: 'wrapup-expired', policy: work.wrapUpExpiry });
      // Staying: the warning shows (the view's dueAt is past); do not fire again for this one.
      if (this.agent.state === 'wrap-up' && this.agent.wrapUpDueAt === wasDue) {
        const rest = { ...this.agent };
        delete rest.wrapUpDueAt;
        this.agent = rest;
        this.options.emit({ type: 'agent', agent: this.agent });
      }
    }
    if (
      work.breakReminderMinutes > 0 &&
      this.agent.workingSince !== undefined &&
      !this.agent.breakDue &&
      now >= this.agent.workingSince + work.breakReminderMinutes * 60_000
    ) {
      this.agent = { ...this.agent, breakDue: true };
      this.options.emit({ type: 'agent', agent: this.agent });
    }
    const ahead = work.callbackReminderMinutes * 60_000;
    const newlyDue = this.callbacks.open.filter(
      (callback) => !this.callbacks.reminding.includes(callback.id) && now >= callback.dueAt - ahead,
    );
    if (newlyDue.length > 0) {
      this.callbacks = { ...this.callbacks, reminding: [...this.callbacks.reminding, ...newlyDue.map((c) => c.id)] };
      this.options.emit({ type: 'callbacks', callbacks: this.callbacks });
    }
    this.schedule();
  }
}

/** Spreadsheets where the comma is the decimal mark (Italian, Greek, Russian, Romanian) split CSV on ";". */
function csvSeparator(language: string): ',' | ';' {
  return (0.5).toLocaleString(language).includes(',') ? ';' : ',';
}

function invalid(message: string): CommandResult {
  return { ok: false, error: { code: 'invalid', message } };
}

/** A few lines about the call for beside the form: phases, holds, the handover note, what was left open. */
function trailSummary(call: Call, record: GuidanceRecord | undefined, view: GuidanceView | undefined): string[] {
  const lines: string[] = [];
  if (view) {
    const marks = view.phases
      .filter((phase) => phase.status !== 'upcoming')
      .map((phase) => `${phase.status === 'skipped' ? '–' : '✓'} ${phase.title}`);
    if (marks.length) lines.push(marks.join(' · '));
    for (const open of view.requiredOpen) lines.push(`! ${open.text}`);
  }
  if (record && record.holdMs > 0) lines.push(`⏸ ${formatDuration(record.holdMs)}`);
  if (call.handoverNote) lines.push(`→ ${call.handoverNote}`);
  return lines;
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
