import { describe, expect, it } from 'vitest';
import type { Call } from '../../src/contract/index.js';
import { INBOUND_PHASES } from '../../src/contract/guidance.js';
import { GuidanceSession } from '../../src/guidance/session.js';
import type { LoadedScript } from '../../src/guidance/script.js';
import { giuliaCard, shippedEnglishScript } from '../support/guidance-fixtures.js';

/** A call as the phone lists it, changed step by step by the tests. */
function inboundCall(overrides: Partial<Call> = {}): Call {
  return {
    id: 'call-1',
    direction: 'in',
    state: 'ringing-in',
    remote: { number: '+390612345678', uri: 'sip:+390612345678@pbx.test' },
    startedAt: 0,
    hold: { local: false, remote: false },
    muted: false,
    ...overrides,
  } as Call;
}

const CARD = giuliaCard('it');

/** A session on a fake clock: `at(ms)` moves time, then runs what is due. */
function setup(options: { autoAdvance?: boolean; requiredChecks?: string[]; call?: Partial<Call> } = {}) {
  let now = 1_000_000;
  let call = inboundCall(options.call);
  const session = new GuidanceSession(
    shippedEnglishScript(),
    call,
    {
      agent: { name: 'Marco Neri', company: 'Acme Energia' },
      line: { serviceName: 'Home energy', requiredChecks: options.requiredChecks ?? [] },
    },
    { holdReminderMs: 45_000, autoAdvance: options.autoAdvance ?? true, now: () => now, hour: () => 10 },
  );
  const update = (change: Partial<Call>) => {
    call = { ...call, ...change };
    session.observeCall(call);
  };
  return {
    session,
    at(ms: number) {
      now += ms;
      session.onTime(now);
    },
    now: () => now,
    answer: () => update({ state: 'active', answeredAt: now }),
    hold: (local: boolean) => update({ hold: { local, remote: false } }),
    transfer: (state: 'consulting' | 'transferring' | 'failed' | undefined) =>
      update({
        transfer: state ? ({ state, target: '2000', kind: 'attended' } as unknown as Call['transfer']) : undefined,
      }),
    end: (cause: NonNullable<Call['end']>['cause']) => update({ state: 'ended', endedAt: now, end: { cause } }),
    current: () => session.view().current,
    statuses: () => Object.fromEntries(session.view().phases.map((phase) => [phase.id, phase.status])),
  };
}

