/**
 * The simulated customers' telephone: a sip.js user agent in a headless Chromium page, registered
 * on the PBX as the outside line. What it sends is real audio: each spoken line (a WAV made by
 * espeak-ng) is played through Web Audio into the call's outgoing stream, silence in between. The
 * service (tools/sim/service.ts) decides what to say and when; this page only does the calling.
 *
 * Bundled with sip.js by esbuild when the service starts; served from 127.0.0.1.
 */
import { Invitation, Inviter, Registerer, RegistererState, SessionState, UserAgent, Web, type Session } from 'sip.js';

type SessionDescriptionHandler = Web.SessionDescriptionHandler;
const { defaultSessionDescriptionHandlerFactory } = Web;

type SimEvent =
  | { type: 'registered' }
  | { type: 'incoming'; to: string; from: string }
  | { type: 'established' }
  | { type: 'held' }
  | { type: 'resumed' }
  | { type: 'ended'; by: 'customer' | 'agent'; status?: number }
  | { type: 'log'; text: string };

declare global {
  interface Window {
    simEvent: (event: SimEvent) => void;
    sim: typeof api;
  }
}

const emit = (event: SimEvent) => void window.simEvent(event);
const audio = new AudioContext();
let ua: UserAgent | undefined;
let session: Session | undefined;
let outgoing: MediaStreamAudioDestinationNode | undefined;
let playing: AudioBufferSourceNode | undefined;
let endedByUs = false;
let held = false;
let watch: number | undefined;

/** The audio direction the agent's side asked for in its last SDP ("sendonly" when it holds). */
function remoteDirection(): string | null {
  const sdh = session?.sessionDescriptionHandler as SessionDescriptionHandler | undefined;
  const sdp = sdh?.peerConnection?.remoteDescription?.sdp;
  if (!sdp) return null;
  const media = sdp.split(/\r?\nm=/).find((section) => section.startsWith('audio')) ?? sdp;
  return /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(media)?.[1] ?? 'sendrecv';
}

function track(s: Session): void {
  session = s;
  endedByUs = false;
  held = false;
  s.stateChange.addListener((state) => {
    if (session !== s) return;
    if (state === SessionState.Established) {
      emit({ type: 'established' });
      // Hold shows in the agent's re-INVITE: watch the negotiated direction.
      watch = window.setInterval(() => {
        const direction = remoteDirection();
        const nowHeld = direction === 'sendonly' || direction === 'inactive';
        if (nowHeld !== held) {
          held = nowHeld;
          emit({ type: held ? 'held' : 'resumed' });
        }
      }, 250);
    }
    if (state === SessionState.Terminated) {
      window.clearInterval(watch);
      stopSpeaking();
      session = undefined;
      emit({ type: 'ended', by: endedByUs ? 'customer' : 'agent' });
    }
  });
}

function stopSpeaking(): void {
  try {
    playing?.stop();
  } catch {
    // already stopped
  }
  playing = undefined;
}

const api = {
  async init(options: { wsUrl: string; domain: string; user: string; password: string }): Promise<void> {
    ua = new UserAgent({
      uri: UserAgent.makeURI(`sip:${options.user}@${options.domain}`),
      authorizationUsername: options.user,
      authorizationPassword: options.password,
      displayName: 'Simulated customers',
      transportOptions: { server: options.wsUrl, connectionTimeout: 5 },
      // The outgoing audio is the spoken lines, not a microphone: a fresh stream per call (sip.js
      // stops the tracks when a call ends).
      sessionDescriptionHandlerFactory: defaultSessionDescriptionHandlerFactory(async () => {
        outgoing = audio.createMediaStreamDestination();
        return outgoing.stream;
      }),
      sessionDescriptionHandlerFactoryOptions: {
        peerConnectionConfiguration: { iceServers: [] },
        iceGatheringTimeout: 2000,
      },
      userAgentString: 'simulated-customers (sip.js)',
      logBuiltinEnabled: false,
      delegate: {
        onInvite: (invitation: Invitation) => {
          if (session) {
            void invitation.reject({ statusCode: 486 });
            return;
          }
          track(invitation);
          emit({
            type: 'incoming',
            to: invitation.request.to.uri.user ?? '',
            from: invitation.remoteIdentity.uri.user ?? '',
          });
        },
      },
    });
    await ua.start();
    const registerer = new Registerer(ua, { expires: 300 });
    registerer.stateChange.addListener((state) => {
      if (state === RegistererState.Registered) emit({ type: 'registered' });
    });
    await registerer.register();
  },

  /** Calls the agent; `identity` is the number the PBX shows (P-Asserted-Identity), null: withheld. */
  async call(target: string, domain: string, identity: string | null, calledLine: string | null): Promise<void> {
    if (!ua || session) throw new Error('a call is already in progress');
    const uri = UserAgent.makeURI(`sip:${target}@${domain}`);
    if (!uri) throw new Error(`not a SIP target: ${target}`);
    const headers = [
      identity
        ? `P-Asserted-Identity: <sip:${identity}@${domain}>`
        : 'P-Asserted-Identity: <sip:anonymous@anonymous.invalid>',
      ...(identity ? [] : ['Privacy: id']),
      ...(calledLine ? [`P-Called-Party-ID: <sip:${calledLine}@${domain}>`] : []),
    ];
    const inviter = new Inviter(ua, uri, {
      extraHeaders: headers,
      sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
    });
    track(inviter);
    await inviter.invite({
      requestDelegate: {
        onReject: (response) =>
          emit({ type: 'log', text: `the agent's phone answered ${response.message.statusCode}` }),
      },
    });
  },

  async answer(): Promise<void> {
    if (session instanceof Invitation && session.state === SessionState.Initial) {
      await audio.resume();
      await session.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
    }
  },

  /** Ends the call whatever its state: hang up, cancel or decline. */
  async hangup(): Promise<void> {
    const s = session;
    if (!s) return;
    endedByUs = true;
    if (s instanceof Inviter && s.state === SessionState.Establishing) await s.cancel();
    else if (s instanceof Invitation && s.state === SessionState.Initial) await s.reject({ statusCode: 480 });
    else if (s.state === SessionState.Established) await s.bye();
  },

  /** Plays one spoken line into the call; resolves when it has been said (or the call ended). */
  async say(url: string): Promise<void> {
    if (!outgoing) return;
    await audio.resume();
    const data = await (await fetch(url)).arrayBuffer();
    const buffer = await audio.decodeAudioData(data);
    stopSpeaking();
    const source = audio.createBufferSource();
    source.buffer = buffer;
    source.connect(outgoing);
    playing = source;
    await new Promise<void>((resolve) => {
      source.onended = () => resolve();
      source.start();
    });
  },

  /** Bytes of audio sent and received in the current call (from WebRTC's statistics). */
  async audioBytes(): Promise<{ sent: number; received: number } | null> {
    const sdh = session?.sessionDescriptionHandler as SessionDescriptionHandler | undefined;
    const pc = sdh?.peerConnection;
    if (!pc) return null;
    let sent = 0;
    let received = 0;
    (await pc.getStats()).forEach(
      (report: { type: string; kind?: string; bytesSent?: number; bytesReceived?: number }) => {
        if (report.type === 'outbound-rtp' && report.kind === 'audio') sent += report.bytesSent ?? 0;
        if (report.type === 'inbound-rtp' && report.kind === 'audio') received += report.bytesReceived ?? 0;
      },
    );
    if (sent === 0) emit({ type: 'log', text: `no audio sent yet; connection ${pc.connectionState}` });
    return { sent, received };
  },
};

window.sim = api;
