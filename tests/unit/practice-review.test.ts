import { describe, expect, it } from 'vitest';
import type { Call, PhaseId, WrapUpDraft } from '../../src/contract/index.js';
import {
  EMPTY_WRAPUP,
  INBOUND_PHASES,
  OUTBOUND_PHASES,
  PRACTICE_FINDINGS,
  PracticeReview,
  PracticeView,
} from '../../src/contract/index.js';
import { giuliaCard, shippedEnglishScript } from '../support/guidance-fixtures.js';
import { GuidanceSession } from '../../src/guidance/session.js';
import {
  ANSWER_WITHIN_MS,
  PracticeLog,
  reviewCall,
  summarise,
  withWrapUp,
  type ReviewInput,
} from '../../src/practice/review.js';

/**
 * The reviews are built from guidance records made by the real engine (GuidanceSession with the
 * shipped English script), driven on a fake clock the way the phone drives it: ringing, answered,
 * holds, hang-up.
 */

const CARD = giuliaCard('en');

const T0 = 1_700_000_000_000;
const ALL_INBOUND: PhaseId[] = [...INBOUND_PHASES];

/** A practice call on a fake clock, followed by a guidance session as the desk runs one. */
function practiceCall(options: { direction?: 'in' | 'out'; id?: string } = {}) {
  let now = T0;
  const direction = options.direction ?? 'in';
  let call = {
    id: options.id ?? 'call-1',
    direction,
    state: direction === 'in' ? 'ringing-in' : 'ringing-out',
    remote: { number: '+441632960123', uri: 'sip:+441632960123@pbx.test' },
    startedAt: now,
    hold: { local: false, remote: false },
    muted: false,
  } as Call;
  // The phases move only by the call and by hand, so that each test says where the call is.
  const session = new GuidanceSession(
    shippedEnglishScript(),
    call,
    { agent: { name: 'Marco Neri', company: 'Acme Energy' }, line: { serviceName: 'Home energy', requiredChecks: [] } },
    { holdReminderMs: 45_000, autoAdvance: false, now: () => now, hour: () => 10 },
  );
  session.setCustomer(CARD);
  const update = (change: Partial<Call>) => {
    call = { ...call, ...change };
    session.observeCall(call);
  };
  const t = {
    session,
    now: () => now,
    wait(ms: number) {
      now += ms;
      session.onTime(now);
    },
    answer: () => update({ state: 'active', answeredAt: now }),
    hold(ms: number) {
      update({ hold: { local: true, remote: false } });
      t.wait(ms);
      update({ hold: { local: false, remote: false } });
    },
    holdOn: () => update({ hold: { local: true, remote: false } }),
    /** The call ends: what the desk hands to the practice log. */
    end(cause: NonNullable<Call['end']>['cause']): ReviewInput {
      update({ state: 'ended', endedAt: now, end: { cause } });
      return { call, guidance: session.toRecord(), holdReminderSeconds: 45, now: now + 50 };
    },
    /** Rings, is answered, and the caller is identified: the guidance is in `understand`. */
    answerAndIdentify(ringMs = 6_000) {
      t.wait(ringMs);
      t.answer();
      t.wait(5_000);
      session.step(1);
      expect(session.view().current).toBe('identify');
      session.tick('identify', 'dateOfBirth', true);
      t.wait(2_000);
      session.tick('identify', 'postcode', true);
      expect(session.view().current).toBe('understand');
    },
    /** From `understand` to `leave`, everything ticked, with `inHandle` run in the handle phase. */
    handleToTheEnd(inHandle?: () => void) {
      session.tick('understand', 'request-confirmed', true);
      session.step(1);
      t.wait(20_000);
      inHandle?.();
      session.tick('handle', 'solution-agreed', true);
      session.step(1);
      session.tick('summarise', 'summary-confirmed', true);
      session.step(1);
      session.tick('leave', 'anything-else', true);
      t.wait(3_000);
    },
  };
  return t;
}

const FULL_WRAPUP: WrapUpDraft = {
  ...EMPTY_WRAPUP,
  reason: 'Bill too high',
  disposition: 'resolved',
  resolved: 'yes',
  summary: 'Meter read again, bill corrected.',
  steps: 'Corrected bill by e-mail.',
  satisfaction: '5',
};