describe('the phases follow the call by themselves', () => {
  it('prepare while ringing, welcome on answer, identify after the welcome time, close on hang-up', () => {
    const t = setup();
    expect(t.current()).toBe('prepare');
    t.at(4_000);
    expect(t.current()).toBe('prepare'); // a phase's time never runs while it rings
    t.answer();
    expect(t.current()).toBe('welcome');
    t.at(7_999);
    expect(t.current()).toBe('welcome');
    t.at(1);
    expect(t.current()).toBe('identify');
    t.end('remote-hangup');
    expect(t.current()).toBe('close');
    expect(t.statuses()).toMatchObject({
      prepare: 'done',
      welcome: 'done',
      identify: 'done',
      understand: 'skipped',
      handle: 'skipped',
      summarise: 'skipped',
      leave: 'skipped',
      close: 'current',
    });
    expect(t.session.view().ended).toBe(true);
  });

  it('ticking enough identification keys verifies the caller and moves to understand', () => {
    const t = setup();
    t.session.setCustomer(CARD);
    t.answer();
    t.at(8_000);
    const identify = t.session.view().phases.find((phase) => phase.id === 'identify')!;
    expect(identify.checklist.map((item) => item.id)).toEqual(['dateOfBirth', 'postcode', 'customerCode']);
    expect(identify.checklist[0]!.text).toBe('Date of birth: 1980-03-12');
    t.session.tick('identify', 'dateOfBirth', true);
    expect(t.current()).toBe('identify');
    t.session.tick('identify', 'postcode', true);
    expect(t.current()).toBe('understand');
    const verified = t.session.view().trail.find((entry) => entry.detail === 'verified');
    expect(verified).toMatchObject({ kind: 'customer', by: 'agent', phase: 'identify' });
  });

  it('verified during the welcome: identify counts as done, not skipped', () => {
    const t = setup();
    t.session.setCustomer(CARD);
    t.answer();
    t.session.tick('identify', 'dateOfBirth', true);
    t.session.tick('identify', 'customerCode', true);
    expect(t.current()).toBe('understand');
    expect(t.statuses()).toMatchObject({ welcome: 'done', identify: 'done' });
  });

  it('a hold during identification stays in identification, and its time does not count', () => {
    const t = setup();
    t.session.setCustomer(CARD);
    t.answer();
    t.at(8_000);
    expect(t.current()).toBe('identify');
    t.hold(true);
    expect(t.current()).toBe('identify');
    expect(t.session.view().hold).toMatchObject({ since: t.now(), overdue: false });
    t.at(44_999);
    expect(t.session.view().hold!.overdue).toBe(false);
    t.at(1);
    expect(t.session.view().hold!.overdue).toBe(true);
    expect(t.session.view().trail.at(-1)).toMatchObject({ kind: 'hold-reminder', by: 'time', phase: 'identify' });
    t.hold(false);
    expect(t.current()).toBe('identify');
    expect(t.session.view().hold).toBeUndefined();
    expect(t.session.view().thanks?.[0]!.text).toBe('Thank you for waiting, Mrs Bianchi.');
    t.at(15_000);
    expect(t.session.view().thanks).toBeUndefined();
    expect(t.session.toRecord()).toMatchObject({ holdMs: 45_000, longestHoldMs: 45_000 });
  });

  it('a hold stops the clock of a timed phase: understand does not move on while the caller waits', () => {
    const t = setup();
    t.session.setCustomer(CARD);
    t.answer();
    t.session.tick('identify', 'dateOfBirth', true);
    t.session.tick('identify', 'postcode', true);
    expect(t.current()).toBe('understand');
    t.at(30_000);
    t.hold(true);
    t.at(120_000);
    expect(t.current()).toBe('understand');
    t.hold(false);
    t.at(29_999);
    expect(t.current()).toBe('understand');
    t.at(1);
    expect(t.current()).toBe('handle');
  });

  it('a transfer during handling: handle stays, the trail records it, completion closes the case', () => {
    const t = setup({ autoAdvance: false });
    t.answer();
    t.session.goTo('handle');
    t.transfer('consulting');
    expect(t.current()).toBe('handle');
    t.transfer('transferring');
    t.end('transferred');
    expect(t.current()).toBe('close');
    const kinds = t.session
      .view()
      .trail.map((entry) => `${entry.kind}:${entry.kind === 'phase' ? entry.phase : entry.detail}`);
    expect(kinds).toEqual(
      expect.arrayContaining(['transfer:consulting', 'transfer:transferring', 'ended:transferred', 'phase:close']),
    );
    expect(t.session.view().trail.at(-1)).toMatchObject({
      kind: 'phase',
      phase: 'close',
      detail: 'transfer-completed',
    });
  });

  it('a transfer started before handling moves the guidance to handle', () => {
    const t = setup({ autoAdvance: false });
    t.answer();
    expect(t.current()).toBe('welcome');
    t.transfer('consulting');
    expect(t.current()).toBe('handle');
  });

  it.each(INBOUND_PHASES.filter((phase) => phase !== 'close' && phase !== 'prepare'))(
    'a hang-up in %s closes the case',
    (phase) => {
      const t = setup({ autoAdvance: false });
      t.answer();
      t.session.goTo(phase);
      t.end('remote-hangup');
      expect(t.current()).toBe('close');
      expect(t.session.view().trail.at(-1)).toMatchObject({
        kind: 'phase',
        phase: 'close',
        by: 'call',
        detail: 'hangup',
      });
    },
  );

  it('a call never answered (the caller gave up) stays where it was, ended', () => {
    const t = setup();
    t.end('missed');
    expect(t.current()).toBe('prepare');
    expect(t.session.view().ended).toBe(true);
    expect(t.session.view().trail.at(-1)).toMatchObject({ kind: 'ended', detail: 'missed' });
  });

  it('a hang-up while on hold ends the hold in the record', () => {
    const t = setup();
    t.answer();
    t.hold(true);
    t.at(20_000);
    t.end('remote-hangup');
    expect(t.session.view().hold).toBeUndefined();
    expect(t.session.view().thanks).toBeUndefined();
    expect(t.session.toRecord().holdMs).toBe(20_000);
  });

  it('the agent moves by hand: forward, back, with the keyboard steps', () => {
    const t = setup({ autoAdvance: false });
    t.answer();
    expect(t.session.step(1)).toEqual({ ok: true });
    expect(t.current()).toBe('identify');
    t.session.step(-1);
    expect(t.current()).toBe('welcome');
    expect(
      t.session
        .view()
        .trail.filter((entry) => entry.by === 'agent')
        .map((entry) => entry.phase),
    ).toEqual(['identify', 'welcome']);
    t.session.goTo('close');
    expect(t.session.step(1)).toEqual({ ok: false, reason: 'no-such-phase' });
  });
});

