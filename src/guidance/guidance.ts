import type { Call, CommandResult, ScreenPop } from '../contract/index.js';
import type { GuidanceRecord, GuidanceView, KnowledgeSnippet, PhaseId, ProcedureId } from '../contract/guidance.js';
import type { AgentSettings, GuidanceSettings } from '../contract/settings.js';
import type { Logger } from '../log/logger.js';
import type { z } from 'zod';
import type { ScriptLibrary } from './library.js';
import { GuidanceSession, type ProcedureAction, type SessionContext, type SessionResult } from './session.js';

export interface CallGuidanceOptions {
  library: ScriptLibrary;
  settings: () => {
    guidance: z.infer<typeof GuidanceSettings>;
    agent: z.infer<typeof AgentSettings>;
    uiLanguage: string;
  };
  knowledge: {
    search(query: string, limit: number): KnowledgeSnippet[];
    get(id: string): KnowledgeSnippet | undefined;
  };
  /** Ends a call (a procedure that allows it: an abusive caller after the warning, a nuisance call). */
  hangup: (callId: string) => Promise<CommandResult>;
  emit: (views: GuidanceView[]) => void;
  logger: Logger;
  now?: () => number;
  hour?: () => number;
}

export type GuidanceCommand =
  | { type: 'guidance.phase'; callId: string; phase: PhaseId }
  | { type: 'guidance.step'; callId: string; delta: 1 | -1 }
  | { type: 'guidance.tick'; callId: string; phase: PhaseId; item: string; done: boolean }
  | { type: 'guidance.procedure'; callId: string; procedure: ProcedureId; action: ProcedureAction }
  | { type: 'guidance.notes'; callId: string; notes: string }
  | { type: 'guidance.notNow'; callId: string }
  | { type: 'knowledge.search'; query: string; limit?: number }
  | { type: 'knowledge.use'; callId: string; snippetId: string };

/**
 * The guidance of every call on the desk (consultation calls excepted: the customer's call carries
 * the guidance through a transfer). Creates a session when a call appears, with the script for its
 * line and language; feeds it the call's changes and its record; runs its clock; gives its trail
 * to the interaction when the call ends.
 */
export class CallGuidance {
  private readonly sessions = new Map<string, GuidanceSession>();
  private order: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastEmitted = '';
  private readonly now: () => number;
  private readonly hour: () => number;

  constructor(private readonly options: CallGuidanceOptions) {
    this.now = options.now ?? Date.now;
    this.hour = options.hour ?? (() => new Date(this.now()).getHours());
  }

  /** The calls or their records changed. */
  update(calls: readonly Call[], pops: readonly ScreenPop[]): void {
    const listed = calls.filter((call) => !call.consultFor);
    const popOf = new Map(pops.map((pop) => [pop.callId, pop]));
    for (const call of listed) {
      const pop = popOf.get(call.id);
      let session = this.sessions.get(call.id);
      if (!session) {
        session = this.create(call, pop);
        this.sessions.set(call.id, session);
      } else {
        session.setContext(this.context(pop));
        session.observeCall(call);
      }
      if (session.setCustomer(pop?.card) && session.pristine) {
        // The record (and with it the customer's language) came while it rang: maybe another script.
        session.replaceScript(this.select(call, pop));
      }
    }
    this.order = listed.map((call) => call.id);
    for (const id of [...this.sessions.keys()]) if (!this.order.includes(id)) this.sessions.delete(id);
    this.changed();
  }

  /** A call ended: what is kept with its interaction. */
  ended(call: Call): GuidanceRecord | undefined {
    const session = this.sessions.get(call.id);
    if (!session) return undefined;
    session.observeCall(call);
    const record = session.toRecord();
    this.changed();
    return record;
  }

  views(): GuidanceView[] {
    return this.order.flatMap((id) => {
      const session = this.sessions.get(id);
      return session ? [session.view()] : [];
    });
  }

  async dispatch(command: GuidanceCommand): Promise<CommandResult> {
    if (command.type === 'knowledge.search') {
      try {
        return { ok: true, value: this.options.knowledge.search(command.query, command.limit ?? 10) };
      } catch (error) {
        this.options.logger.error({ err: error }, 'knowledge search failed');
        return { ok: false, error: { code: 'internal', message: 'search-failed' } };
      }
    }
    const session = this.sessions.get(command.callId);
    if (!session) return { ok: false, error: { code: 'invalid', message: 'no-such-call' } };
    let result: SessionResult;
    switch (command.type) {
      case 'guidance.phase':
        result = session.goTo(command.phase);
        break;
      case 'guidance.step':
        result = session.step(command.delta);
        break;
      case 'guidance.tick':
        result = session.tick(command.phase, command.item, command.done);
        break;
      case 'guidance.procedure':
        result = session.procedure(command.procedure, command.action);
        break;
      case 'guidance.notNow':
        result = session.notNow();
        break;
      case 'guidance.notes':
        session.setNotes(command.notes);
        result = { ok: true };
        break;
      case 'knowledge.use': {
        const snippet = this.options.knowledge.get(command.snippetId);
        if (!snippet) return { ok: false, error: { code: 'invalid', message: 'no-such-snippet' } };
        session.useKnowledge(snippet);
        result = { ok: true };
        break;
      }
    }
    this.changed();
    if (!result.ok) return { ok: false, error: { code: 'invalid', message: result.reason } };
    if (result.hangup) return this.options.hangup(command.callId);
    return { ok: true };
  }

  close(): void {
    clearTimeout(this.timer);
  }

  private create(call: Call, pop: ScreenPop | undefined): GuidanceSession {
    const settings = this.options.settings().guidance;
    return new GuidanceSession(this.select(call, pop), call, this.context(pop), {
      holdReminderMs: settings.holdReminderSeconds * 1000,
      autoAdvance: settings.autoAdvance,
      now: this.now,
      hour: this.hour,
    });
  }

  private select(call: Call, pop: ScreenPop | undefined) {
    this.options.library.refreshCrm();
    return this.options.library.select(pop?.line?.scriptSet, [
      pop?.card?.customer.language,
      pop?.line?.language,
      this.options.settings().uiLanguage,
    ]);
  }

  private context(pop: ScreenPop | undefined): SessionContext {
    const { agent } = this.options.settings();
    return {
      agent: { name: agent.name, company: agent.company },
      ...(pop?.line
        ? { line: { serviceName: pop.line.serviceName, requiredChecks: pop.line.requiredChecks ?? [] } }
        : {}),
    };
  }

  /** Runs what is due, emits the views when they changed, and sets the clock for the next due time. */
  private changed(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.now();
    for (const session of this.sessions.values()) session.onTime(now);
    const views = this.views();
    const text = JSON.stringify(views);
    if (text !== this.lastEmitted) {
      this.lastEmitted = text;
      this.options.emit(views);
    }
    const due = Math.min(...[...this.sessions.values()].map((session) => session.due() ?? Infinity));
    if (Number.isFinite(due)) {
      this.timer = setTimeout(() => this.changed(), Math.max(0, due - now) + 5);
      this.timer.unref?.();
    }
  }
}
