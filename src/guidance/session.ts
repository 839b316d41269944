import type { Call, CustomerCard } from '../contract/index.js';
import type {
  ChecklistItem,
  GuidanceRecord,
  GuidanceView,
  PhaseId,
  PhaseStatus,
  ProcedureId,
  ProcedureView,
  TrailBy,
  TrailEntry,
} from '../contract/guidance.js';
import type { GuidanceEvent, LoadedScript, Script, ScriptPhase } from './script.js';
import { fillLine, variableValues, type VariableContext } from './variables.js';

/**
 * The guidance of one call: where it stands in the script's phases, what was ticked, the holds,
 * the procedures, the notes, and the trail of all of it. It moves by itself from the call's own
 * events (`observeCall`), from the record (`setCustomer`) and from the clock (`onTime`); the agent
 * moves it by hand through the other methods. Pure: no timers, no I/O; the clock is passed in.
 */

export interface SessionOptions {
  /** When the hold reminder comes, after the hold starts. */
  holdReminderMs: number;
  /** Phases with `advanceAfterSeconds` move on by themselves. */
  autoAdvance: boolean;
  now: () => number;
  /** The agent's local hour, for `{greeting}`. */
  hour: () => number;
}

export interface SessionContext {
  agent: { name: string; company: string };
  line?: { serviceName?: string; requiredChecks?: readonly string[] };
}

/** How long "thank you for waiting" stays on screen after a hold. */
const THANKS_MS = 15_000;
const PROCEDURE_IDS: readonly ProcedureId[] = ['escalate', 'abusive', 'nuisance', 'unidentified'];
type IdentificationKey = 'dateOfBirth' | 'postcode' | 'customerCode';
const IDENTIFICATION_KEYS: readonly IdentificationKey[] = ['dateOfBirth', 'postcode', 'customerCode'];

interface ItemState {
  id: string;
  text: string;
  required: boolean;
  doneAt?: number;
}

interface PhaseState {
  def: ScriptPhase;
  status: PhaseStatus;
  enteredAt?: number;
  items: ItemState[];
}

export type ProcedureAction = 'open' | 'close' | 'warn' | 'end' | 'mark';
export type SessionResult = { ok: true; hangup?: boolean } | { ok: false; reason: string };

export class GuidanceSession {
  readonly callId: string;
  readonly direction: 'in' | 'out';
  private loaded!: LoadedScript;
  private phases: PhaseState[] = [];
  private current = 0;
  private readonly trail: TrailEntry[] = [];
  private customer: CustomerCard['customer'] | undefined;
  private number: string | undefined;
  private verified = false;
  private answered = false;
  private ended = false;
  private holdSince: number | undefined;
  private holdReminded = false;
  private holdMs = 0;
  private longestHoldMs = 0;
  private thanksUntil: number | undefined;
  private transferState: string | undefined;
  private readonly procedures = new Map<ProcedureId, { open: boolean; warnedAt?: number }>();
  private notes = '';
  private endedUnder: ProcedureId | undefined;
  private notNowAt: number | undefined;

  constructor(
    loaded: LoadedScript,
    call: Call,
    private context: SessionContext,
    private readonly options: SessionOptions,
  ) {
    this.callId = call.id;
    this.direction = call.direction;
    this.number = call.remote.number;
    this.useScript(loaded);
    for (const id of PROCEDURE_IDS) this.procedures.set(id, { open: false });
    this.moveOn(call.direction === 'in' ? 'ringing' : 'dialling', 'call');
    this.observeCall(call);
  }

  get script(): Script {
    return this.loaded.script;
  }

  /** Nothing has happened yet that a change of script would lose: still ringing, nothing ticked. */
  get pristine(): boolean {
    return !this.answered && !this.ended && this.trail.every((entry) => entry.by === 'call');
  }

  /** Another script (the record's language came in while it rang): only while pristine. */
  replaceScript(loaded: LoadedScript): boolean {
    if (!this.pristine || loaded.script.id === this.loaded.script.id) return false;
    const at = this.phases[this.current]?.def.id;
    this.useScript(loaded);
    const index = this.phases.findIndex((phase) => phase.def.id === at);
    this.current = Math.max(0, index);
    this.phases[this.current]!.status = 'current';
    this.phases[this.current]!.enteredAt = this.trail[0]?.at ?? this.options.now();
    return true;
  }