describe('required items', () => {
  it('left open in a phase already passed, they are listed; the line can require more', () => {
    const t = setup({ autoAdvance: false, requiredChecks: ['identify.postcode', 'handle.timescale-given'] });
    t.session.setCustomer(CARD);
    t.answer();
    const handle = () => t.session.view().phases.find((phase) => phase.id === 'handle')!;
    expect(handle().checklist.find((item) => item.id === 'timescale-given')!.required).toBe(true);
    expect(handle().checklist.find((item) => item.id === 'solution-agreed')!.required).toBe(false);
    t.session.goTo('handle');
    expect(t.session.view().requiredOpen.map((open) => `${open.phase}.${open.item}`)).toEqual([
      'identify.postcode',
      'understand.request-confirmed',
    ]);
    t.session.tick('understand', 'request-confirmed', true);
    t.end('local-hangup');
    const record = t.session.toRecord();
    expect(record.phases.find((phase) => phase.id === 'identify')).toMatchObject({ requiredOpen: ['postcode'] });
    expect(record.phases.find((phase) => phase.id === 'understand')).toMatchObject({
      done: ['request-confirmed'],
      requiredOpen: [],
    });
    expect(t.session.view().requiredOpen.map((open) => open.item)).toEqual([
      'postcode',
      'timescale-given',
      'summary-confirmed',
      'anything-else',
    ]);
  });

  it('an unknown item or phase is refused', () => {
    const t = setup();
    expect(t.session.tick('welcome', 'nope', true)).toEqual({ ok: false, reason: 'no-such-item' });
    expect(t.session.goTo('check-time')).toEqual({ ok: false, reason: 'no-such-phase' });
    expect(t.session.notNow()).toEqual({ ok: false, reason: 'not-for-this-call' });
  });
});

describe('procedures', () => {
  it('abusive caller: ending is refused before the one warning, allowed after, and recorded', () => {
    const t = setup();
    t.answer();
    t.session.procedure('abusive', 'open');
    expect(t.session.procedure('abusive', 'end')).toEqual({ ok: false, reason: 'warn-first' });
    expect(t.session.view().procedures.find((p) => p.id === 'abusive')!.canEnd).toBe(false);
    t.at(5_000);
    t.session.procedure('abusive', 'warn');
    const abusive = t.session.view().procedures.find((p) => p.id === 'abusive')!;
    expect(abusive).toMatchObject({ open: true, canEnd: true, warnedAt: t.now() });
    expect(t.session.procedure('abusive', 'end')).toEqual({ ok: true, hangup: true });
    t.end('local-hangup');
    const record = t.session.toRecord();
    expect(record.endedUnder).toBe('abusive');
    expect(record.trail.map((entry) => entry.item).filter(Boolean)).toEqual([
      'abusive.opened',
      'abusive.warned',
      'abusive.ended',
    ]);
  });

  it('nuisance call: can be ended at once; a caller who cannot be identified moves on to the request', () => {
    const t = setup({ autoAdvance: false });
    t.answer();
    t.session.goTo('identify');
    expect(t.session.procedure('unidentified', 'mark')).toEqual({ ok: true });
    expect(t.current()).toBe('understand');
    expect(t.session.procedure('nuisance', 'end')).toEqual({ ok: true, hangup: true });
    expect(t.session.procedure('escalate', 'end')).toEqual({ ok: false, reason: 'not-for-this-procedure' });
  });

  it('after the call, nothing can be ended any more', () => {
    const t = setup();
    t.answer();
    t.end('remote-hangup');
    expect(t.session.procedure('nuisance', 'end')).toEqual({ ok: false, reason: 'call-ended' });
  });
});

