/**
 * An independent WebRTC SIP peer for end-to-end call tests: the "customer" on the other end of a
 * call. It is plain sip.js with its own built-in Web SessionDescriptionHandler, running in a
 * Chromium page (fake audio device) served from 127.0.0.1, registered on the test PBX. None of our
 * softphone code is involved, so a call between it and the softphone proves real interop.
 *
 *   const peer = await startBrowserPeer(browser, { pbx, user: '1004', incoming: { mode: 'answer', afterMs: 500 } });
 *   await peer.call('1001');
 *   await peer.waitForState((s) => s.session === 'established');
 *   await peer.waitForAudioFlowing({ direction: 'both' });
 *   await peer.close();
 *
 * Transfers: as the transferee the peer follows a REFER (state().referredCall), as the target it
 * answers an INVITE with Replaces for its current call at once (state().replacedCount), and as
 * the transferor it transfers blind (transfer) or attended (consult + completeTransfer).
 *
 * Run inside a loopback-only network namespace with `--allow-loopback-in-peer-connection` (see
 * playwright.config.ts): ICE uses host candidates on 127.0.0.1 only (`iceServers: []`).
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { TEST_ACCOUNTS } from '../../../tools/pbx/accounts.js';
import { sharedBrowserPeerServer } from './server.js';

export type PeerSessionState = 'idle' | 'ringing-in' | 'calling' | 'early' | 'established' | 'terminated';
export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
export type AudioDirection = 'both' | 'in' | 'out';

/** What the peer does with an incoming call (a second call while one is in progress gets `busyStatusCode`). */
export type IncomingPolicy =
  { mode: 'ring' } | { mode: 'answer'; afterMs?: number } | { mode: 'reject'; statusCode?: number; afterMs?: number };

/** What the peer does with a REFER in its current call: follow it (202), or decline it (603). */
export type ReferPolicy = 'accept' | 'reject';

export interface CallEnd {
  cause: 'bye' | 'canceled' | 'rejected' | 'redirected' | 'terminated';
  by: 'local' | 'remote' | 'unknown';
  /** Final response for rejected/redirected calls (the remote's answer, or what this peer sent). */
  statusCode?: number;
  reasonPhrase?: string;
}

export interface IncomingCaller {
  displayName: string | null;
  /** User part of the From URI: the calling number. */
  user: string | null;
  uri: string;
  /** Raw From header. */
  from: string | null;
  pAssertedIdentity: string | null;
  /** Raw Call-Info and Alert-Info headers (auto-answer hints such as `answer-after=0`). */
  callInfo: string | null;
  alertInfo: string | null;
}

/** The call this peer placed for the last REFER it followed (transferee role). */
export interface ReferredCall {
  callId: string;
  /** The Replaces header the INVITE carried (attended transfer); null for a blind transfer. */
  replaces: string | null;
  /** Final status of its INVITE; null while it is being set up. */
  statusCode: number | null;
  established: boolean;
  /**
   * How the call the REFER came in ended: `{ cause: 'bye', by: 'remote' }` when the transferor
   * ended it, `by: 'local'` when this peer did because the transferor had not 2 s after the new
   * call was established (REFERRER_BYE_GRACE_MS in peer.js). null while it is up.
   */
  referrerEnd: CallEnd | null;
}

/** The last transfer this peer made (transferor role). */
export interface TransferState {
  kind: 'blind' | 'attended';
  /** The Refer-To header sent (null until the REFER is sent). */
  referTo: string | null;
  /** Final response to the REFER (202 once accepted); null until it arrives. */
  referStatusCode: number | null;
  /** Status codes of the NOTIFY sipfrags, in order, e.g. [100, 180, 200]. */
  progress: number[];
  /** 'succeeded' on a 2xx sipfrag; 'failed' on a failure sipfrag or a rejected REFER. */
  outcome: 'pending' | 'succeeded' | 'failed';
  /** How the transferred call ended (this peer sends BYE after success unless keepCall); null while up. */
  callEnd: CallEnd | null;
}

