import {
  Invitation,
  Inviter,
  SessionState,
  UserAgent,
  type Notification,
  type Session,
  type SessionDescriptionHandler,
  type URI,
} from 'sip.js';
import type { IncomingResponse } from 'sip.js/lib/core/messages/incoming-response.js';
import type { Call, CallEndCause, CallQuality } from '../contract/calls.js';
import type { CommandResult, MediaStatsSample } from '../contract/messages.js';
import type { Settings } from '../contract/settings.js';
import type { Logger } from '../log/logger.js';
import {
  audioDirection,
  MediaUnavailableError,
  ProxiedSessionDescriptionHandler,
  type MediaPort,
  type ProxiedDescriptionOptions,
} from './media.js';
import { autoAnswerDelay } from './auto-answer.js';
import { acknowledgeAgain, forgetUnacknowledgedAnswer, interruptOwnReinvite } from './flow-repair.js';
import { offerProblem } from './offer.js';
import { QualityMeter } from './quality.js';
import { dialTarget } from './target.js';

/** How long a transfer may wait for the far end's final word (the target ringing, then answering). */
const TRANSFER_TIMEOUT_MS = 60_000;
/** After an attended transfer, how long the target may take to end our consultation leg itself. */
const REPLACED_LEG_GRACE_MS = 3_000;
/** How long a hold or resume keeps trying while the far end is busy with its own offer (491). */
const HOLD_RETRY_MS = 10_000;
/**
 * How long the recovery re-INVITE keeps trying while the far end is busy with an INVITE of its own
 * that the cut interrupted: past its timer B (32 s), when it must have given that one up.
 */
const RECOVERY_RETRY_MS = 35_000;

/**
 * How a re-INVITE ended: the far end took it; it refused it; or the connection broke under it (or
 * it could not be sent for want of one), and the call's recovery re-INVITE takes its place.
 */
type ReinviteOutcome = 'accepted' | 'rejected' | 'interrupted';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

interface LiveCall {
  call: Call;
  session: Session;
  /** What ended it, decided when we learn it (a CANCEL, a 486, our own hang-up), applied on Terminated. */
  pendingEnd?: Call['end'];
  quality?: QualityMeter;
  qualityTotals?: { sum: number; count: number; lowest: number; warnings: Set<NonNullable<CallQuality['warning']>> };
  autoAnswerTimer?: ReturnType<typeof setTimeout>;
  /** The hold the agent asked for last: what the next re-INVITE offers, the recovery one included. */
  wantHold: boolean;
  /** The call's re-INVITEs, one after the other: sip.js refuses a second while one is pending. */
  reinvites: Promise<unknown>;
  /** The connection broke: true once the call is on the new one, false if it ended first. */
  recovery?: Deferred<boolean>;
  /** Our re-INVITEs (CSeq) whose 200 OK a broken connection may have lost: ACKed again over the new one. */
  unacknowledged: Set<number>;
}

export interface PhoneOptions {
  media: MediaPort;
  logger: Logger;
  /** The SIP domain numbers are dialled in, and the region numbers are read in. */
  dialPlan: () => { domain: string; defaultRegion: string };
  /** The agent's call settings as they are now (decline code, call waiting, auto-answer). */
  settings: () => Settings['calls'];
  onChange: (calls: Call[]) => void;
  /** A call ended: for the recent-calls list. */
  onEnded?: (call: Call) => void;
  /**
   * Asked for each new incoming call: a reason to refuse it with 486 (the agent is not available
   * and the policy says so), or undefined to let it ring.
   */
  refuseIncoming?: (call: Call) => string | undefined;
  /** How long calls wait for a broken connection to come back before they end (default 45 s). */
  recoveryMs?: number;
  now?: () => number;
}

const fail = (message: string): CommandResult => ({ ok: false, error: { code: 'invalid', message } });

/** What a final failure response to our INVITE means for the agent. */
export function causeOfRejection(statusCode: number): CallEndCause {
  if (statusCode === 486 || statusCode === 600) return 'busy';
  if (statusCode === 404 || statusCode === 604 || statusCode === 484) return 'not-found';
  if (statusCode === 480 || statusCode === 410) return 'unavailable';
  if (statusCode === 408) return 'no-answer';
  if (statusCode === 487) return 'cancelled';
  if (statusCode === 603) return 'rejected';
  return 'failed';
}