  setContext(context: SessionContext): void {
    this.context = context;
  }

  // ---- what the call does ----------------------------------------------------------------------

  /** The call changed (answered, hold, transfer, ended): true when the guidance changed with it. */
  observeCall(call: Call): boolean {
    const before = this.trail.length;
    const wasCurrent = this.current;
    const now = this.options.now();
    if (call.remote.number) this.number = call.remote.number;
    if (!this.answered && call.answeredAt !== undefined && call.state !== 'ended') {
      this.answered = true;
      this.moveOn('answered', 'call');
    }
    const held = call.hold.local;
    if (held && this.holdSince === undefined && call.state === 'active') {
      this.holdSince = now;
      this.holdReminded = false;
      this.thanksUntil = undefined;
      this.record({ kind: 'hold', by: 'call' });
    } else if (!held && this.holdSince !== undefined) {
      this.endHold(now, call.state !== 'ended');
    }
    const transfer = call.transfer?.state;
    if (transfer !== this.transferState) {
      this.transferState = transfer;
      if (transfer) this.record({ kind: 'transfer', by: 'call', detail: transfer });
      if (transfer === 'consulting' || transfer === 'transferring') this.moveOn('transfer-started', 'call');
    }
    if (call.state === 'ended' && !this.ended) {
      if (this.holdSince !== undefined) this.endHold(now, false);
      this.ended = true;
      const cause = call.end?.cause ?? 'failed';
      this.record({ kind: 'ended', by: 'call', detail: cause });
      if (this.answered) this.moveOn(cause === 'transferred' ? 'transfer-completed' : 'hangup', 'call');
    }
    return this.trail.length !== before || this.current !== wasCurrent;
  }

  /** The record linked to the call (matched, chosen, created), or none. */
  setCustomer(card: CustomerCard | undefined): boolean {
    const customer = card?.customer;
    if (customer?.id === this.customer?.id) {
      this.customer = customer;
      return false;
    }
    this.customer = customer;
    this.verified = false;
    this.buildIdentificationItems();
    if (customer) this.record({ kind: 'customer', by: 'call', detail: 'linked' });
    return true;
  }

  // ---- what the agent does ---------------------------------------------------------------------

  tick(phaseId: PhaseId, itemId: string, done: boolean): SessionResult {
    const phase = this.phases.find((candidate) => candidate.def.id === phaseId);
    const item = phase?.items.find((candidate) => candidate.id === itemId);
    if (!phase || !item) return { ok: false, reason: 'no-such-item' };
    if (Boolean(item.doneAt) === done) return { ok: true };
    item.doneAt = done ? this.options.now() : undefined;
    this.record({ kind: done ? 'tick' : 'untick', by: 'agent', phase: phaseId, item: itemId });
    if (done && phaseId === 'identify' && !this.verified && this.identificationSatisfied()) {
      this.verified = true;
      this.record({ kind: 'customer', by: 'agent', phase: 'identify', detail: 'verified' });
      this.moveOn('customer-verified', 'agent');
    }
    return { ok: true };
  }

  goTo(phaseId: PhaseId): SessionResult {
    const index = this.phases.findIndex((phase) => phase.def.id === phaseId);
    if (index < 0) return { ok: false, reason: 'no-such-phase' };
    if (index !== this.current) this.enter(index, 'agent');
    return { ok: true };
  }

  step(delta: 1 | -1): SessionResult {
    const index = this.current + delta;
    if (index < 0 || index >= this.phases.length) return { ok: false, reason: 'no-such-phase' };
    this.enter(index, 'agent');
    return { ok: true };
  }

