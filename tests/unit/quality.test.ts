import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RTT_MS,
  eModelMos,
  eModelR,
  mosFromR,
  QualityMeter,
  qualityLevel,
  type MediaStatsSample,
} from '../../src/telephony/quality.js';

describe('E-model MOS estimate', () => {
  it('gives a clean Opus line a MOS of at least 4.3', () => {
    // d = 20/2 + 2·2 + 26.5 = 40.5 ms → Id = 0.024·40.5 = 0.972; Ie,eff = 0
    // R = 93.2 − 0.972 = 92.228 → MOS = 1 + 0.035R + R(R−60)(100−R)·7e−6 = 4.390
    const mos = eModelMos({ codec: 'opus', lossPercent: 0, jitterMs: 2, rttMs: 20 });
    expect(mos).toBeGreaterThanOrEqual(4.3);
    expect(mos).toBeCloseTo(4.39, 2);
  });

  it('marks 5% loss on G.711 without concealment down hard', () => {
    // d = 10 + 4 + 20 = 34 ms → Id = 0.816
    // Ie,eff = 0 + 95·5 / (5/1 + 4.3) = 475 / 9.3 = 51.075
    // R = 93.2 − 0.816 − 51.075 = 41.309
    // MOS = 1 + 1.4458 + 41.309·(−18.691)·58.691·7e−6 = 1 + 1.4458 − 0.3172 = 2.129
    const clean = eModelMos({ codec: 'PCMU', lossPercent: 0, jitterMs: 2, rttMs: 20, plc: false });
    const lossy = eModelMos({ codec: 'PCMU', lossPercent: 5, jitterMs: 2, rttMs: 20, plc: false });
    expect(eModelR({ codec: 'PCMU', lossPercent: 5, jitterMs: 2, rttMs: 20, plc: false })).toBeCloseTo(41.31, 2);
    expect(lossy).toBeCloseTo(2.13, 2);
    expect(clean - lossy).toBeGreaterThan(2);
    expect(qualityLevel(lossy)).toBe('poor');
  });

  it('lets concealment (the WebRTC default) soften the same loss', () => {
    // Bpl 25.1: Ie,eff = 475 / 30.1 = 15.781 → R = 93.2 − 0.816 − 15.781 = 76.603 → MOS 3.889
    const mos = eModelMos({ codec: 'PCMA', lossPercent: 5, jitterMs: 2, rttMs: 20 });
    expect(mos).toBeCloseTo(3.89, 2);
    expect(qualityLevel(mos)).toBe('fair');
  });

  it('lowers the MOS for a 600 ms round trip', () => {
    // d = 300 + 4 + 26.5 = 330.5 → Id = 0.024·330.5 + 0.11·(330.5 − 177.3) = 7.932 + 16.852 = 24.784
    // R = 93.2 − 24.784 = 68.416 → MOS = 3.522
    const near = eModelMos({ codec: 'opus', lossPercent: 0, jitterMs: 2, rttMs: 20 });
    const far = eModelMos({ codec: 'opus', lossPercent: 0, jitterMs: 2, rttMs: 600 });
    expect(far).toBeCloseTo(3.52, 2);
    expect(far).toBeLessThan(near - 0.8);
  });

  it('counts jitter as jitter-buffer delay', () => {
    expect(eModelMos({ codec: 'opus', lossPercent: 0, jitterMs: 80, rttMs: 20 })).toBeLessThan(
      eModelMos({ codec: 'opus', lossPercent: 0, jitterMs: 2, rttMs: 20 }),
    );
  });

  it('assumes a short round trip when RTT is not known yet', () => {
    const unknown = eModelMos({ codec: 'opus', lossPercent: 0, jitterMs: 2 });
    expect(unknown).toBe(eModelMos({ codec: 'opus', lossPercent: 0, jitterMs: 2, rttMs: DEFAULT_RTT_MS }));
    expect(unknown).toBeGreaterThanOrEqual(4.3);
  });

  it('reads codec names as getStats and SDP spell them, and treats unknown ones as G.711', () => {
    const at = (codec: string) => eModelMos({ codec, lossPercent: 3, jitterMs: 5, rttMs: 80 });
    expect(at('audio/opus')).toBe(at('opus'));
    expect(at('audio/PCMU')).toBe(at('pcmu'));
    expect(at('G722')).toBe(at('audio/G722'));
    expect(at('speex')).toBe(at('PCMA'));
  });

  it('stays within 1–4.5 whatever comes in', () => {
    expect(eModelMos({ codec: 'PCMU', lossPercent: 100, jitterMs: 500, rttMs: 3000, plc: false })).toBe(1);
    expect(eModelMos({ codec: 'opus', lossPercent: -5, jitterMs: -1, rttMs: 0 })).toBeLessThanOrEqual(4.5);
    expect(eModelMos({ codec: 'opus', lossPercent: Number.NaN, jitterMs: Number.NaN })).toBeGreaterThan(4.3);
    expect(mosFromR(-10)).toBe(1);
    expect(mosFromR(3)).toBe(1); // the polynomial dips just below 1 for tiny R
    expect(mosFromR(120)).toBe(4.5);
    expect(mosFromR(60)).toBeCloseTo(3.1, 10);
  });

  it('names levels after the G.109 satisfaction bands', () => {
    expect(qualityLevel(mosFromR(80))).toBe('good'); // 4.02
    expect(qualityLevel(mosFromR(75))).toBe('fair');
    expect(qualityLevel(mosFromR(70))).toBe('poor'); // 3.597, just under the 3.6 line
    expect(qualityLevel(3.6)).toBe('fair');
    expect(qualityLevel(4.0)).toBe('good');
  });
});