/**
 * The agent's calls: places and takes them on the line's UserAgent, keeps each one's state in
 * the contract's terms, and gives sip.js a SessionDescriptionHandler that forwards the media
 * work to the renderer. The UI sees only `Call` snapshots.
 */
export class Phone {
  private readonly live = new Map<string, LiveCall>();
  private lastEnded: Call | undefined;
  private ua: UserAgent | undefined;
  private readonly now: () => number;
  private readonly recoveryMs: number;
  private recoveryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Between transportLost() and transportRestored(): no SIP request can leave. */
  private offline = false;

  constructor(private readonly options: PhoneOptions) {
    this.now = options.now ?? Date.now;
    this.recoveryMs = options.recoveryMs ?? 45_000;
  }

  /** The factory sip.js calls for each session's media. */
  readonly sessionDescriptionHandlerFactory = (session: Session): SessionDescriptionHandler =>
    new ProxiedSessionDescriptionHandler(session.id, this.options.media, (sdp, type) => {
      // The far end's offer says whether it holds us (sendonly or inactive towards us), and so does
      // its answer to a re-INVITE of ours: after a recovery, the hold it kept or the hold the cut
      // cut short. (Not the early answer of a call being set up: an announcement may be sendonly.)
      const direction = audioDirection(sdp);
      this.update(session.id, (call) => {
        if (type === 'answer' && call.state !== 'active') return;
        call.hold.remote = direction === 'sendonly' || direction === 'inactive';
      });
    });

  /** The line's current UserAgent (a new one after each reconnection), or none while unregistered. */
  attach(ua: UserAgent | undefined): void {
    this.ua = ua;
    // Registered: requests can leave again (transportRestored() follows when it is the same UserAgent).
    if (ua) this.offline = false;
  }

  calls(): Call[] {
    const calls = [...this.live.values()].map((entry) => entry.call);
    return this.lastEnded ? [...calls, this.lastEnded] : calls;
  }

  /**
   * The connection to the PBX is gone: whatever ends now ended because of the network. Calls stay
   * up (their audio does not go through the PBX's signalling) while the line reconnects, for a
   * bounded time; then they end as "network", since nobody could reach us to end them.
   *
   * A re-INVITE of ours still waiting for its answer (a hold pressed as the line died) can get none
   * now: it is given up at once, so that it does not stand in the way of the recovery re-INVITE,
   * which carries the hold the agent asked for instead.
   */
  transportLost(): void {
    this.offline = true;
    for (const entry of this.live.values()) {
      entry.pendingEnd ??= { cause: 'network' };
      // A call not yet answered cannot be saved: the CANCEL or the 200 OK that would settle it can
      // no longer reach us, and a call that rings forever would be worse. The PBX routes it again.
      if (entry.session.state !== SessionState.Established) {
        void entry.session.dispose().catch(() => undefined);
        continue;
      }
      entry.recovery ??= deferred();
      const cseq = interruptOwnReinvite(entry.session);
      if (cseq !== undefined) entry.unacknowledged.add(cseq);
    }
    if (this.live.size === 0 || this.recoveryTimer) return;
    this.recoveryTimer = setTimeout(() => {
      this.recoveryTimer = undefined;
      for (const entry of this.live.values()) {
        this.options.logger.warn({ callId: entry.call.id }, 'the line did not come back in time: ending the call');
        entry.pendingEnd = { cause: 'network', detail: 'the connection to the phone server did not come back' };
        void entry.session.dispose().catch(() => undefined);
      }
    }, this.recoveryMs);
  }

