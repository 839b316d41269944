/**
 * Live call quality for the agent's indicator: from the media engine's cumulative receive-side
 * counters, sampled about once a second, to an estimated MOS, a level and — when the line has
 * degraded for a while — the reason.
 *
 * Pure: no timers, no I/O, no clock. The caller feeds samples and shows what comes back.
 */

import type { CallQuality } from '../contract/calls.js';
import type { MediaStatsSample } from '../contract/messages.js';

export type { CallQuality, MediaStatsSample };
export type QualityLevel = CallQuality['level'];
export type QualityWarning = NonNullable<CallQuality['warning']>;

// ---- E-model ----------------------------------------------------------------------------------
//
// Sources:
// [G.107]  ITU-T G.107 (06/2015), "The E-model: a computational model for use in transmission
//          planning": R = Ro − Is − Id − Ie,eff + A (§7.1); Ie,eff (eq. 7-29); R → MOS (Annex B).
//          With every parameter at its default value the model gives R = 93.2, which stands here
//          for Ro − Is on a connection whose only impairments are the ones we measure.
// [C&R]    R. G. Cole, J. H. Rosenbluth, "Voice over IP performance monitoring", ACM SIGCOMM
//          Computer Communication Review 31(2), 2001: the fit Id = 0.024·d + 0.11·(d − 177.3)·H(d − 177.3)
//          of G.107's delay impairment for a connection with good echo control, d = one-way delay.
// [G.113]  ITU-T G.113 (11/2007), Appendix I: equipment impairment Ie (Table I.1) and packet-loss
//          robustness Bpl (Table I.3) for narrowband codecs; G.711 Ie = 0, Bpl = 4.3 without packet
//          loss concealment, 25.1 with the PLC of G.711 Appendix I (random loss).
// [G.109]  ITU-T G.109 (09/1999), Table 1: R ≥ 80 users satisfied, 70–80 some users dissatisfied,
//          60–70 many users dissatisfied, below 60 nearly all.
// [RFC6716] Opus: 20 ms frames plus 6.5 ms look-ahead (26.5 ms algorithmic delay at the default frame
//          size), and a decoder with built-in loss concealment (§4.4) and optional in-band FEC.

/** R with every G.107 parameter at its default value: Ro − Is for an otherwise clean connection [G.107]. */
export const R_DEFAULT = 93.2;

/**
 * Round-trip time assumed while RTCP has not yet reported one (the first seconds of a call):
 * a short in-country path, so that an unknown RTT neither flatters nor penalises the call.
 */
export const DEFAULT_RTT_MS = 50;

interface CodecProfile {
  /** Equipment impairment on the narrowband scale, no loss. */
  ie: number;
  /** Packet-loss robustness with loss concealment (what a WebRTC receiver always does). */
  bplWithPlc: number;
  /** Packet-loss robustness when lost packets are simply played as silence. */
  bplWithoutPlc: number;
  /** Packetisation and algorithmic delay in ms, added to the one-way delay. */
  delayMs: number;
}

/*
 * G.711 (PCMU, PCMA): straight from [G.113] Table I.1/I.3; 20 ms packets (the WebRTC ptime).
 *
 * G.722 and Opus have no values in G.113 Appendix I: it covers narrowband codecs only, and the
 * wideband Ie,wb values of G.113's later appendices belong to the wideband E-model (G.107.1, whose
 * scale goes to 129) and cannot be mixed into this narrowband one. So:
 *  - Ie = 0 for both. G.711 is the top of the narrowband scale and both codecs, at the bit rates
 *    WebRTC uses (G.722 64 kbit/s; Opus ~32 kbit/s wideband/fullband), are at least as good
 *    in quiet conditions; a narrowband model cannot credit them for more.
 *  - Bpl = 25.1, the G.711-with-PLC value, for both. G.722 gets PLC from G.722 Appendix III/IV or
 *    the receiver's jitter buffer; Opus's decoder always conceals (RFC 6716 §4.4) and may also have
 *    FEC, so it is at least as robust: 25.1 is the documented figure closest to that, and errs on
 *    the side of reporting a lossy line as worse rather than better. Opus cannot be "without PLC".
 *  - Delay: 20 ms packets; Opus adds its 6.5 ms look-ahead [RFC6716].
 * Unknown codecs are treated like G.711.
 */
const G711: CodecProfile = { ie: 0, bplWithPlc: 25.1, bplWithoutPlc: 4.3, delayMs: 20 };
const G722: CodecProfile = { ie: 0, bplWithPlc: 25.1, bplWithoutPlc: 4.3, delayMs: 20 };
const OPUS: CodecProfile = { ie: 0, bplWithPlc: 25.1, bplWithoutPlc: 25.1, delayMs: 26.5 };