  procedure(id: ProcedureId, action: ProcedureAction): SessionResult {
    const state = this.procedures.get(id)!;
    switch (action) {
      case 'open':
      case 'close':
        if (state.open === (action === 'open')) return { ok: true };
        state.open = action === 'open';
        if (state.open) this.record({ kind: 'procedure', by: 'agent', item: `${id}.opened` });
        return { ok: true };
      case 'warn':
        if (id !== 'abusive') return { ok: false, reason: 'not-for-this-procedure' };
        if (this.ended) return { ok: false, reason: 'call-ended' };
        state.open = true;
        state.warnedAt = this.options.now();
        this.record({ kind: 'procedure', by: 'agent', item: 'abusive.warned' });
        return { ok: true };
      case 'end':
        if (id !== 'abusive' && id !== 'nuisance') return { ok: false, reason: 'not-for-this-procedure' };
        if (this.ended) return { ok: false, reason: 'call-ended' };
        if (id === 'abusive' && state.warnedAt === undefined) return { ok: false, reason: 'warn-first' };
        this.endedUnder = id;
        this.record({ kind: 'procedure', by: 'agent', item: `${id}.ended` });
        return { ok: true, hangup: true };
      case 'mark': {
        if (id !== 'unidentified') return { ok: false, reason: 'not-for-this-procedure' };
        state.open = true;
        this.record({ kind: 'procedure', by: 'agent', item: 'unidentified.marked' });
        // Carry on with what can be done without the account: the request.
        const identify = this.phases.findIndex((phase) => phase.def.id === 'identify');
        if (identify >= 0 && this.current <= identify && identify + 1 < this.phases.length)
          this.enter(identify + 1, 'agent');
        return { ok: true };
      }
    }
  }

  /** Outbound: not a good time for the person; on to agreeing a time and taking leave. */
  notNow(): SessionResult {
    if (this.direction !== 'out') return { ok: false, reason: 'not-for-this-call' };
    if (this.ended) return { ok: false, reason: 'call-ended' };
    if (this.notNowAt !== undefined) return { ok: true };
    this.notNowAt = this.options.now();
    this.record({ kind: 'procedure', by: 'agent', item: 'not-now' });
    this.moveOn('not-now', 'agent');
    return { ok: true };
  }

  setNotes(notes: string): void {
    this.notes = notes;
  }

  useKnowledge(snippet: { id: string; title: string; body: string }): void {
    this.notes = `${this.notes.trimEnd()}${this.notes.trim() ? '\n\n' : ''}${snippet.body.trim()}`;
    this.record({ kind: 'knowledge', by: 'agent', item: snippet.id });
    this.moveOn('knowledge-used', 'agent');
  }

  // ---- the clock -------------------------------------------------------------------------------

  /** The next moment something is due (a phase's time, the hold reminder, the end of the thanks). */
  due(): number | undefined {
    const times: number[] = [];
    if (this.holdSince !== undefined && !this.holdReminded) times.push(this.holdSince + this.options.holdReminderMs);
    if (this.thanksUntil !== undefined) times.push(this.thanksUntil);
    const advance = this.advanceAt();
    if (advance !== undefined) times.push(advance);
    return times.length ? Math.min(...times) : undefined;
  }

  /** Carries out what is due by `now`; true when the guidance changed. */
  onTime(now: number): boolean {
    let changed = false;
    if (this.holdSince !== undefined && !this.holdReminded && now >= this.holdSince + this.options.holdReminderMs) {
      this.holdReminded = true;
      this.record({ kind: 'hold-reminder', by: 'time' });
      changed = true;
    }
    if (this.thanksUntil !== undefined && now >= this.thanksUntil) {
      this.thanksUntil = undefined;
      changed = true;
    }
    const advance = this.advanceAt();
    if (advance !== undefined && now >= advance) {
      this.enter(this.current + 1, 'time');
      changed = true;
    }
    return changed;
  }

  // ---- what it shows and keeps -----------------------------------------------------------------