  /**
   * A new connection is registered on the same UserAgent: each call in progress sends a re-INVITE
   * over it (with an ICE restart, as after any network change), which moves the dialog's route to
   * the new flow so the other side's BYE, hold or transfer reaches us again. It offers the hold the
   * agent asked for last, so a hold whose own re-INVITE the cut swallowed takes effect now. A call
   * whose re-INVITE fails is ended: it could no longer be ended or transferred by the other side.
   */
  transportRestored(): void {
    this.offline = false;
    clearTimeout(this.recoveryTimer);
    this.recoveryTimer = undefined;
    for (const entry of this.live.values()) {
      if (entry.pendingEnd?.cause === 'network') delete entry.pendingEnd;
      if (entry.session.state !== SessionState.Established) continue;
      void this.serially(entry, async () => {
        // A 200 OK the cut may have swallowed: the far end waits for its ACK before it takes another offer.
        const unacknowledged = [...entry.unacknowledged];
        for (const cseq of unacknowledged) await acknowledgeAgain(entry.session, cseq).catch(() => undefined);
        const outcome = await this.reinvite(
          entry,
          { hold: entry.wantHold, offerOptions: { iceRestart: true } },
          RECOVERY_RETRY_MS,
        );
        // Those ACKs may have gone down with the new connection too: then they go again next time.
        if (outcome !== 'interrupted') for (const cseq of unacknowledged) entry.unacknowledged.delete(cseq);
        return outcome;
      }).then((outcome) => {
        // Cut again before it was answered: the next restoration tries again.
        if (outcome === 'interrupted' && this.live.has(entry.call.id)) return;
        entry.recovery?.resolve(outcome === 'accepted');
        delete entry.recovery;
        if (outcome === 'accepted' || !this.live.has(entry.call.id)) return;
        this.options.logger.warn({ callId: entry.call.id }, 'the call could not be moved to the new connection');
        entry.pendingEnd = { cause: 'network', detail: 'the call could not be recovered after the connection broke' };
        void entry.session.bye().catch(() => entry.session.dispose());
      });
    }
  }

  /** Runs `job` once the call's earlier re-INVITEs are done. */
  private serially<T>(entry: LiveCall, job: () => Promise<T>): Promise<T> {
    const run = entry.reinvites.then(job, job);
    entry.reinvites = run.catch(() => undefined);
    return run;
  }