function codecProfile(codec: string | undefined): CodecProfile {
  // getStats reports a mime type ("audio/opus"); SDP and the contract use the bare name.
  const name = (codec ?? '').toLowerCase().replace(/^audio\//, '');
  if (name === 'opus') return OPUS;
  if (name === 'g722') return G722;
  return G711;
}

export interface EModelInput {
  /** "opus", "PCMU", "PCMA", "G722", or a mime type such as "audio/opus"; unknown → G.711. */
  codec?: string;
  /** Packets lost, percent of those sent (0–100). */
  lossPercent: number;
  /** Interarrival jitter, ms. */
  jitterMs: number;
  /** Round-trip time, ms; unknown → DEFAULT_RTT_MS. */
  rttMs?: number;
  /**
   * Whether the receiver conceals lost packets. WebRTC's jitter buffer does so for every codec,
   * so the default is true; false models a receiver that plays lost G.711 packets as silence.
   */
  plc?: boolean;
}

const finiteOr = (value: number | undefined, fallback: number): number =>
  value !== undefined && Number.isFinite(value) ? value : fallback;

/** The transmission rating R of [G.107], simplified as in [C&R]. */
export function eModelR({ codec, lossPercent, jitterMs, rttMs, plc = true }: EModelInput): number {
  const profile = codecProfile(codec);
  const rtt = Math.max(0, finiteOr(rttMs, DEFAULT_RTT_MS));
  const jitter = Math.max(0, finiteOr(jitterMs, 0));
  const ppl = Math.min(100, Math.max(0, finiteOr(lossPercent, 0)));

  // One-way mouth-to-ear delay: half the round trip, a jitter buffer of about twice the jitter,
  // and the codec's packetisation and look-ahead.
  const d = rtt / 2 + 2 * jitter + profile.delayMs;
  const id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);

  // Effective equipment impairment under random loss (BurstR = 1; cumulative counters cannot tell
  // bursts apart) [G.107 eq. 7-29].
  const burstR = 1;
  const bpl = plc ? profile.bplWithPlc : profile.bplWithoutPlc;
  const ieEff = profile.ie + ((95 - profile.ie) * ppl) / (ppl / burstR + bpl);

  // Advantage factor A = 0: a desk phone user expects wired quality [G.107 Table 2].
  const advantage = 0;
  return R_DEFAULT - id - ieEff + advantage;
}

/** R → MOS (conversational quality estimate) [G.107 Annex B], clamped to 1–4.5. */
export function mosFromR(r: number): number {
  if (!(r > 0)) return 1;
  if (r >= 100) return 4.5;
  const mos = 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
  return Math.min(4.5, Math.max(1, mos));
}

/** Estimated MOS (1–4.5) of a call with the given codec, loss, jitter and round trip. */
export function eModelMos(input: EModelInput): number {
  return mosFromR(eModelR(input));
}

/*
 * Levels, after [G.109]'s user-satisfaction bands: good from R ≈ 80 ("users satisfied",
 * MOS(80) = 4.02 → 4.0), fair from R = 70 (the lower bound of "some users dissatisfied", the
 * usual "toll quality" line; MOS(70) = 3.597 → 3.6), poor below, where many users are dissatisfied.
 * Stricter than the MOS 3.1 (R = 60) sometimes used as the fair/poor line, because a customer
 * who strains to hear an agent is already a problem in a contact centre.
 */
export const GOOD_MOS = 4.0;
export const FAIR_MOS = 3.6;

export function qualityLevel(mos: number): QualityLevel {
  if (mos >= GOOD_MOS) return 'good';
  if (mos >= FAIR_MOS) return 'fair';
  return 'poor';
}

// ---- Per-call meter ---------------------------------------------------------------------------

/** Seconds of history the MOS and the warnings look at. */
export const QUALITY_WINDOW = 5;
/** How many of those seconds must be bad for a warning. */
export const WARN_AFTER = 3;
/**
 * What makes one second bad. RTT above 400 ms means more than 200 ms one way, past the 177.3 ms
 * knee of the delay impairment [C&R] and well past G.114's 150 ms for interactive speech.
 */
export const BAD_SECOND = { lossPercent: 1, jitterMs: 30, rttMs: 400 } as const;

const WARNING_PRIORITY: readonly QualityWarning[] = ['no-audio', 'loss', 'jitter', 'delay'];

/** One interval between two samples ("a second"). */
interface Interval {
  /** Lost of expected packets in this interval, percent, from the counters. */
  lossPercent: number;
  jitterMs: number;
  rttMs: number | undefined;
  /** Nothing arrived although the call was not on hold. */
  silent: boolean;
  /** Nothing arrived and the call was on hold: nothing was expected. */
  idle: boolean;
}