  view(): GuidanceView {
    const now = this.options.now();
    const values = variableValues(this.variableContext());
    const fill = (lines: readonly string[]) => lines.map((line) => fillLine(line, values));
    const { script } = this.loaded;
    return {
      callId: this.callId,
      direction: this.direction,
      script: {
        id: script.id,
        name: script.name,
        language: script.language,
        version: script.revision,
        source: this.loaded.source,
      },
      current: this.phases[this.current]!.def.id as PhaseId,
      phases: this.phases.map((phase) => ({
        id: phase.def.id as PhaseId,
        title: phase.def.title,
        say: fill(phase.def.say),
        tips: [...phase.def.tips],
        checklist: phase.items.map((item): ChecklistItem => ({
          id: item.id,
          text: item.text,
          required: item.required,
          done: item.doneAt !== undefined,
          ...(item.doneAt !== undefined ? { doneAt: item.doneAt } : {}),
        })),
        status: phase.status,
        ...(phase.enteredAt !== undefined ? { enteredAt: phase.enteredAt } : {}),
      })),
      holdAsk: fill(script.hold.ask),
      ...(this.holdSince !== undefined
        ? {
            hold: {
              since: this.holdSince,
              reminderAt: this.holdSince + this.options.holdReminderMs,
              overdue: this.holdReminded,
              say: fill(script.hold.reminder),
            },
          }
        : {}),
      ...(this.thanksUntil !== undefined && now < this.thanksUntil ? { thanks: fill(script.hold.thanks) } : {}),
      procedures: PROCEDURE_IDS.map((id): ProcedureView => {
        const block = script.procedures[id];
        const state = this.procedures.get(id)!;
        const say = id === 'abusive' ? [...block.say, ...script.procedures.abusive.warning] : block.say;
        return {
          id,
          title: block.title,
          say: fill(say),
          tips: [...block.tips],
          open: state.open,
          ...(state.warnedAt !== undefined ? { warnedAt: state.warnedAt } : {}),
          canEnd: !this.ended && (id === 'nuisance' || (id === 'abusive' && state.warnedAt !== undefined)),
        };
      }),
      notes: this.notes,
      trail: [...this.trail],
      requiredOpen: this.requiredOpen(),
      ended: this.ended,
      ...(this.notNowAt !== undefined ? { notNowAt: this.notNowAt } : {}),
    };
  }

  toRecord(): GuidanceRecord {
    return {
      scriptId: this.loaded.script.id,
      scriptVersion: this.loaded.script.revision,
      language: this.loaded.script.language,
      phases: this.phases.map((phase) => ({
        id: phase.def.id as PhaseId,
        status: phase.status,
        ...(phase.enteredAt !== undefined ? { enteredAt: phase.enteredAt } : {}),
        done: phase.items.filter((item) => item.doneAt !== undefined).map((item) => item.id),
        requiredOpen: phase.items.filter((item) => item.required && item.doneAt === undefined).map((item) => item.id),
      })),
      trail: [...this.trail],
      ...(this.notes.trim() ? { notes: this.notes } : {}),
      ...(this.endedUnder ? { endedUnder: this.endedUnder } : {}),
      ...(this.notNowAt !== undefined ? { notNow: true } : {}),
      holdMs: Math.round(this.holdMs),
      longestHoldMs: Math.round(this.longestHoldMs),
    };
  }

  // ---- inside ----------------------------------------------------------------------------------

  private useScript(loaded: LoadedScript): void {
    this.loaded = loaded;
    const defs = this.direction === 'in' ? loaded.script.inbound : loaded.script.outbound;
    const required = new Set(this.context.line?.requiredChecks ?? []);
    this.phases = defs.map((def) => ({
      def,
      status: 'upcoming' as PhaseStatus,
      items: def.checklist.map((item) => ({
        id: item.id,
        text: item.text,
        required: item.required || required.has(`${def.id}.${item.id}`),
      })),
    }));
    this.current = 0;
    this.buildIdentificationItems();
  }

  /** The identify phase's items: one per identification key the record has, then the script's own. */
  private buildIdentificationItems(): void {
    const phase = this.phases.find((candidate) => candidate.def.id === 'identify');
    const identification = phase?.def.identification;
    if (!phase || !identification) return;
    const required = new Set(this.context.line?.requiredChecks ?? []);
    const keys = IDENTIFICATION_KEYS.filter((key) => this.customer?.identification[key]);
    const previous = new Map(phase.items.map((item) => [item.id, item]));
    phase.items = [
      ...keys.map((key) => ({
        id: key,
        text: `${identification.labels[key]}: ${this.customer!.identification[key]!}`,
        required: required.has(`identify.${key}`),
        doneAt: previous.get(key)?.doneAt,
      })),
      ...phase.def.checklist.map((item) => ({
        id: item.id,
        text: item.text,
        required: item.required || required.has(`identify.${item.id}`),
        doneAt: previous.get(item.id)?.doneAt,
      })),
    ];
  }