  /**
   * Sends a re-INVITE with these media options and says how it ended. Accepted, the far end has the
   * hold it offered, and so does the call. A 491 (the far end is in the middle of its own offer) is
   * tried again after a random pause, as RFC 3261 §14.1 says, and so is a 500 with Retry-After
   * (§14.2: it was still answering an INVITE of ours, or waiting for an ACK) and a dialog that sip.js
   * says is busy, for up to `retryMs`.
   */
  private async reinvite(
    entry: LiveCall,
    options: ProxiedDescriptionOptions,
    retryMs: number,
  ): Promise<ReinviteOutcome> {
    const giveUpAt = this.now() + retryMs;
    for (;;) {
      const recovering = options.offerOptions?.iceRestart === true;
      // The far end's re-INVITE that we answered over the dead connection: its ACK cannot come.
      if (recovering) forgetUnacknowledgedAnswer(entry.session);
      entry.session.sessionDescriptionHandlerOptionsReInvite = options;
      const answer = await new Promise<{ status: number; retryAfter?: string; busy?: boolean; local?: boolean }>(
        (resolve) => {
          entry.session
            .invite({
              requestDelegate: {
                onAccept: () => resolve({ status: 200 }),
                onReject: (response) =>
                  resolve({
                    status: response.message.statusCode ?? 500,
                    retryAfter: response.message.getHeader('retry-after'),
                    // sip.js's own 503 for a transport error, or 408 for no answer at all.
                    local: !response.message.callId,
                  }),
              },
            })
            .catch((error: Error) =>
              resolve({ status: 0, busy: /in progress|ongoing re-INVITE/i.test(error.message ?? '') }),
            );
        },
      );
      if (answer.status === 200) {
        const { hold } = options;
        if (hold !== undefined) this.update(entry.call.id, (call) => void (call.hold.local = hold));
        return 'accepted';
      }
      // The connection broke under it (the line may even be back already): the recovery takes over.
      if (this.offline || (answer.local && answer.status === 503 && entry.recovery)) return 'interrupted';
      if (entry.session.state !== SessionState.Established) return 'rejected';
      const wait =
        answer.status === 491 || answer.busy
          ? 500 + Math.random() * 1500
          : answer.status === 500 && answer.retryAfter
            ? Math.min(Number.parseInt(answer.retryAfter, 10) || 1, 10) * 1000
            : undefined;
      if (wait === undefined || this.now() + wait > giveUpAt) return 'rejected';
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  // ---- incoming ---------------------------------------------------------------------------------

  receive(invitation: Invitation): void {
    const identity = invitation.remoteIdentity;
    const others = [...this.live.values()];
    const call = this.track(
      invitation,
      'in',
      assertedIdentity(invitation) ?? {
        number: identity.uri.user ?? identity.uri.toString(),
        displayName: identity.displayName || undefined,
        uri: identity.uri.toString(),
      },
    );
    call.call.called = calledLine(invitation);
    call.call.state = 'ringing-in';
    invitation.delegate = {
      onCancel: () => {
        call.pendingEnd ??= { cause: 'missed' };
      },
    };
    const refuse = (end: NonNullable<Call['end']>, statusCode: number, extraHeaders?: string[]) => {
      call.pendingEnd = end;
      void invitation.reject({ statusCode, extraHeaders }).catch(() => undefined);
    };
    const settings = this.options.settings();
    const problem = offerProblem(invitation.body);
    const replaced = others.find((other) => other.session === invitation._replacee);
    let notAvailable: string | undefined;
    if (!this.options.media.available()) {
      // Nobody can hear the caller: tell the PBX we cannot take it (480), and keep it as missed.
      refuse({ cause: 'media-failed', detail: 'no window with a microphone was open' }, 480);
    } else if (problem) {
      // RFC 3261 §13.3.1.1: an offer we cannot answer gets 488, with a warning that says why (RFC 3261 §20.43).
      refuse({ cause: 'incompatible', code: 488, detail: problem }, 488, [
        'Warning: 305 headset-softphone "Incompatible media format"',
      ]);
    } else if (replaced) {
      // We are the target of an attended transfer (RFC 3891): the new caller takes the place of a
      // call the agent already has, with no ringing.
      this.emit();
      void this.answer(call.call.id).then((result) => {
        if (!result.ok) return;
        replaced.pendingEnd = { cause: 'replaced' };
        void replaced.session.bye().catch(() => undefined);
      });
      return;
    } else if (others.length > 0 && settings.callWaiting === 'decline') {
      refuse({ cause: 'auto-declined' }, 486);
    } else if ((notAvailable = this.options.refuseIncoming?.(structuredClone(call.call)))) {
      refuse({ cause: 'auto-declined', detail: notAvailable }, 486);
    } else {
      const delay = settings.autoAnswer
        ? autoAnswerDelay({
            callInfo: invitation.request.getHeaders('call-info'),
            alertInfo: invitation.request.getHeaders('alert-info'),
          })
        : undefined;
      // Never on top of another call: the agent decides about a waiting call.
      if (delay !== undefined && others.length === 0) {
        call.autoAnswerTimer = setTimeout(() => {
          call.call.autoAnswered = true;
          void this.answer(call.call.id);
        }, delay * 1000);
      }
    }
    // A call refused on arrival never rings: the UI sees it only once it has ended.
    if (call.pendingEnd) return;
    this.emit();
    // While it rings, the page opens the microphone and the connection, so answering is quicker.
    void this.options.media.request({ op: 'prepare', callId: call.call.id }).catch(() => undefined);
  }

  async answer(callId: string): Promise<CommandResult> {
    const entry = this.live.get(callId);
    if (!entry || !(entry.session instanceof Invitation) || entry.call.state !== 'ringing-in')
      return fail('call-not-ringing');
    clearTimeout(entry.autoAnswerTimer);
    // Call waiting: the call in progress waits on hold while the agent takes the new one.
    for (const other of this.live.values()) {
      if (other === entry || other.session.state !== SessionState.Established || other.call.hold.local) continue;
      const held = await this.hold(other.call.id, true);
      if (!held.ok) this.options.logger.warn({ callId: other.call.id }, 'could not hold the call in progress');
    }
    try {
      await entry.session.accept();
      return { ok: true };
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not answer the call');
      entry.pendingEnd = { cause: 'media-failed', detail: (error as Error).message };
      if (entry.session.state === SessionState.Initial || entry.session.state === SessionState.Establishing) {
        await entry.session.reject({ statusCode: 480 }).catch(() => undefined);
      }
      this.settle(entry);
      return { ok: false, error: { code: 'internal', message: 'media-failed' } };
    }
  }

  async decline(callId: string): Promise<CommandResult> {
    const entry = this.live.get(callId);
    if (!entry || !(entry.session instanceof Invitation) || entry.call.state !== 'ringing-in')
      return fail('call-not-ringing');
    clearTimeout(entry.autoAnswerTimer);
    const statusCode = this.options.settings().declineCode;
    entry.pendingEnd = { cause: 'declined', code: statusCode };
    await entry.session.reject({ statusCode }).catch(() => undefined);
    return { ok: true };
  }

  // ---- outgoing ---------------------------------------------------------------------------------

  async dial(input: string, options: { consultFor?: string } = {}): Promise<CommandResult> {
    const target = dialTarget(input, this.options.dialPlan());
    if (!target) return fail('invalid-number');
    const ua = this.ua;
    if (!ua) return fail('line-not-ready');
    const uri = UserAgent.makeURI(target.uri);
    if (!uri) return fail('invalid-number');
    const inviter = new Inviter(ua, uri, { earlyMedia: true });
    const entry = this.track(inviter, 'out', { number: target.number, uri: target.uri });
    if (options.consultFor) entry.call.consultFor = options.consultFor;
    this.emit();
    if (!this.options.media.available()) {
      // No INVITE goes out when nobody could hear it.
      entry.pendingEnd = { cause: 'media-failed', detail: 'no window with a microphone was open' };
      await inviter.dispose().catch(() => undefined);
      this.settle(entry);
      return { ok: true, value: { callId: entry.call.id } };
    }
    try {
      await inviter.invite({
        requestDelegate: {
          onProgress: (response: IncomingResponse) => {
            const code = response.message.statusCode ?? 0;
            // 183 with a description: the far end plays its own audio (an announcement, its
            // ringback); sip.js has handed that description to the media engine already.
            const early = code === 183 && Boolean(response.message.body);
            this.update(entry.call.id, (call) => {
              if (early && call.state !== 'active') call.state = 'early-media';
              else if (code >= 180 && call.state === 'dialling') call.state = 'ringing-out';
            });
          },
          onReject: (response: IncomingResponse) => {
            const { statusCode = 0, reasonPhrase } = response.message;
            entry.pendingEnd ??= { cause: causeOfRejection(statusCode), code: statusCode, phrase: reasonPhrase };
          },
        },
      });
    } catch (error) {
      const mediaFailed = error instanceof MediaUnavailableError || /media/i.test((error as Error).message);
      entry.pendingEnd ??= { cause: mediaFailed ? 'media-failed' : 'failed', detail: (error as Error).message };
      this.options.logger.warn({ err: error }, 'the call could not be placed');
      await inviter.dispose().catch(() => undefined);
      this.settle(entry);
    }
    return { ok: true, value: { callId: entry.call.id } };
  }

  // ---- during the call --------------------------------------------------------------------------

  async hangup(callId: string): Promise<CommandResult> {
    const entry = this.live.get(callId);
    if (!entry) return fail('no-such-call');
    const { session } = entry;
    if (session.state === SessionState.Established) {
      entry.pendingEnd ??= { cause: 'local-hangup' };
      await session.bye().catch(() => undefined);
    } else if (session instanceof Inviter) {
      entry.pendingEnd ??= { cause: 'cancelled' };
      await session.cancel().catch(() => undefined);
    } else if (session instanceof Invitation) {
      return this.decline(callId);
    }
    return { ok: true };
  }

  /**
   * Holds or resumes. Pressed while the connection is down, or cut in the middle, the hold waits for
   * the call's recovery, whose re-INVITE carries it; the answer says what the far end has then.
   */
  async hold(callId: string, hold: boolean): Promise<CommandResult> {
    const entry = this.live.get(callId);
    if (!entry || entry.session.state !== SessionState.Established) return fail('call-not-active');
    entry.wantHold = hold;
    for (;;) {
      if (entry.recovery && !(await entry.recovery.promise)) break;
      const outcome = await this.serially(entry, async (): Promise<ReinviteOutcome | 'superseded'> => {
        if (entry.wantHold !== hold) return 'superseded';
        if (entry.call.hold.local === hold) return 'accepted';
        if (!this.live.has(callId) || entry.session.state !== SessionState.Established) return 'rejected';
        return this.reinvite(entry, { hold }, HOLD_RETRY_MS);
      });
      // The agent pressed again meanwhile: that press has the last word.
      if (outcome === 'superseded') return { ok: true };
      if (outcome !== 'interrupted' || !entry.recovery) break;
    }
    if (!this.live.has(callId)) return fail('call-not-active');
    if (entry.call.hold.local === hold) return { ok: true };
    if (entry.wantHold === hold) entry.wantHold = entry.call.hold.local;
    return { ok: false, error: { code: 'internal', message: hold ? 'hold-failed' : 'resume-failed' } };
  }

  async mute(callId: string, muted: boolean): Promise<CommandResult> {
    const entry = this.live.get(callId);
    if (!entry) return fail('no-such-call');
    await this.options.media.request({ op: 'mute', callId, muted });
    this.update(callId, (call) => void (call.muted = muted));
    return { ok: true };
  }

  /** RFC 4733 through the media engine, or one SIP INFO per tone where the PBX wants that. */
  async dtmf(callId: string, tones: string, method: 'rfc4733' | 'info'): Promise<CommandResult> {
    const entry = this.live.get(callId);
    if (!entry || entry.session.state !== SessionState.Established) return fail('call-not-active');
    if (method === 'rfc4733') {
      const sent = entry.session.sessionDescriptionHandler?.sendDtmf(tones) ?? false;
      return sent ? { ok: true } : { ok: false, error: { code: 'internal', message: 'dtmf-failed' } };
    }
    for (const tone of tones) {
      const body = {
        contentDisposition: 'render',
        contentType: 'application/dtmf-relay',
        content: `Signal=${tone}\r\nDuration=160`,
      };
      await entry.session.info({ requestOptions: { body } });
    }
    return { ok: true };
  }

  // ---- transfer ---------------------------------------------------------------------------------

  /** Blind transfer: the customer is asked (REFER) to call the target; our leg ends when that worked. */
  async transfer(callId: string, input: string): Promise<CommandResult> {
    const entry = this.live.get(callId);
    if (!entry || entry.session.state !== SessionState.Established) return fail('call-not-active');
    if (entry.call.transfer && entry.call.transfer.state !== 'failed') return fail('transfer-in-progress');
    const target = dialTarget(input, this.options.dialPlan());
    const uri = target && UserAgent.makeURI(target.uri);
    if (!target || !uri) return fail('invalid-number');
    this.update(
      callId,
      (call) => void (call.transfer = { kind: 'blind', target: target.number, state: 'transferring' }),
    );
    this.refer(entry, uri);
    return { ok: true };
  }

  /** Attended transfer, first step: the customer waits on hold while the agent calls the target. */
  async consult(callId: string, input: string): Promise<CommandResult> {
    const entry = this.live.get(callId);
    if (!entry || entry.session.state !== SessionState.Established || entry.call.consultFor)
      return fail('call-not-active');
    if (entry.call.transfer && entry.call.transfer.state !== 'failed') return fail('transfer-in-progress');
    const target = dialTarget(input, this.options.dialPlan());
    if (!target) return fail('invalid-number');
    const held = await this.hold(callId, true);
    if (!held.ok) return held;
    const dialled = await this.dial(input, { consultFor: callId });
    const consultCallId = (dialled.ok && (dialled.value as { callId?: string } | undefined)?.callId) || undefined;
    if (!consultCallId) return dialled;
    this.update(callId, (call) => {
      call.transfer = { kind: 'attended', target: target.number, state: 'consulting', consultCallId };
    });
    return { ok: true, value: { callId: consultCallId } };
  }

  /** Attended transfer, last step: the customer calls the target in place of our consultation (REFER with Replaces). */
  async completeTransfer(callId: string): Promise<CommandResult> {
    const entry = this.live.get(callId);
    const transfer = entry?.call.transfer;
    if (!entry || transfer?.kind !== 'attended' || !transfer.consultCallId) return fail('no-transfer');
    const consult = this.live.get(transfer.consultCallId);
    if (!consult || consult.session.state !== SessionState.Established) return fail('target-not-answered');
    if (entry.session.state !== SessionState.Established) return fail('call-not-active');
    this.update(callId, (call) => void (call.transfer = { ...transfer, state: 'transferring' }));
    this.refer(entry, consult.session, consult);
    return { ok: true };
  }

  /** Gives up the attended transfer: the consultation ends and the customer is back with the agent. */
  async abandonTransfer(callId: string): Promise<CommandResult> {
    const entry = this.live.get(callId);
    const transfer = entry?.call.transfer;
    if (!entry || !transfer) return fail('no-transfer');
    const consult = transfer.consultCallId ? this.live.get(transfer.consultCallId) : undefined;
    this.update(callId, (call) => void delete call.transfer);
    if (consult) await this.hangup(consult.call.id);
    return entry.call.hold.local ? this.hold(callId, false) : { ok: true };
  }

  /** The handover note, kept with the customer's call (also when written on the consultation). */
  note(callId: string, note: string): CommandResult {
    const entry = this.live.get(callId);
    if (!entry) return fail('no-such-call');
    const owner = (entry.call.consultFor && this.live.get(entry.call.consultFor)) || entry;
    this.update(owner.call.id, (call) => void (call.handoverNote = note));
    return { ok: true };
  }

  /**
   * Sends the REFER and follows its progress (RFC 3515 NOTIFYs with a sipfrag). When the far end
   * reports success our leg ends as "transferred"; on failure the customer stays with the agent.
   */
  private refer(entry: LiveCall, referTo: URI | Session, consult?: LiveCall): void {
    let settled = false;
    const finish = (ok: boolean, code?: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!this.live.has(entry.call.id)) return;
      if (!ok) {
        this.options.logger.info({ callId: entry.call.id, code }, 'the transfer did not go through');
        this.update(entry.call.id, (call) => {
          if (call.transfer) call.transfer = { ...call.transfer, state: 'failed', code };
        });
        return;
      }
      entry.pendingEnd = { cause: 'transferred' };
      void entry.session.bye().catch(() => undefined);
      if (consult) {
        consult.pendingEnd = { cause: 'transferred' };
        // The target ends our consultation leg itself when the Replaces takes effect; if not, we do.
        setTimeout(() => {
          if (consult.session.state === SessionState.Established) void consult.session.bye().catch(() => undefined);
        }, REPLACED_LEG_GRACE_MS);
      }
    };
    const timer = setTimeout(() => finish(false, 408), TRANSFER_TIMEOUT_MS);
    entry.session
      .refer(referTo, {
        requestDelegate: { onReject: (response) => finish(false, response.message.statusCode) },
        onNotify: (notification: Notification) => {
          notification.accept().catch(() => undefined);
          const code = Number(/^SIP\/2\.0 (\d{3})/m.exec(notification.request.body ?? '')?.[1] ?? 0);
          if (code >= 200 && code < 300) finish(true);
          else if (code >= 300) finish(false, code);
        },
      })
      .catch(() => finish(false));
  }

  // ---- call quality -----------------------------------------------------------------------------

  /** The media engine's figures of the last second become each call's live quality. */
  stats(samples: MediaStatsSample[]): CommandResult {
    for (const sample of samples) {
      const entry = this.live.get(sample.callId);
      if (!entry || entry.call.state !== 'active') continue;
      entry.quality ??= new QualityMeter();
      const quality = entry.quality.add(sample, { held: entry.call.hold.local || entry.call.hold.remote });
      if (quality) {
        const totals = (entry.qualityTotals ??= { sum: 0, count: 0, lowest: quality.mos, warnings: new Set() });
        totals.sum += quality.mos;
        totals.count += 1;
        totals.lowest = Math.min(totals.lowest, quality.mos);
        if (quality.warning) totals.warnings.add(quality.warning);
      }
      if (quality && JSON.stringify(quality) !== JSON.stringify(entry.call.quality))
        this.update(sample.callId, (call) => void (call.quality = quality));
    }
    return { ok: true };
  }

  // ---- bookkeeping ------------------------------------------------------------------------------

  private track(session: Session, direction: Call['direction'], remote: Call['remote']): LiveCall {
    const entry: LiveCall = {
      session,
      call: {
        id: session.id,
        direction,
        state: 'dialling',
        remote,
        startedAt: this.now(),
        hold: { local: false, remote: false },
        muted: false,
      },
      wantHold: false,
      reinvites: Promise.resolve(),
      unacknowledged: new Set(),
    };
    this.live.set(session.id, entry);
    session.stateChange.addListener((state) => {
      if (state === SessionState.Established) {
        this.update(session.id, (call) => {
          call.state = 'active';
          call.answeredAt ??= this.now();
        });
      } else if (state === SessionState.Terminated) {
        // sip.js moves to Terminated before it hands us the final response (onReject): let that
        // arrive first, so that a 486 reads "busy" and not "failed".
        setTimeout(() => {
          // Answered, but the far end never answered our audio offer (a late-offer call whose ACK
          // had no SDP): sip.js hung up, and the agent should hear it was the audio, not the caller.
          const sdh = session.sessionDescriptionHandler;
          if (entry.call.answeredAt && sdh instanceof ProxiedSessionDescriptionHandler && sdh.awaitingAnswer)
            entry.pendingEnd ??= { cause: 'media-failed', detail: 'the other side never answered our audio offer' };
          // They ended it themselves once the transfer took: still a transfer.
          if (entry.call.transfer?.state === 'transferring') entry.pendingEnd ??= { cause: 'transferred' };
          // Nobody told us why: after an answer, a BYE from them; before, they gave up.
          entry.pendingEnd ??= {
            cause: entry.call.answeredAt ? 'remote-hangup' : direction === 'in' ? 'missed' : 'failed',
          };
          this.settle(entry);
        }, 0);
      }
    });
    return entry;
  }

  private settle(entry: LiveCall): void {
    if (!this.live.delete(entry.call.id)) return;
    entry.call.state = 'ended';
    entry.call.endedAt = this.now();
    entry.call.end = entry.pendingEnd ?? { cause: 'failed' };
    const totals = entry.qualityTotals;
    if (totals && totals.count > 0) {
      entry.call.qualitySummary = {
        mosAverage: Math.round((totals.sum / totals.count) * 100) / 100,
        mosLowest: totals.lowest,
        warnings: [...totals.warnings],
      };
    }
    delete entry.call.quality;
    entry.call.hold = { local: false, remote: false };
    entry.recovery?.resolve(false);
    delete entry.recovery;
    clearTimeout(entry.autoAnswerTimer);
    // A call prepared while ringing but never answered has no SessionDescriptionHandler to close it.
    if (this.options.media.available())
      void this.options.media.request({ op: 'close', callId: entry.call.id }).catch(() => undefined);
    // A call refused without the agent (busy in another call, not available) never took their
    // attention: the last call on screen (and the record the agent may be wrapping up) stays.
    // Nor does the consultation leg of a completed transfer that ends after the customer's call:
    // the call the agent wraps up (with its handover note) is the customer's.
    const consultAfterItsCall = entry.call.consultFor !== undefined && this.lastEnded?.id === entry.call.consultFor;
    if (entry.call.end.cause !== 'auto-declined' && !consultAfterItsCall) this.lastEnded = entry.call;
    // A consultation that ended before the transfer was completed: the customer is still on hold.
    const customer = entry.call.consultFor ? this.live.get(entry.call.consultFor) : undefined;
    if (customer?.call.transfer?.consultCallId === entry.call.id && customer.call.transfer.state === 'consulting') {
      customer.call.transfer = { ...customer.call.transfer, state: 'failed', code: entry.call.end.code };
    }
    this.options.onEnded?.(structuredClone(entry.call));
    this.options.logger.info(
      { callId: entry.call.id, cause: entry.call.end.cause, code: entry.call.end.code },
      'call ended',
    );
    this.emit();
  }

  private update(callId: string, change: (call: Call) => void): void {
    const entry = this.live.get(callId);
    if (!entry) return;
    change(entry.call);
    this.emit();
  }

  private emit(): void {
    this.options.onChange(structuredClone(this.calls()));
  }
}

/**
 * The number or queue the caller dialled, which says what service the call is for: the PBX's
 * P-Called-Party-ID (RFC 3455) when it sends one, else the To user when it is not the agent's own.
 */
export function calledLine(invitation: Invitation): string | undefined {
  const header = invitation.request.getHeader('p-called-party-id');
  const fromHeader = header ? /sips?:([^@;>]+)|tel:([^;>]+)/i.exec(header) : null;
  const called = fromHeader ? (fromHeader[1] ?? fromHeader[2]) : invitation.request.to.uri.user;
  if (!called) return undefined;
  const own = invitation.userAgent.configuration.uri.user;
  return called === own ? undefined : safeDecode(called);
}

/** A URI's user part with %-escapes undone; as sent when they are broken (malformed SIP must not throw). */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The caller as the PBX asserts it (RFC 3325 P-Asserted-Identity): a trunk or a queue puts the
 * customer's real number there when the From is its own. Trusted: it comes from our own PBX.
 */
export function assertedIdentity(invitation: Invitation): Call['remote'] | undefined {
  const header = invitation.request.getHeader('p-asserted-identity');
  if (!header) return undefined;
  const match = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<"]*?))?\s*<((?:sips?|tel):[^>]+)>/i.exec(header);
  if (!match) return undefined;
  const uri = match[3]!;
  const user = /^(?:sips?:([^@;>]+)@|tel:([^;>]+))/i.exec(uri);
  const number = user ? (user[1] ?? user[2]) : undefined;
  if (!number) return undefined;
  const displayName = (match[1] ?? match[2] ?? '').replace(/\\(.)/g, '$1').trim();
  return { number: safeDecode(number), displayName: displayName || undefined, uri };
}