export interface TransferOptions {
  /** Leave the transferred call up after the transfer succeeded (the transferee must end it). */
  keepCall?: boolean;
}

export interface PeerState {
  user: string | null;
  registered: boolean;
  /** Final status of the last REGISTER (null before any). */
  registrationStatusCode: number | null;
  session: PeerSessionState;
  /** Direction of the current or last call. */
  direction: 'in' | 'out' | null;
  callId: string | null;
  /** How the last call ended (null while one is in progress). */
  lastEnd: CallEnd | null;
  /** Caller of the last incoming call this peer handled. */
  lastIncoming: IncomingCaller | null;
  /** Every INVITE received, including ones auto-rejected while busy. */
  incomingCount: number;
  /** The last INVITE rejected because a call was in progress, and the status this peer sent. */
  lastBusyIncoming: { caller: IncomingCaller; statusCode: number } | null;
  /**
   * The live call that is not the current one: the call consult() put on hold, or the call a
   * REFER came in while the referred call is set up. It is the current call again when the current
   * one ends without a transfer.
   */
  previousCallId: string | null;
  referPolicy: ReferPolicy;
  /** REFERs received, followed or declined. */
  refersReceived: number;
  /** Raw Refer-To of the last REFER received. */
  lastReferTo: string | null;
  referredCall: ReferredCall | null;
  /** Calls of this peer replaced by an INVITE with Replaces (each one ended with BYE). */
  replacedCount: number;
  lastReplacedCallId: string | null;
  transfer: TransferState | null;
  /** This peer put the call on hold (its re-INVITE was accepted). */
  localHold: boolean;
  /** Direction in the remote party's current SDP for audio (null without a call). */
  remoteDirection: SdpDirection | null;
  /** The other side put this peer on hold: its SDP says sendonly or inactive. */
  heldByRemote: boolean;
  /** Digits received in this call by SIP INFO (RFC 4733 events cannot be seen from page JS). */
  dtmfReceived: string[];
  /** re-INVITEs the other side sent in the current call (hold, resume, a recovery's new offer). */
  reinvitesReceived: number;
  /** Digits sent in this call: INFO accepted with 2xx, or tones RTCDTMFSender played out. */
  dtmfSent: string[];
  /** The `<audio>` element the remote stream plays into. */
  playback: { attached: boolean; playing: boolean; paused: boolean; error: string | null };
  incomingPolicy: IncomingPolicy;
}

export interface AudioStats {
  /** Date.now() in the page when sampled. */
  at: number;
  /** inbound-rtp (audio); null before the first packet or without a call. */
  inbound: {
    bytesReceived: number;
    packetsReceived: number;
    packetsLost: number;
    totalSamplesReceived: number;
    totalAudioEnergy: number;
  } | null;
  /** outbound-rtp (audio); null without a call. */
  outbound: { bytesSent: number; packetsSent: number } | null;
  /** The audio transceiver's direction (what this side asked for) and negotiated currentDirection. */
  direction: SdpDirection | 'stopped' | null;
  currentDirection: SdpDirection | 'stopped' | null;
  iceConnectionState: string | null;
  connectionState: string | null;
  /** The ICE candidate pair in use, e.g. { local: '127.0.0.1:40123', remote: '127.0.0.1:51234', protocol: 'udp' }. */
  selectedPair: { local: string; remote: string; protocol: string } | null;
  /** e.g. 'audio/opus' */
  codec: string | null;
}

export interface DtmfOptions {
  /** 'rfc4733' (default): RTP telephone-events via the SDH's RTCDTMFSender. 'info': one SIP INFO per digit (application/dtmf-relay). */
  method?: 'rfc4733' | 'info';
  /** Tone duration in ms (default 160). */
  duration?: number;
  /** Gap between tones in ms, RFC 4733 only (default 70). */
  interToneGap?: number;
}