  private identificationSatisfied(): boolean {
    const phase = this.phases.find((candidate) => candidate.def.id === 'identify');
    const identification = phase?.def.identification;
    if (!phase || !identification) return false;
    const keys = phase.items.filter((item) => (IDENTIFICATION_KEYS as readonly string[]).includes(item.id));
    if (keys.length === 0) return false;
    const ticked = keys.filter((item) => item.doneAt !== undefined).length;
    return ticked >= Math.min(identification.minimum, keys.length);
  }

  /** Forward to the first later phase that starts on this event, if there is one. */
  private moveOn(event: GuidanceEvent, by: TrailBy): void {
    if (this.phases.length === 0) return;
    // The first phase starts on the call's first event even when it does not name it.
    if (this.phases[this.current]!.status === 'upcoming') {
      const index = this.phases.findIndex((phase) => phase.def.startsOn.includes(event));
      this.enter(index >= 0 ? index : 0, by, event);
      return;
    }
    const index = this.phases.findIndex((phase, at) => at > this.current && phase.def.startsOn.includes(event));
    if (index >= 0) this.enter(index, by, event);
  }

  private enter(index: number, by: TrailBy, detail?: string): void {
    const now = this.options.now();
    const leaving = this.phases[this.current]!;
    if (leaving.status === 'current') leaving.status = 'done';
    // Phases jumped over: done if the agent got their items done anyway, else skipped.
    for (let at = this.current + 1; at < index; at++) {
      const phase = this.phases[at]!;
      if (phase.status === 'upcoming')
        phase.status = phase.items.some((item) => item.doneAt !== undefined) ? 'done' : 'skipped';
    }
    this.current = index;
    const entering = this.phases[index]!;
    entering.status = 'current';
    entering.enteredAt = now;
    this.record({ kind: 'phase', by, phase: entering.def.id as PhaseId, ...(detail ? { detail } : {}) });
  }

  /** When the current phase's time runs out: not while ringing, on hold, or after the call. */
  private advanceAt(): number | undefined {
    const phase = this.phases[this.current]!;
    const seconds = phase.def.advanceAfterSeconds;
    if (!this.options.autoAdvance || seconds === undefined || phase.enteredAt === undefined) return undefined;
    if (!this.answered || this.ended || this.holdSince !== undefined) return undefined;
    if (this.current + 1 >= this.phases.length || this.phases[this.current + 1]!.def.id === 'close') return undefined;
    return phase.enteredAt + seconds * 1000;
  }

  private endHold(now: number, thank: boolean): void {
    const length = now - this.holdSince!;
    this.holdSince = undefined;
    this.holdMs += length;
    this.longestHoldMs = Math.max(this.longestHoldMs, length);
    this.record({ kind: 'resume', by: 'call', detail: `${Math.round(length / 1000)} s` });
    // Time in a phase does not count while the caller waited.
    const phase = this.phases[this.current]!;
    if (phase.enteredAt !== undefined) phase.enteredAt += length;
    if (thank) this.thanksUntil = now + THANKS_MS;
  }

  private requiredOpen(): GuidanceView['requiredOpen'] {
    return this.phases
      .filter((phase) => phase.status === 'done' || phase.status === 'skipped')
      .flatMap((phase) =>
        phase.items
          .filter((item) => item.required && item.doneAt === undefined)
          .map((item) => ({ phase: phase.def.id as PhaseId, item: item.id, text: item.text })),
      );
  }

  private variableContext(): VariableContext {
    const customer = this.customer;
    return {
      agent: this.context.agent,
      ...(customer
        ? {
            customer: {
              title: customer.title,
              givenName: customer.givenName,
              familyName: customer.familyName,
              company: customer.company,
            },
          }
        : {}),
      line: { serviceName: this.context.line?.serviceName },
      call: { number: this.number },
      hour: this.options.hour(),
      greetings: this.loaded.script.greetings,
    };
  }

  private record(entry: Omit<TrailEntry, 'at'>): void {
    this.trail.push({
      at: this.options.now(),
      ...(entry.kind === 'phase' || entry.phase ? {} : { phase: this.phases[this.current]?.def.id as PhaseId }),
      ...entry,
    });
  }
}