/** One call's media engine, one sample a second: 50 packets of 20 ms each, unless told otherwise. */
class Engine {
  at = 1_700_000_000_000;
  received = 0;
  lost = 0;
  bytes = 0;
  readonly meter = new QualityMeter();

  constructor(
    readonly codec = 'opus',
    readonly callId = 'call-1',
  ) {}

  sample(rttMs?: number, jitterMs = 2): MediaStatsSample {
    const s: MediaStatsSample = {
      callId: this.callId,
      at: this.at,
      packetsReceived: this.received,
      packetsLost: this.lost,
      bytesReceived: this.bytes,
      jitterMs,
      codec: this.codec,
    };
    if (rttMs !== undefined) s.rttMs = rttMs;
    return s;
  }

  start() {
    return this.meter.add(this.sample(20));
  }

  /** `rttMs: undefined` means RTCP has not reported one; left out, it is 20 ms. */
  second(opts: { received?: number; lost?: number; jitterMs?: number; rttMs?: number; held?: boolean } = {}) {
    const { received = 50, lost = 0, jitterMs = 2, held = false } = opts;
    const rttMs = 'rttMs' in opts ? opts.rttMs : 20;
    this.at += 1000;
    this.received += received;
    this.lost += lost;
    this.bytes += received * 160;
    return this.meter.add(this.sample(rttMs, jitterMs), { held });
  }
}

const LOSSY = { received: 48, lost: 2 }; // 4% of the second's packets
const warnings = (results: ReturnType<Engine['second']>[]) => results.map((q) => q?.warning);