const results = (review: PracticeReview) => Object.fromEntries(review.phases.map((phase) => [phase.id, phase.result]));
const codes = (review: PracticeReview) => review.findings.map((finding) => finding.code);

/** A review as the contract describes it: what the renderer will receive. */
function checked(review: PracticeReview): PracticeReview {
  expect(PracticeReview.parse(review)).toEqual(review);
  for (const finding of review.findings) expect(PRACTICE_FINDINGS).toContain(finding.code);
  return review;
}

describe('a call done by the book', () => {
  it('ringing → answered → hold → resume → hang-up: every phase done, a short hold, answered quickly', () => {
    const t = practiceCall();
    t.answerAndIdentify();
    t.handleToTheEnd(() => t.hold(30_000));
    const input = t.end('local-hangup');
    const review = checked(reviewCall(input));

    expect(review.phases.map((phase) => phase.id)).toEqual(ALL_INBOUND);
    expect(review.phases.every((phase) => phase.result === 'done')).toBe(true);
    expect(review).toMatchObject({
      callId: 'call-1',
      direction: 'in',
      number: '+441632960123',
      endCause: 'local-hangup',
      startedAt: T0,
      answeredAt: T0 + 6_000,
      endedAt: input.call.endedAt,
      reviewedAt: input.call.endedAt! + 50,
      timeToAnswerMs: 6_000,
      requiredOpen: [],
      hold: {
        count: 1,
        totalMs: 30_000,
        longestMs: 30_000,
        reminderMs: 45_000,
        overReminder: 0,
        resumedAfterReminder: false,
      },
      procedures: {},
      wrapUp: { saved: false, complete: false, emptyFields: [] },
    });
    expect(review.findings).toEqual([
      { kind: 'good', code: 'answered-quickly', values: { seconds: 6 } },
      { kind: 'good', code: 'all-phases' },
      { kind: 'good', code: 'hold-within-reminder', values: { count: 1, reminderSeconds: 45 } },
      { kind: 'improve', code: 'wrapup-not-saved' },
    ]);
  });

  it('a call without holds has no hold finding', () => {
    const t = practiceCall();
    t.answerAndIdentify();
    t.handleToTheEnd();
    const review = checked(reviewCall(t.end('remote-hangup')));
    expect(review.hold).toMatchObject({ count: 0, totalMs: 0, overReminder: 0 });
    expect(codes(review)).not.toContain('hold-within-reminder');
    expect(codes(review)).not.toContain('hold-over-reminder');
  });
});

