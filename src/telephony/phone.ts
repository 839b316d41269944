import { Invitation, Inviter, SessionState, UserAgent, type Session, type SessionDescriptionHandler } from 'sip.js';
import type { IncomingResponse } from 'sip.js/lib/core/messages/incoming-response.js';
import type { Call, CallEndCause } from '../contract/calls.js';
import type { CommandResult } from '../contract/messages.js';
import type { Logger } from '../log/logger.js';
import {
  audioDirection,
  MediaUnavailableError,
  ProxiedSessionDescriptionHandler,
  type MediaPort,
  type ProxiedDescriptionOptions,
} from './media.js';
import { dialTarget } from './target.js';

interface LiveCall {
  call: Call;
  session: Session;
  /** What ended it, decided when we learn it (a CANCEL, a 486, our own hang-up), applied on Terminated. */
  pendingEnd?: Call['end'];
}

export interface PhoneOptions {
  media: MediaPort;
  logger: Logger;
  /** The SIP domain numbers are dialled in, and the region numbers are read in. */
  dialPlan: () => { domain: string; defaultRegion: string };
  onChange: (calls: Call[]) => void;
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

  constructor(private readonly options: PhoneOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The factory sip.js calls for each session's media. */
  readonly sessionDescriptionHandlerFactory = (session: Session): SessionDescriptionHandler =>
    new ProxiedSessionDescriptionHandler(session.id, this.options.media, (sdp, type) => {
      if (type !== 'offer') return;
      // The far end's offer says whether it holds us (sendonly or inactive towards us).
      const direction = audioDirection(sdp);
      this.update(session.id, (call) => {
        call.hold.remote = direction === 'sendonly' || direction === 'inactive';
      });
    });

  /** The line's current UserAgent (a new one after each reconnection), or none while unregistered. */
  attach(ua: UserAgent | undefined): void {
    this.ua = ua;
  }

  calls(): Call[] {
    const calls = [...this.live.values()].map((entry) => entry.call);
    return this.lastEnded ? [...calls, this.lastEnded] : calls;
  }

  /** The connection to the PBX is gone: whatever ends now ended because of the network. */
  transportLost(): void {
    for (const entry of this.live.values()) entry.pendingEnd ??= { cause: 'network' };
  }

  // ---- incoming ---------------------------------------------------------------------------------

  receive(invitation: Invitation): void {
    const identity = invitation.remoteIdentity;
    const call = this.track(invitation, 'in', {
      number: identity.uri.user ?? identity.uri.toString(),
      displayName: identity.displayName || undefined,
      uri: identity.uri.toString(),
    });
    call.call.state = 'ringing-in';
    if (!this.options.media.available()) {
      // Nobody can hear the caller: tell the PBX we cannot take it (480), and keep it as missed.
      call.pendingEnd = { cause: 'media-failed', detail: 'no window with a microphone was open' };
      void invitation.reject({ statusCode: 480 }).catch(() => undefined);
    }
    invitation.delegate = {
      onCancel: () => {
        call.pendingEnd ??= { cause: 'missed' };
      },
    };
    this.emit();
  }

  async answer(callId: string): Promise<CommandResult> {
    const entry = this.live.get(callId);
    if (!entry || !(entry.session instanceof Invitation) || entry.call.state !== 'ringing-in')
      return fail('call-not-ringing');
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
    entry.pendingEnd = { cause: 'declined' };
    await entry.session.reject({ statusCode: 486 }).catch(() => undefined);
    return { ok: true };
  }

  // ---- outgoing ---------------------------------------------------------------------------------

  async dial(input: string): Promise<CommandResult> {
    const target = dialTarget(input, this.options.dialPlan());
    if (!target) return fail('invalid-number');
    const ua = this.ua;
    if (!ua) return fail('line-not-ready');
    const uri = UserAgent.makeURI(target.uri);
    if (!uri) return fail('invalid-number');
    const inviter = new Inviter(ua, uri, { earlyMedia: true });
    const entry = this.track(inviter, 'out', { number: target.number, uri: target.uri });
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
            if (code >= 180)
              this.update(
                entry.call.id,
                (call) => void (call.state = call.state === 'dialling' ? 'ringing-out' : call.state),
              );
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

  async hold(callId: string, hold: boolean): Promise<CommandResult> {
    const entry = this.live.get(callId);
    if (!entry || entry.session.state !== SessionState.Established) return fail('call-not-active');
    if (entry.call.hold.local === hold) return { ok: true };
    const options: ProxiedDescriptionOptions = { hold };
    entry.session.sessionDescriptionHandlerOptionsReInvite = options;
    const accepted = await new Promise<boolean>((resolve) => {
      entry.session
        .invite({ requestDelegate: { onAccept: () => resolve(true), onReject: () => resolve(false) } })
        .catch(() => resolve(false));
    });
    if (!accepted) return { ok: false, error: { code: 'internal', message: hold ? 'hold-failed' : 'resume-failed' } };
    this.update(callId, (call) => void (call.hold.local = hold));
    return { ok: true };
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
    entry.call.hold = { local: false, remote: false };
    this.lastEnded = entry.call;
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