export interface SipStatus {
  statusCode: number;
  reasonPhrase: string;
}

export interface BrowserPeerOptions {
  pbx: { wsUrl: string; domain: string };
  /** Account user part, e.g. '1004'. */
  user: string;
  /** Digest password. Default: the test account's (`secret<user>`). */
  password?: string;
  /** Display name in From. Default: the test account's. */
  displayName?: string;
  /** Default { mode: 'ring' }: the test answers or rejects. */
  incoming?: IncomingPolicy;
  /** Default 'accept': follow a REFER in the current call. */
  refer?: ReferPolicy;
  /** Final status for an INVITE while a call is in progress. Default 486. */
  busyStatusCode?: number;
  /** Register on start and fail unless the registrar answers 200. Default true. */
  register?: boolean;
  /** Cap on ICE gathering before the SDP is sent. Default 2000 ms (loopback host candidates take ~ms). */
  iceGatheringTimeoutMs?: number;
}

export interface WaitForAudioOptions {
  direction?: AudioDirection;
  /** Least growth of each checked byte counter between two samples. Default 400. */
  minBytes?: number;
  /** Time between the two samples. Default 500 ms. */
  intervalMs?: number;
  timeoutMs?: number;
}

export interface AudioDelta {
  before: AudioStats;
  after: AudioStats;
  /** Growth of inbound bytesReceived and outbound bytesSent between the two samples. */
  bytesIn: number;
  bytesOut: number;
}

export interface PeerEvent {
  t: number;
  type: string;
  detail: string;
}

