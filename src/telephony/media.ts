import type { BodyAndContentType, SessionDescriptionHandler, SessionDescriptionHandlerOptions } from 'sip.js';
import type { MediaRequest, MediaResult } from '../contract/messages.js';

/** The way to the renderer's media engine. Rejects when there is none, or it does not answer in time. */
export interface MediaPort {
  /** True when a window with a media engine is connected. */
  available(): boolean;
  request(request: MediaRequest): Promise<MediaResult>;
}

export class MediaUnavailableError extends Error {
  constructor(message = 'no window with a media engine is connected') {
    super(message);
    this.name = 'MediaUnavailableError';
  }
}

/** The options sip.js hands to getDescription on a re-INVITE, as we set them (named, never functions). */
export interface ProxiedDescriptionOptions extends SessionDescriptionHandlerOptions {
  hold?: boolean;
  offerOptions?: { iceRestart?: boolean };
}

/**
 * A sip.js SessionDescriptionHandler whose media lives in another process: every offer, answer,
 * rollback, DTMF and close is forwarded to the renderer's media engine over the contract.
 * It keeps the offer/answer state itself, so it knows whether a description to produce is an
 * offer or an answer. `onRemoteDescription` lets the call see the far end's direction (held?).
 */
export class ProxiedSessionDescriptionHandler implements SessionDescriptionHandler {
  private signaling: 'stable' | 'have-local-offer' | 'have-remote-offer' = 'stable';
  private closed = false;
  /** Our hold state as last asked by sip.js: an answer made ahead of time keeps it. */
  private hold = false;
  /** The answer the media engine made together with the far end's offer, for the next getDescription. */
  private preparedAnswer: { sdp: string; hold: boolean } | undefined;

  constructor(
    readonly callId: string,
    private readonly media: MediaPort,
    private readonly onRemoteDescription: (sdp: string, type: 'offer' | 'answer') => void = () => undefined,
  ) {}

  /** We made an offer that was never answered. */
  get awaitingAnswer(): boolean {
    return this.signaling === 'have-local-offer';
  }

  async getDescription(options?: ProxiedDescriptionOptions): Promise<BodyAndContentType> {
    if (this.closed) throw new Error('the call is closed');
    const hold = options?.hold ?? this.hold;
    this.hold = hold;
    if (this.signaling === 'have-remote-offer') {
      const prepared = this.preparedAnswer;
      this.preparedAnswer = undefined;
      const sdp =
        prepared && prepared.hold === hold
          ? prepared.sdp
          : (await this.media.request({ op: 'answer', callId: this.callId, hold })).sdp;
      this.signaling = 'stable';
      return { body: requireSdp(sdp), contentType: 'application/sdp' };
    }
    const { sdp } = await this.media.request({
      op: 'offer',
      callId: this.callId,
      hold,
      iceRestart: options?.offerOptions?.iceRestart,
    });
    this.signaling = 'have-local-offer';
    return { body: requireSdp(sdp), contentType: 'application/sdp' };
  }

  async setDescription(sdp: string): Promise<void> {
    if (this.closed) throw new Error('the call is closed');
    const type = this.signaling === 'have-local-offer' ? 'answer' : 'offer';
    if (type === 'offer') {
      // sip.js asks for our answer right after this: let the page make it in the same round trip.
      const { sdp: answer } = await this.media.request({
        op: 'set-remote',
        callId: this.callId,
        type,
        sdp,
        answer: { hold: this.hold },
      });
      this.preparedAnswer = answer ? { sdp: answer, hold: this.hold } : undefined;
    } else await this.media.request({ op: 'set-remote', callId: this.callId, type, sdp });
    this.signaling = type === 'answer' ? 'stable' : 'have-remote-offer';
    this.onRemoteDescription(sdp, type);
  }

  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }

  async rollbackDescription(): Promise<void> {
    this.preparedAnswer = undefined;
    if (this.signaling === 'stable') return;
    await this.media.request({ op: 'rollback', callId: this.callId });
    this.signaling = 'stable';
  }

  /** RFC 4733 through the media engine; sip.js wants a synchronous answer, so we report "sent". */
  sendDtmf(tones: string): boolean {
    if (this.closed || !/^[0-9A-D#*,]+$/.test(tones)) return false;
    void this.media.request({ op: 'dtmf', callId: this.callId, tones }).catch(() => undefined);
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.media.available()) void this.media.request({ op: 'close', callId: this.callId }).catch(() => undefined);
  }
}

function requireSdp(sdp: string | undefined): string {
  if (!sdp) throw new Error('the media engine returned no description');
  return sdp;
}

/** The direction of the first audio section of an SDP, as the far end states it. */
export function audioDirection(sdp: string): 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive' {
  const sections = sdp.split(/\r?\nm=/);
  const audio = sections.find((section, index) => (index === 0 ? false : section.startsWith('audio')));
  const pick = (text: string | undefined) => /a=(sendrecv|sendonly|recvonly|inactive)/.exec(text ?? '')?.[1];
  const direction = pick(audio) ?? pick(sections[0]) ?? 'sendrecv';
  const port = /^audio (\d+)/.exec(audio ?? '')?.[1];
  if (port === '0') return 'inactive';
  return direction as 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}