describe('phases', () => {
  it('a phase jumped over during the call is missed', () => {
    const t = practiceCall();
    t.answerAndIdentify();
    t.session.tick('understand', 'request-confirmed', true);
    t.session.goTo('summarise');
    expect(t.session.toRecord().phases.find((phase) => phase.id === 'handle')!.status).toBe('skipped');
    t.session.tick('summarise', 'summary-confirmed', true);
    t.session.step(1);
    t.session.tick('leave', 'anything-else', true);
    const review = checked(reviewCall(t.end('remote-hangup')));
    expect(results(review)).toEqual({
      prepare: 'done',
      welcome: 'done',
      identify: 'done',
      understand: 'done',
      handle: 'missed',
      summarise: 'done',
      leave: 'done',
      close: 'done',
    });
    expect(review.requiredOpen).toEqual([]);
    expect(codes(review)).not.toContain('all-phases');
    expect(review.findings).toContainEqual({ kind: 'improve', code: 'phase-missed', values: { phase: 'handle' } });
  });

  it('the caller hangs up during understand: the later phases are not reached, not missed', () => {
    const t = practiceCall();
    t.answerAndIdentify();
    t.wait(10_000);
    const review = checked(reviewCall(t.end('remote-hangup')));
    expect(results(review)).toEqual({
      prepare: 'done',
      welcome: 'done',
      identify: 'done',
      // The required "request confirmed" was still open: the caller cut the phase short.
      understand: 'not-reached',
      handle: 'not-reached',
      summarise: 'not-reached',
      leave: 'not-reached',
      close: 'done',
    });
    expect(review.requiredOpen).toEqual([]);
    expect(codes(review)).toContain('all-phases');
    expect(codes(review)).not.toContain('phase-missed');
  });

  it('the agent hangs up during understand: what they left undone is missed, required items included', () => {
    const t = practiceCall();
    t.answerAndIdentify();
    t.wait(10_000);
    const review = checked(reviewCall(t.end('local-hangup')));
    expect(results(review)).toEqual({
      prepare: 'done',
      welcome: 'done',
      identify: 'done',
      understand: 'missed',
      handle: 'missed',
      summarise: 'missed',
      leave: 'missed',
      close: 'done',
    });
    expect(review.requiredOpen).toEqual([
      { phase: 'understand', item: 'request-confirmed' },
      { phase: 'summarise', item: 'summary-confirmed' },
      { phase: 'leave', item: 'anything-else' },
    ]);
    expect(review.findings.filter((finding) => finding.code === 'phase-missed').map((f) => f.values)).toEqual([
      { phase: 'understand' },
      { phase: 'handle' },
      { phase: 'summarise' },
      { phase: 'leave' },
    ]);
  });

  it('a required item left open in a phase the agent moved on from is missed and named', () => {
    const t = practiceCall();
    t.answerAndIdentify();
    // On to handle without confirming the request.
    t.session.step(1);
    t.session.tick('handle', 'solution-agreed', true);
    t.session.step(1);
    t.session.tick('summarise', 'summary-confirmed', true);
    t.session.step(1);
    t.session.tick('leave', 'anything-else', true);
    const review = checked(reviewCall(t.end('local-hangup')));
    expect(results(review)).toMatchObject({ understand: 'missed', handle: 'done', summarise: 'done', leave: 'done' });
    expect(review.requiredOpen).toEqual([{ phase: 'understand', item: 'request-confirmed' }]);
    expect(review.findings).toContainEqual({
      kind: 'improve',
      code: 'required-open',
      values: { phase: 'understand', item: 'request-confirmed' },
    });
    expect(review.findings).toContainEqual({ kind: 'improve', code: 'phase-missed', values: { phase: 'understand' } });
  });
});

describe('holds', () => {
  it('a hold past the reminder, then taken back', () => {
    const t = practiceCall();
    t.answerAndIdentify();
    t.handleToTheEnd(() => {
      t.hold(20_000);
      t.wait(5_000);
      t.hold(60_000);
    });
    const input = t.end('local-hangup');
    expect(input.guidance!.trail.filter((entry) => entry.kind === 'hold-reminder')).toHaveLength(1);
    const review = checked(reviewCall(input));
    expect(review.hold).toEqual({
      count: 2,
      totalMs: 80_000,
      longestMs: 60_000,
      reminderMs: 45_000,
      overReminder: 1,
      resumedAfterReminder: true,
    });
    expect(review.findings).toContainEqual({
      kind: 'improve',
      code: 'hold-over-reminder',
      values: { count: 1, seconds: 60, reminderSeconds: 45 },
    });
    expect(codes(review)).not.toContain('hold-within-reminder');
  });

  it('the caller hangs up while still on hold past the reminder', () => {
    const t = practiceCall();
    t.answerAndIdentify();
    t.session.tick('understand', 'request-confirmed', true);
    t.session.step(1);
    t.holdOn();
    t.wait(50_000);
    const review = checked(reviewCall(t.end('remote-hangup')));
    expect(review.hold).toMatchObject({ count: 1, totalMs: 50_000, overReminder: 1, resumedAfterReminder: false });
    // Handle was current when the caller hung up: the rest was cut off by the caller, not missed.
    expect(results(review)).toMatchObject({ handle: 'done', summarise: 'not-reached', leave: 'not-reached' });
  });

  it('judges against the reminder time it is given', () => {
    const t = practiceCall();
    t.answerAndIdentify();
    t.handleToTheEnd(() => t.hold(30_000));
    const review = checked(reviewCall({ ...t.end('local-hangup'), holdReminderSeconds: 20 }));
    expect(review.hold).toMatchObject({ reminderMs: 20_000, overReminder: 1, resumedAfterReminder: true });
  });
});