export interface QualityContext {
  /** The call is on hold (either side): no audio is expected, so its absence is not a warning. */
  held?: boolean;
}

const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

const mean = (values: number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;

function usable(sample: MediaStatsSample): boolean {
  return [sample.at, sample.packetsReceived, sample.packetsLost, sample.bytesReceived].every(Number.isFinite);
}

/**
 * Call quality of one call, from its stream of cumulative counters. Create one per call and give
 * it every sample of that call, in order; each `add` returns the quality over the last
 * QUALITY_WINDOW seconds, or undefined when there is nothing new to say:
 *  - the first sample (a baseline: counters only mean something as differences);
 *  - a sample of another call, a stale or repeated one (time not after the previous sample), or
 *    one with non-numeric counters: ignored, the baseline stays;
 *  - a counter reset (packets or bytes received went down: the engine recreated its receiver):
 *    the sample becomes the new baseline, the seconds measured before it are kept.
 */
export class QualityMeter {
  #callId: string | undefined;
  #previous: MediaStatsSample | undefined;
  #codec: string | undefined;
  readonly #window: Interval[] = [];

  add(sample: MediaStatsSample, context: QualityContext = {}): CallQuality | undefined {
    if (!usable(sample)) return undefined;
    this.#callId ??= sample.callId;
    if (sample.callId !== this.#callId) return undefined;

    const previous = this.#previous;
    if (previous !== undefined && sample.at <= previous.at) return undefined;
    this.#previous = sample;
    if (sample.codec) this.#codec = sample.codec;
    if (previous === undefined) return undefined;

    const received = sample.packetsReceived - previous.packetsReceived;
    if (received < 0 || sample.bytesReceived < previous.bytesReceived) return undefined;
    // The cumulative lost count goes down when late or duplicated packets turn up after being
    // counted as lost (RFC 3550 §6.4.1; webrtc-stats: packetsLost may even be negative).
    const lost = Math.max(0, sample.packetsLost - previous.packetsLost);
    const expected = received + lost;
    const nothing = received === 0;
    const held = context.held === true;

    this.#window.push({
      lossPercent: expected > 0 ? (100 * lost) / expected : 0,
      jitterMs: Math.max(0, finiteOr(sample.jitterMs, 0)),
      rttMs: sample.rttMs !== undefined && Number.isFinite(sample.rttMs) ? Math.max(0, sample.rttMs) : undefined,
      silent: nothing && !held,
      idle: nothing && held,
    });
    if (this.#window.length > QUALITY_WINDOW) this.#window.shift();
    return this.#quality();
  }

  #quality(): CallQuality {
    const window = this.#window;
    // Held seconds with no audio say nothing about the line. Unexpected silence is the worst
    // audio there is: for the MOS it counts as total loss (the counters themselves show none,
    // as the receiver only counts a packet lost when a later one arrives).
    const measured = window.filter((s) => !s.idle);
    const basis = measured.length > 0 ? measured : window;
    const lossForMos = mean(basis.map((s) => (s.silent ? 100 : s.lossPercent)));
    const lossPercent = mean(basis.map((s) => s.lossPercent));
    const jitterMs = mean(basis.map((s) => s.jitterMs));
    const rtts = basis.flatMap((s) => (s.rttMs === undefined ? [] : [s.rttMs]));
    const rttMs = rtts.length > 0 ? mean(rtts) : undefined;

    const mos = round(eModelMos({ codec: this.#codec, lossPercent: lossForMos, jitterMs, rttMs }), 2);
    const quality: CallQuality = {
      mos,
      level: qualityLevel(mos),
      jitterMs: round(jitterMs, 1),
      lossPercent: round(lossPercent, 2),
    };
    if (rttMs !== undefined) quality.rttMs = Math.round(rttMs);
    const warning = this.#warning();
    if (warning !== undefined) quality.warning = warning;
    return quality;
  }

  /** The most serious condition that held in WARN_AFTER of the last QUALITY_WINDOW seconds. */
  #warning(): QualityWarning | undefined {
    const bad: Record<QualityWarning, (s: Interval) => boolean> = {
      'no-audio': (s) => s.silent,
      loss: (s) => !s.idle && s.lossPercent > BAD_SECOND.lossPercent,
      jitter: (s) => !s.idle && s.jitterMs > BAD_SECOND.jitterMs,
      delay: (s) => !s.idle && s.rttMs !== undefined && s.rttMs > BAD_SECOND.rttMs,
    };
    return WARNING_PRIORITY.find((kind) => this.#window.filter(bad[kind]).length >= WARN_AFTER);
  }
}