export interface BrowserPeer {
  readonly user: string;
  /** sip:<user>@<domain> */
  readonly aor: string;
  readonly page: Page;
  readonly context: BrowserContext;
  register(): Promise<SipStatus>;
  unregister(): Promise<void>;
  /**
   * Sends the INVITE (a bare user becomes sip:<user>@<domain>) and resolves once it is sent; see
   * waitForState. extraHeaders are full header lines, e.g. 'Call-Info: <sip:pbx.test>;answer-after=0'.
   */
  call(target: string, options?: { extraHeaders?: string[] }): Promise<PeerState>;
  /** Blind transfer: REFER to target in the current call; resolves once the REFER is answered. See waitForTransfer. */
  transfer(target: string, options?: TransferOptions): Promise<PeerState>;
  /**
   * Attended transfer, step 1: holds the current call (unless it is on hold already) and calls the
   * target as the new current call, like call(). If that call ends without a transfer, the held
   * call is current again, still on hold.
   */
  consult(target: string, options?: { extraHeaders?: string[] }): Promise<PeerState>;
  /**
   * Attended transfer, step 2: REFER to the held party with Refer-To carrying Replaces = the
   * current (consultation) call's dialog; resolves once the REFER is answered. See waitForTransfer.
   * As sip.js does, Refer-To names the target's Contact, not its AOR.
   */
  completeTransfer(options?: TransferOptions): Promise<PeerState>;
  /** Resolves once the last transfer succeeded or failed (NOTIFY sipfrag 2xx, or a failure). */
  waitForTransfer(timeoutMs?: number): Promise<TransferState>;
  /** Answers the ringing incoming call (200 OK with SDP). */
  answer(): Promise<PeerState>;
  /** Rejects the ringing incoming call (default 486) and resolves once it is over. */
  reject(statusCode?: number): Promise<PeerState>;
  /**
   * BYE when established, CANCEL while calling out, 480 while ringing in; resolves once the call is
   * over. Ending a consultation makes the held call the current one again.
   */
  hangup(): Promise<PeerState>;
  /** re-INVITE with a=sendonly; rejects unless answered 2xx. */
  hold(): Promise<PeerState>;
  /** re-INVITE with a=sendrecv. */
  unhold(): Promise<PeerState>;
  /** Resolves after INFO was answered, or once RTCDTMFSender has played the tones. */
  sendDtmf(digits: string, options?: DtmfOptions): Promise<PeerState>;
  /** Digits received by SIP INFO in the current/last call. */
  dtmfReceived(): Promise<string[]>;
  setIncoming(policy: IncomingPolicy): Promise<PeerState>;
  setRefer(policy: ReferPolicy): Promise<PeerState>;
  state(): Promise<PeerState>;
  audioStats(): Promise<AudioStats>;
  /** Polls state() until pred holds; the error shows the last state and the page's recent events. */
  waitForState(pred: (state: PeerState) => boolean, timeoutMs?: number): Promise<PeerState>;
  /** Resolves when the byte counter(s) grow by at least minBytes between two samples intervalMs apart. */
  waitForAudioFlowing(options?: WaitForAudioOptions): Promise<AudioDelta>;
  /**
   * Resolves when the byte counter(s) do not grow at all over windowMs (default 1000). Throws at
   * once when there is no live call or the counter never existed: that would prove nothing.
   */
  waitForAudioStopped(
    direction: AudioDirection,
    options?: { windowMs?: number; timeoutMs?: number },
  ): Promise<AudioDelta>;
  waitForDtmfReceived(digits: string, timeoutMs?: number): Promise<string[]>;
  /** The page's event log (SIP/ICE/session events), for diagnostics. */
  events(): Promise<PeerEvent[]>;
  /** Page errors and console errors. */
  pageErrors(): string[];
  /** Hangs up, unregisters, closes the context. Idempotent. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// the page API (tests/support/browser-peer/peer.js), as seen through page.evaluate

interface PeerInitOptions {
  wsUrl: string;
  domain: string;
  user: string;
  password: string;
  displayName?: string;
  incoming: IncomingPolicy;
  refer: ReferPolicy;
  busyStatusCode: number;
  iceGatheringTimeoutMs?: number;
}

interface PeerPageApi {
  init(options: PeerInitOptions): Promise<PeerState>;
  register(): Promise<SipStatus>;
  unregister(): Promise<void>;
  call(target: string, options: { extraHeaders?: string[] }): Promise<PeerState>;
  transfer(target: string, options: TransferOptions): Promise<PeerState>;
  consult(target: string, options: { extraHeaders?: string[] }): Promise<PeerState>;
  completeTransfer(options: TransferOptions): Promise<PeerState>;
  answer(): Promise<PeerState>;
  reject(statusCode: number): Promise<PeerState>;
  hangup(): Promise<PeerState>;
  hold(): Promise<PeerState>;
  unhold(): Promise<PeerState>;
  sendDtmf(digits: string, options: DtmfOptions): Promise<PeerState>;
  dtmfReceived(): Promise<string[]>;
  setIncoming(policy: IncomingPolicy): Promise<PeerState>;
  setRefer(policy: ReferPolicy): Promise<PeerState>;
  state(): Promise<PeerState>;
  audioStats(): Promise<AudioStats>;
  events(): Promise<PeerEvent[]>;
  shutdown(): Promise<void>;
}

type Method = keyof PeerPageApi;

function invoke<M extends Method>(
  page: Page,
  method: M,
  ...args: Parameters<PeerPageApi[M]>
): Promise<Awaited<ReturnType<PeerPageApi[M]>>> {
  // The function runs in the page: no closures, only its argument.
  return page.evaluate(
    ({ method, args }) => {
      const api = (globalThis as unknown as { peer: Record<string, (...a: unknown[]) => Promise<unknown>> }).peer;
      return api[method]!(...args);
    },
    { method, args: args as unknown[] },
  ) as Promise<Awaited<ReturnType<PeerPageApi[M]>>>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function growth(before: AudioStats, after: AudioStats): { bytesIn: number; bytesOut: number } {
  return {
    bytesIn: (after.inbound?.bytesReceived ?? 0) - (before.inbound?.bytesReceived ?? 0),
    bytesOut: (after.outbound?.bytesSent ?? 0) - (before.outbound?.bytesSent ?? 0),
  };
}

function describeStats(s: AudioStats): string {
  return JSON.stringify({
    in: s.inbound && { bytes: s.inbound.bytesReceived, packets: s.inbound.packetsReceived },
    out: s.outbound && { bytes: s.outbound.bytesSent, packets: s.outbound.packetsSent },
    direction: s.direction,
    currentDirection: s.currentDirection,
    ice: s.iceConnectionState,
    pair: s.selectedPair,
  });
}

/**
 * Opens a fresh browser context + page on the peer server, creates the sip.js UserAgent and
 * (unless `register: false`) registers it, failing unless the registrar answers 200.
 */
export async function startBrowserPeer(browser: Browser, opts: BrowserPeerOptions): Promise<BrowserPeer> {
  const account = TEST_ACCOUNTS.find((a) => a.user === opts.user);
  const password = opts.password ?? account?.password ?? `secret${opts.user}`;
  const server = await sharedBrowserPeerServer();
  const context = await browser.newContext({ permissions: ['microphone'] });
  const errors: string[] = [];
  let closed: Promise<void> | undefined;

  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });

  const recentEvents = async (n = 25): Promise<string> => {
    try {
      const list = await invoke(page, 'events');
      return list
        .slice(-n)
        .map((e) => `  ${new Date(e.t).toISOString().slice(11, 23)} ${e.type} ${e.detail}`)
        .join('\n');
    } catch (err) {
      return `  (events unavailable: ${String(err)})`;
    }
  };
  const failure = async (message: string): Promise<Error> =>
    new Error(
      `browser peer ${opts.user}: ${message}\n--- recent page events ---\n${await recentEvents()}` +
        (errors.length ? `\n--- page errors ---\n${errors.join('\n')}` : ''),
    );

  const audioSample = async (): Promise<AudioStats> => invoke(page, 'audioStats');

  const peer: BrowserPeer = {
    user: opts.user,
    aor: `sip:${opts.user}@${opts.pbx.domain}`,
    page,
    context,
    register: () => invoke(page, 'register'),
    unregister: () => invoke(page, 'unregister'),
    call: (target, options = {}) => invoke(page, 'call', target, options),
    transfer: (target, options = {}) => invoke(page, 'transfer', target, options),
    consult: (target, options = {}) => invoke(page, 'consult', target, options),
    completeTransfer: (options = {}) => invoke(page, 'completeTransfer', options),
    answer: () => invoke(page, 'answer'),
    reject: (statusCode = 486) => invoke(page, 'reject', statusCode),
    hangup: () => invoke(page, 'hangup'),
    hold: () => invoke(page, 'hold'),
    unhold: () => invoke(page, 'unhold'),
    sendDtmf: (digits, options = {}) => invoke(page, 'sendDtmf', digits, options),
    dtmfReceived: () => invoke(page, 'dtmfReceived'),
    setIncoming: (policy) => invoke(page, 'setIncoming', policy),
    setRefer: (policy) => invoke(page, 'setRefer', policy),
    state: () => invoke(page, 'state'),
    audioStats: audioSample,
    events: () => invoke(page, 'events'),
    pageErrors: () => [...errors],

    async waitForState(pred, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let last = await invoke(page, 'state');
      while (!pred(last)) {
        if (Date.now() > deadline) {
          throw await failure(`timed out after ${timeoutMs} ms waiting for a state; last: ${JSON.stringify(last)}`);
        }
        await sleep(100);
        last = await invoke(page, 'state');
      }
      return last;
    },

    async waitForAudioFlowing({ direction = 'both', minBytes = 400, intervalMs = 500, timeoutMs = 10_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      let before = await audioSample();
      for (;;) {
        await sleep(intervalMs);
        const after = await audioSample();
        const delta = { before, after, ...growth(before, after) };
        const inOk =
          delta.bytesIn >= minBytes && (after.inbound?.packetsReceived ?? 0) > (before.inbound?.packetsReceived ?? 0);
        const outOk =
          delta.bytesOut >= minBytes && (after.outbound?.packetsSent ?? 0) > (before.outbound?.packetsSent ?? 0);
        if ((direction === 'out' || inOk) && (direction === 'in' || outOk)) return delta;
        if (Date.now() > deadline) {
          throw await failure(
            `audio (${direction}) not flowing within ${timeoutMs} ms: grew in=${delta.bytesIn} out=${delta.bytesOut} bytes ` +
              `in ${intervalMs} ms (want >= ${minBytes}); last sample ${describeStats(after)}`,
          );
        }
        before = after;
      }
    },

    async waitForAudioStopped(direction, { windowMs = 1000, timeoutMs = 10_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      let before = await audioSample();
      for (;;) {
        await sleep(windowMs);
        const after = await audioSample();
        // No call, or no audio ever in that direction, is not "stopped": it would prove nothing.
        const missing =
          after.connectionState === null ||
          (direction !== 'out' && !after.inbound) ||
          (direction !== 'in' && !after.outbound);
        if (missing) {
          throw await failure(
            `waitForAudioStopped(${direction}): no live call with audio to watch; sample ${describeStats(after)}`,
          );
        }
        const delta = { before, after, ...growth(before, after) };
        const inStopped = delta.bytesIn === 0;
        const outStopped = delta.bytesOut === 0;
        if ((direction === 'out' || inStopped) && (direction === 'in' || outStopped)) return delta;
        if (Date.now() > deadline) {
          throw await failure(
            `audio (${direction}) still flowing after ${timeoutMs} ms: grew in=${delta.bytesIn} out=${delta.bytesOut} ` +
              `bytes in ${windowMs} ms; last sample ${describeStats(after)}`,
          );
        }
        before = after;
      }
    },

    async waitForTransfer(timeoutMs = 15_000) {
      const state = await peer
        .waitForState((s) => s.transfer !== null && s.transfer.outcome !== 'pending', timeoutMs)
        .catch((err) => {
          throw err instanceof Error ? new Error(`waiting for the transfer's outcome: ${err.message}`) : err;
        });
      return state.transfer!;
    },

    async waitForDtmfReceived(digits, timeoutMs = 10_000) {
      const state = await peer
        .waitForState((s) => s.dtmfReceived.join('') === digits, timeoutMs)
        .catch((err) => {
          throw err instanceof Error ? new Error(`waiting for DTMF "${digits}": ${err.message}`) : err;
        });
      return state.dtmfReceived;
    },

    close() {
      closed ??= (async () => {
        try {
          await Promise.race([invoke(page, 'shutdown'), sleep(5000)]);
        } catch {
          /* the page may be gone already */
        }
        await context.close();
      })();
      return closed;
    },
  };

  try {
    await page.goto(server.pageUrl);
    await page.waitForFunction(() => 'peer' in globalThis, undefined, { timeout: 10_000 });
    await invoke(page, 'init', {
      wsUrl: opts.pbx.wsUrl,
      domain: opts.pbx.domain,
      user: opts.user,
      password,
      displayName: opts.displayName ?? account?.displayName,
      incoming: opts.incoming ?? { mode: 'ring' },
      refer: opts.refer ?? 'accept',
      busyStatusCode: opts.busyStatusCode ?? 486,
      iceGatheringTimeoutMs: opts.iceGatheringTimeoutMs,
    });
    if (opts.register !== false) {
      const result = await invoke(page, 'register');
      if (result.statusCode !== 200) {
        throw await failure(`REGISTER answered ${result.statusCode} ${result.reasonPhrase}`);
      }
    }
    return peer;
  } catch (err) {
    const wrapped =
      err instanceof Error && err.message.startsWith('browser peer ')
        ? err
        : await failure(`start failed: ${err instanceof Error ? err.message : String(err)}`);
    await context.close().catch(() => undefined);
    throw wrapped;
  }
}