describe('QualityMeter', () => {
  it('says nothing on the first sample, which has no previous one to compare with', () => {
    const engine = new Engine();
    expect(engine.start()).toBeUndefined();
    expect(engine.second()).toEqual({ mos: 4.39, level: 'good', jitterMs: 2, lossPercent: 0, rttMs: 20 });
  });

  it('takes loss as the lost share of the packets expected in the interval, not since the call began', () => {
    const engine = new Engine();
    engine.start();
    for (let i = 0; i < 5; i++) engine.second({ received: 1000 });
    // Cumulative counters are now 5000 / 0; this second: 48 received, 2 lost → 4%, and the
    // five-second window averages 4% with four clean seconds → 0.8%.
    expect(engine.second(LOSSY)?.lossPercent).toBe(0.8);
  });

  it('smooths the MOS over the last five seconds so that one bad second does not flip the indicator', () => {
    const engine = new Engine();
    engine.start();
    for (let i = 0; i < 4; i++) engine.second();
    const q = engine.second({ received: 45, lost: 5 }); // 10% in this second, 2% over the window
    expect(q?.lossPercent).toBe(2);
    expect(q?.mos).toBe(Math.round(eModelMos({ codec: 'opus', lossPercent: 2, jitterMs: 2, rttMs: 20 }) * 100) / 100);
    expect(q?.level).toBe('good');
    expect(q?.warning).toBeUndefined();
  });

  it('warns after 3 bad seconds of the last 5, not after 2, and clears once they age out', () => {
    const engine = new Engine();
    engine.start();
    const seen = [
      engine.second(),
      engine.second(),
      engine.second(LOSSY),
      engine.second(LOSSY), // 2 bad of 4
      engine.second(LOSSY), // 3 bad of 5
      engine.second(), //      [G B B B G]
      engine.second(), //      [B B B G G]
      engine.second(), //      [B B G G G]: only 2 left
    ];
    expect(warnings(seen)).toEqual([undefined, undefined, undefined, undefined, 'loss', 'loss', 'loss', undefined]);
  });

  it('counts bad seconds that are not consecutive', () => {
    const engine = new Engine();
    engine.start();
    const seen = [engine.second(LOSSY), engine.second(), engine.second(LOSSY), engine.second(), engine.second(LOSSY)];
    expect(warnings(seen)).toEqual([undefined, undefined, undefined, undefined, 'loss']);
  });

  it('does not call 1% loss bad: the line is more than 1%', () => {
    const engine = new Engine();
    engine.start();
    const seen = [1, 2, 3].map(() => engine.second({ received: 99, lost: 1 }));
    expect(warnings(seen)).toEqual([undefined, undefined, undefined]);
  });

  it('warns about jitter above 30 ms and a round trip above 400 ms', () => {
    const jittery = new Engine();
    jittery.start();
    expect(warnings([1, 2, 3].map(() => jittery.second({ jitterMs: 45 })))).toEqual([undefined, undefined, 'jitter']);

    const slow = new Engine();
    slow.start();
    const seen = [1, 2, 3].map(() => slow.second({ rttMs: 650 }));
    expect(warnings(seen)).toEqual([undefined, undefined, 'delay']);
    expect(seen[2]?.rttMs).toBe(650);
  });

  it('gives the most serious warning when several apply: no-audio, loss, jitter, delay', () => {
    const run = (second: Parameters<Engine['second']>[0]) => {
      const engine = new Engine();
      engine.start();
      return [1, 2, 3].map(() => engine.second(second)).at(-1)?.warning;
    };
    expect(run({ ...LOSSY, jitterMs: 45, rttMs: 650 })).toBe('loss');
    expect(run({ jitterMs: 45, rttMs: 650 })).toBe('jitter');
    expect(run({ rttMs: 650 })).toBe('delay');
    expect(run({ received: 0, lost: 0, jitterMs: 45, rttMs: 650 })).toBe('no-audio');
  });

  it('warns when no packets arrive, and rates the silence as poor', () => {
    const engine = new Engine();
    engine.start();
    engine.second();
    engine.second();
    // The receiver only counts a packet lost once a later one arrives: a dead stream shows 0 lost.
    const seen = [1, 2, 3].map(() => engine.second({ received: 0, lost: 0 }));
    expect(warnings(seen)).toEqual([undefined, undefined, 'no-audio']);
    expect(seen[2]?.level).toBe('poor');
    expect(seen[2]?.lossPercent).toBe(0);
  });

  it('expects no audio while the call is on hold', () => {
    const engine = new Engine();
    engine.start();
    engine.second({ jitterMs: 45 }); // a jittery moment just before the hold: the stat then freezes
    const seen = [1, 2, 3, 4, 5].map(() => engine.second({ received: 0, jitterMs: 45, held: true }));
    expect(warnings(seen)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(seen.at(-1)?.level).toBe('good');

    // Taken off hold and the audio does not come back: that is a warning again.
    const after = [1, 2, 3].map(() => engine.second({ received: 0, held: false }));
    expect(warnings(after)).toEqual([undefined, undefined, 'no-audio']);
  });

  it('keeps the quality of the line, not of the hold, in the MOS while held', () => {
    const engine = new Engine();
    engine.start();
    engine.second(LOSSY);
    engine.second(LOSSY);
    const q = [1, 2, 3].map(() => engine.second({ received: 0, held: true })).at(-1);
    // The two lossy seconds are the only ones that say anything: 4% loss.
    expect(q?.lossPercent).toBe(4);
  });

  it('takes a counter reset as a new baseline rather than a negative interval', () => {
    const engine = new Engine();
    engine.start();
    engine.second();
    engine.second({ received: 40, lost: 10 });
    // The media engine recreated its receiver: all counters start again from zero.
    engine.received = 0;
    engine.lost = 0;
    engine.bytes = 0;
    engine.at += 1000;
    expect(engine.meter.add(engine.sample())).toBeUndefined();
    const q = engine.second();
    expect(q?.warning).toBeUndefined();
    // Kept: the clean and the 20% seconds before the reset; added: one clean second after it.
    expect(q?.lossPercent).toBeCloseTo(20 / 3, 2);
  });

  it('ignores a lost count that goes down (late or duplicated packets)', () => {
    const engine = new Engine();
    engine.start();
    engine.second({ received: 45, lost: 5 });
    const q = engine.second({ received: 52, lost: -2 });
    // Second one: 10%; second two: nothing lost, not −4%.
    expect(q?.lossPercent).toBe(5);
  });

  it('ignores repeated or out-of-order samples and samples of another call', () => {
    const engine = new Engine();
    engine.start();
    engine.second();
    const stale = engine.sample();
    expect(engine.meter.add(stale)).toBeUndefined();
    expect(engine.meter.add({ ...stale, at: stale.at - 500 })).toBeUndefined();
    expect(engine.meter.add({ ...stale, callId: 'call-2', at: stale.at + 1000 })).toBeUndefined();
    expect(engine.second(LOSSY)?.lossPercent).toBe(2); // the baseline did not move
  });

  it('leaves RTT out until RTCP reports one, and then uses it', () => {
    const engine = new Engine();
    engine.start();
    const early = engine.second({ rttMs: undefined });
    expect(early).not.toHaveProperty('rttMs');
    expect(early?.mos).toBe(
      Math.round(eModelMos({ codec: 'opus', lossPercent: 0, jitterMs: 2, rttMs: DEFAULT_RTT_MS }) * 100) / 100,
    );
    expect(engine.second({ rttMs: 120 })?.rttMs).toBe(120);
  });

  it('rates by the codec the engine reports', () => {
    const mosAt = (codec: string) => {
      const engine = new Engine(codec);
      engine.start();
      return engine.second(LOSSY)?.mos;
    };
    const expected = (codec: string) =>
      Math.round(eModelMos({ codec, lossPercent: 4, jitterMs: 2, rttMs: 20 }) * 100) / 100;
    expect(mosAt('PCMU')).toBe(expected('PCMU'));
    expect(mosAt('opus')).toBe(expected('opus'));
  });
});