describe('procedures', () => {
  it('an abusive caller warned, then the call ended under the procedure', () => {
    const t = practiceCall();
    t.answerAndIdentify();
    t.wait(15_000);
    t.session.procedure('abusive', 'warn');
    const warnedAt = t.now();
    t.wait(10_000);
    expect(t.session.procedure('abusive', 'end')).toEqual({ ok: true, hangup: true });
    const review = checked(reviewCall(t.end('local-hangup')));
    expect(review.procedures).toEqual({ abusiveWarnedAt: warnedAt, endedUnder: 'abusive' });
    expect(review.findings).toContainEqual({ kind: 'good', code: 'abusive-warned-before-end' });
    // Ending under the procedure is allowed: the phases it cut off are not the trainee's miss.
    expect(results(review)).toMatchObject({
      understand: 'not-reached',
      handle: 'not-reached',
      summarise: 'not-reached',
      leave: 'not-reached',
    });
    expect(codes(review)).not.toContain('phase-missed');
  });

  it('a warning alone, with the call carried on to a normal end, is recorded but not a finding', () => {
    const t = practiceCall();
    t.answerAndIdentify();
    t.session.procedure('abusive', 'warn');
    const warnedAt = t.now();
    t.handleToTheEnd();
    const review = checked(reviewCall(t.end('local-hangup')));
    expect(review.procedures).toEqual({ abusiveWarnedAt: warnedAt });
    expect(codes(review)).not.toContain('abusive-warned-before-end');
    expect(codes(review)).toContain('all-phases');
  });
});

describe('the wrap-up', () => {
  function endedCall(): ReviewInput {
    const t = practiceCall();
    t.answerAndIdentify();
    t.handleToTheEnd();
    return t.end('remote-hangup');
  }

  it('saved with every field: complete, and how long it took', () => {
    const input = endedCall();
    const endedAt = input.call.endedAt!;
    const review = checked(reviewCall({ ...input, wrapUp: { draft: FULL_WRAPUP, savedAt: endedAt + 42_400 } }));
    expect(review.wrapUp).toEqual({
      saved: true,
      savedAt: endedAt + 42_400,
      secondsToSave: 42,
      complete: true,
      emptyFields: [],
    });
    expect(review.findings.at(-1)).toEqual({ kind: 'good', code: 'wrapup-complete' });
  });

  it('saved with optional fields left empty', () => {
    const input = endedCall();
    const draft: WrapUpDraft = { ...FULL_WRAPUP, steps: '  ', satisfaction: '' };
    const review = checked(reviewCall({ ...input, wrapUp: { draft, savedAt: input.call.endedAt! + 10_000 } }));
    expect(review.wrapUp).toMatchObject({ saved: true, complete: false, emptyFields: ['steps', 'satisfaction'] });
    expect(review.findings.at(-1)).toEqual({
      kind: 'improve',
      code: 'wrapup-fields-empty',
      values: { fields: 'steps,satisfaction' },
    });
  });

  it('not saved yet, then saved: withWrapUp updates the wrap-up and the findings only', () => {
    const input = endedCall();
    const before = checked(reviewCall(input));
    expect(before.wrapUp).toEqual({ saved: false, complete: false, emptyFields: [] });
    expect(before.findings.at(-1)).toEqual({ kind: 'improve', code: 'wrapup-not-saved' });

    const after = checked(withWrapUp(before, FULL_WRAPUP, input.call.endedAt! + 30_000));
    expect(after.wrapUp).toMatchObject({ saved: true, complete: true, secondsToSave: 30 });
    expect(codes(after)).toEqual(['answered-quickly', 'all-phases', 'wrapup-complete']);
    expect({ ...after, wrapUp: before.wrapUp, findings: before.findings }).toEqual(before);
  });
});