describe('notes and knowledge', () => {
  it('a snippet goes into the notes, into the trail, and moves an early phase to handle', () => {
    const t = setup({ autoAdvance: false });
    t.answer();
    t.session.setNotes('Meter reading disputed.');
    t.session.useKnowledge({ id: 'kb-1', title: 'Reading', body: 'Readings can be sent by SMS.' });
    expect(t.session.view().notes).toBe('Meter reading disputed.\n\nReadings can be sent by SMS.');
    expect(t.current()).toBe('handle');
    expect(t.session.view().trail.at(-2)).toMatchObject({ kind: 'knowledge', item: 'kb-1' });
    t.end('local-hangup');
    expect(t.session.toRecord().notes).toContain('SMS');
  });
});

describe('variables', () => {
  it('the agent, the company and the customer are filled in; a missing one is a marked gap', () => {
    const t = setup();
    t.answer();
    const welcome = () => t.session.view().phases.find((phase) => phase.id === 'welcome')!.say[0]!;
    expect(welcome()).toEqual({
      text: 'Good morning, Acme Energia, this is Marco. How can I help you today?',
      missing: [],
    });
    const thanks = () => t.session.view().phases.find((phase) => phase.id === 'leave')!.say[1]!.text;
    expect(thanks()).toBe('Thank you for calling. Have a good day.');
    t.session.setCustomer(CARD);
    expect(thanks()).toBe('Thank you for calling, Mrs Bianchi. Have a good day.');
  });

  it('a script change while it rings (the record brought another language) is allowed; after the answer it is not', () => {
    const t = setup();
    const other: LoadedScript = {
      ...shippedEnglishScript(),
      script: { ...shippedEnglishScript().script, id: 'general-xx' },
    };
    expect(t.session.replaceScript(other)).toBe(true);
    expect(t.session.view().script.id).toBe('general-xx');
    expect(t.current()).toBe('prepare');
    t.answer();
    expect(t.session.replaceScript(shippedEnglishScript())).toBe(false);
  });
});

describe('outbound calls', () => {
  it('prepare while dialling, introduce on answer, then check the time; "not now" is the agent moving to leave', () => {
    let now = 0;
    const call = inboundCall({ direction: 'out', state: 'dialling' });
    const session = new GuidanceSession(
      shippedEnglishScript(),
      call,
      { agent: { name: 'Marco', company: '' } },
      { holdReminderMs: 45_000, autoAdvance: true, now: () => now, hour: () => 20 },
    );
    expect(session.view().current).toBe('prepare');
    session.observeCall({ ...call, state: 'active', answeredAt: 0 });
    expect(session.view().current).toBe('introduce');
    expect(session.view().phases[1]!.say[0]!.text).toBe(
      'Good evening, this is Marco from customer service. Am I speaking with the account holder?',
    );
    now = 8_000;
    session.onTime(now);
    expect(session.view().current).toBe('check-time');
    // Not a good time: on to agreeing a time and taking leave; the record says so for the wrap-up.
    expect(session.notNow()).toEqual({ ok: true });
    expect(session.view()).toMatchObject({ current: 'leave', notNowAt: 8_000 });
    expect(session.view().phases.find((phase) => phase.id === 'purpose')!.status).toBe('skipped');
    expect(session.toRecord().notNow).toBe(true);
    expect(session.view().phases.map((phase) => phase.id)).toEqual([
      'prepare',
      'introduce',
      'check-time',
      'purpose',
      'handle',
      'summarise',
      'leave',
      'close',
    ]);
  });
});