describe('answering', () => {
  it.each([
    [6_000, 'answered-quickly', 6],
    [ANSWER_WITHIN_MS, 'answered-quickly', 15],
    [ANSWER_WITHIN_MS + 1_000, 'answered-slowly', 16],
    [32_400, 'answered-slowly', 32],
  ] as const)('answered after %i ms: %s', (ringMs, code, seconds) => {
    const t = practiceCall();
    t.answerAndIdentify(ringMs);
    t.handleToTheEnd();
    const review = checked(reviewCall(t.end('remote-hangup')));
    expect(review.timeToAnswerMs).toBe(ringMs);
    expect(review.findings[0]).toEqual({
      kind: code === 'answered-quickly' ? 'good' : 'improve',
      code,
      values: { seconds },
    });
  });

  it('an outbound call has no time to answer', () => {
    const t = practiceCall({ direction: 'out' });
    t.wait(8_000);
    t.answer();
    t.wait(20_000);
    const review = checked(reviewCall(t.end('remote-hangup')));
    expect(review.timeToAnswerMs).toBeUndefined();
    expect(review.phases.map((phase) => phase.id)).toEqual([...OUTBOUND_PHASES]);
    expect(results(review)).toMatchObject({ prepare: 'done', introduce: 'not-reached', purpose: 'not-reached' });
    expect(codes(review).some((code) => code.startsWith('answered'))).toBe(false);
  });
});

describe('a missed inbound call', () => {
  it('without a guidance record: no phases, not answered, no wrap-up asked for', () => {
    const call = {
      id: 'missed-1',
      direction: 'in',
      state: 'ended',
      remote: { number: '+441632960999', uri: 'sip:+441632960999@pbx.test' },
      startedAt: T0,
      endedAt: T0 + 25_300,
      hold: { local: false, remote: false },
      muted: false,
      end: { cause: 'missed' },
    } as Call;
    const review = checked(reviewCall({ call, holdReminderSeconds: 45, now: T0 + 26_000 }));
    expect(review).toMatchObject({
      callId: 'missed-1',
      phases: [],
      requiredOpen: [],
      endedAt: T0 + 25_300,
      hold: { count: 0, totalMs: 0, longestMs: 0, overReminder: 0 },
      wrapUp: { saved: false, complete: false, emptyFields: [] },
    });
    expect(review.answeredAt).toBeUndefined();
    expect(review.timeToAnswerMs).toBeUndefined();
    expect(review.findings).toEqual([
      { kind: 'improve', code: 'not-answered', values: { seconds: 25, cause: 'missed' } },
    ]);
  });

  it('with the record the engine kept while it rang: still no phases to judge', () => {
    const t = practiceCall();
    t.wait(30_000);
    const input = t.end('missed');
    expect(input.guidance!.phases[0]).toMatchObject({ id: 'prepare', status: 'current' });
    const review = checked(reviewCall(input));
    expect(review.phases).toEqual([]);
    expect(codes(review)).toEqual(['not-answered']);
  });
});

describe('the session summary', () => {
  function runOfFour(): PracticeReview[] {
    // A: by the book, a short hold, a complete wrap-up, answered after 6 s.
    const a = practiceCall({ id: 'a' });
    a.answerAndIdentify(6_000);
    a.handleToTheEnd(() => a.hold(30_000));
    const aInput = a.end('local-hangup');
    const reviewA = reviewCall({ ...aInput, wrapUp: { draft: FULL_WRAPUP, savedAt: aInput.call.endedAt! + 20_000 } });

    // B: handle jumped over, a hold past the reminder, optional fields empty, answered after 20 s.
    const b = practiceCall({ id: 'b' });
    b.answerAndIdentify(20_000);
    b.hold(60_000);
    b.session.tick('understand', 'request-confirmed', true);
    b.session.goTo('summarise');
    b.session.tick('summarise', 'summary-confirmed', true);
    b.session.step(1);
    b.session.tick('leave', 'anything-else', true);
    const bInput = b.end('remote-hangup');
    const reviewB = reviewCall({
      ...bInput,
      wrapUp: { draft: { ...FULL_WRAPUP, satisfaction: '' }, savedAt: bInput.call.endedAt! + 60_000 },
    });

    // C: the agent hangs up during understand, answered after 10 s, no wrap-up.
    const c = practiceCall({ id: 'c' });
    c.answerAndIdentify(10_000);
    const reviewC = reviewCall(c.end('local-hangup'));

    // D: missed.
    const d = practiceCall({ id: 'd' });
    d.wait(30_000);
    const reviewD = reviewCall(d.end('missed'));
    return [reviewA, reviewB, reviewC, reviewD].map(checked);
  }

  it('totals over the run, and the phase missed most often', () => {
    expect(summarise(runOfFour())).toEqual({
      calls: 4,
      answered: 3,
      averageTimeToAnswerMs: 12_000,
      // A: 8, B: 7 (handle missed), C: prepare, welcome, identify, close.
      phasesDone: 19,
      // B: handle; C: understand, handle, summarise, leave.
      phasesMissed: 5,
      requiredOpen: 3,
      holdsOverReminder: 1,
      wrapUpsComplete: 1,
      wrapUpsSaved: 2,
      mostMissedPhase: 'handle',
    });
  });

  it('a tie goes to the phase earlier in the call; nothing missed, no phase named', () => {
    const [a, b, c] = runOfFour();
    expect(summarise([c!]).mostMissedPhase).toBe('understand');
    // B missed handle; this call missed only understand (its request left unconfirmed): one each.
    const t = practiceCall({ id: 'e' });
    t.answerAndIdentify();
    t.session.step(1);
    t.session.step(1);
    t.session.tick('summarise', 'summary-confirmed', true);
    t.session.step(1);
    t.session.tick('leave', 'anything-else', true);
    const e = checked(reviewCall(t.end('local-hangup')));
    expect(e.phases.filter((phase) => phase.result === 'missed').map((phase) => phase.id)).toEqual(['understand']);
    expect(summarise([b!, e]).mostMissedPhase).toBe('understand');
    expect(summarise([a!]).mostMissedPhase).toBeUndefined();
    expect(summarise([])).toEqual({
      calls: 0,
      answered: 0,
      phasesDone: 0,
      phasesMissed: 0,
      requiredOpen: 0,
      holdsOverReminder: 0,
      wrapUpsComplete: 0,
      wrapUpsSaved: 0,
    });
  });
});

describe('the practice log', () => {
  it('keeps the reviews newest first, updates one when its wrap-up is saved, and summarises them', () => {
    const log = new PracticeLog();
    const first = practiceCall({ id: 'first' });
    first.answerAndIdentify();
    first.handleToTheEnd();
    const firstInput = first.end('remote-hangup');
    log.callEnded(firstInput);
    const second = practiceCall({ id: 'second' });
    second.wait(20_000);
    log.callEnded(second.end('missed'));

    const saved = log.wrapUpSaved('first', FULL_WRAPUP, firstInput.call.endedAt! + 15_000);
    expect(saved?.wrapUp).toMatchObject({ saved: true, complete: true, secondsToSave: 15 });
    expect(log.wrapUpSaved('unknown', FULL_WRAPUP, T0)).toBeUndefined();

    const view = PracticeView.parse(log.view(true));
    expect(view.enabled).toBe(true);
    expect(view.reviews.map((review) => review.callId)).toEqual(['second', 'first']);
    expect(view.reviews[1]!.findings.at(-1)).toEqual({ kind: 'good', code: 'wrapup-complete' });
    expect(view.summary).toMatchObject({ calls: 2, answered: 1, wrapUpsSaved: 1, wrapUpsComplete: 1 });
    expect(log.view(false).enabled).toBe(false);
  });

  it('skips consultation calls, replaces a call reviewed twice, and keeps the last 200', () => {
    const log = new PracticeLog();
    const base = practiceCall({ id: 'x' }).end('missed');
    expect(log.callEnded({ ...base, call: { ...base.call, id: 'consult', consultFor: 'x' } })).toBeUndefined();
    for (let index = 0; index < 205; index++) log.callEnded({ ...base, call: { ...base.call, id: `call-${index}` } });
    log.callEnded({ ...base, call: { ...base.call, id: 'call-204' } });
    const ids = log.view(true).reviews.map((review) => review.callId);
    expect(ids).toHaveLength(200);
    expect(ids[0]).toBe('call-204');
    expect(ids.at(-1)).toBe('call-5');
    expect(ids).not.toContain('consult');
  });
});
