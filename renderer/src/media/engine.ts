import type { MediaRequest, MediaResult, MediaStatsSample } from '../../../src/contract/index.js';

/** SIP has no trickle ICE: the SDP goes out once gathering is done, or after this long at most. */
const ICE_GATHERING_CAP_MS = 2_000;

interface CallMedia {
  pc: RTCPeerConnection;
  microphone: MediaStream;
  audio: HTMLAudioElement;
  /** Keypad tones actually played into the audio stream (RTCDTMFSender's tonechange). */
  tonesPlayed: string;
}

export interface AudioStats {
  bytesSent: number;
  bytesReceived: number;
  packetsSent: number;
  packetsReceived: number;
  direction?: RTCRtpTransceiverDirection;
  tonesPlayed: string;
}

function waitForGathering(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, ICE_GATHERING_CAP_MS);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

/**
 * The renderer's media engine: one RTCPeerConnection per call, the microphone on the chosen input,
 * the far end's audio on the chosen output. The core drives it with MediaRequests; it never sees
 * SIP. Tracks are stopped and the connection closed when the call closes.
 */
export class MediaEngine {
  private readonly calls = new Map<string, CallMedia>();

  constructor(private readonly devices: () => { input?: string; output?: string } = () => ({})) {}

  /** Calls whose media is being set up: a second request for the same call waits for the first. */
  private readonly starting = new Map<string, Promise<CallMedia>>();

  private media(callId: string): Promise<CallMedia> {
    const existing = this.calls.get(callId);
    if (existing) return Promise.resolve(existing);
    let starting = this.starting.get(callId);
    if (!starting) {
      starting = this.createMedia(callId).finally(() => this.starting.delete(callId));
      this.starting.set(callId, starting);
    }
    return starting;
  }

  private async createMedia(callId: string): Promise<CallMedia> {
    const { input, output } = this.devices();
    const microphone = await navigator.mediaDevices.getUserMedia({
      audio: input ? { deviceId: { exact: input } } : true,
      video: false,
    });
    // Only loopback and host candidates: no STUN/TURN servers are configured for the PBX here.
    const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    for (const track of microphone.getAudioTracks()) pc.addTrack(track, microphone);
    const audio = new Audio();
    audio.autoplay = true;
    if (output && 'setSinkId' in audio)
      await (audio as HTMLAudioElement & { setSinkId(id: string): Promise<void> }).setSinkId(output);
    pc.addEventListener('track', (event) => {
      audio.srcObject = event.streams[0] ?? new MediaStream([event.track]);
      void audio.play().catch(() => undefined);
    });
    const created: CallMedia = { pc, microphone, audio, tonesPlayed: '' };
    this.calls.set(callId, created);
    return created;
  }

  /**
   * Hold offers sendonly (so a PBX may play music on hold) but sends nothing: the caller must never
   * hear what is said at the desk while they wait. Resuming puts the microphone back.
   */
  private async setHold(call: CallMedia, hold: boolean | undefined): Promise<void> {
    for (const transceiver of call.pc.getTransceivers()) {
      if (transceiver.currentDirection === 'stopped') continue;
      transceiver.direction = hold ? 'sendonly' : 'sendrecv';
      await transceiver.sender.replaceTrack(hold ? null : (call.microphone.getAudioTracks()[0] ?? null));
    }
  }

  async handle(request: MediaRequest): Promise<MediaResult> {
    switch (request.op) {
      case 'offer': {
        const call = await this.media(request.callId);
        const { pc } = call;
        await this.setHold(call, request.hold);
        const offer = await pc.createOffer({ iceRestart: request.iceRestart });
        await pc.setLocalDescription(offer);
        await waitForGathering(pc);
        return { sdp: pc.localDescription?.sdp };
      }
      case 'answer': {
        const call = await this.media(request.callId);
        const { pc } = call;
        if (request.hold) await this.setHold(call, true);
        const answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        await waitForGathering(pc);
        return { sdp: pc.localDescription?.sdp };
      }
      case 'set-remote': {
        const call = await this.media(request.callId);
        await call.pc.setRemoteDescription({ type: request.type, sdp: request.sdp });
        if (!request.answer) return {};
        return this.handle({ op: 'answer', callId: request.callId, hold: request.answer.hold });
      }
      case 'prepare': {
        // The ringing call and the caller's record are painted first: opening the microphone and
        // the connection can wait a frame (answering does not depend on it, it only goes faster).
        await afterNextPaint();
        await this.media(request.callId);
        return {};
      }
      case 'rollback': {
        const call = this.calls.get(request.callId);
        if (call && call.pc.signalingState !== 'stable') await call.pc.setLocalDescription({ type: 'rollback' });
        return {};
      }
      case 'dtmf': {
        const call = this.calls.get(request.callId);
        const dtmf = call?.pc.getSenders().find((s) => s.track?.kind === 'audio')?.dtmf;
        if (!call || !dtmf?.canInsertDTMF) throw new Error('keypad tones cannot be sent on this call now');
        dtmf.ontonechange = (event) => {
          if (event.tone) call.tonesPlayed += event.tone;
        };
        dtmf.insertDTMF(dtmf.toneBuffer + request.tones, 100, 70);
        return {};
      }
      case 'mute': {
        const call = this.calls.get(request.callId);
        for (const track of call?.microphone.getAudioTracks() ?? []) track.enabled = !request.muted;
        return {};
      }
      case 'close': {
        this.close(request.callId);
        return {};
      }
    }
  }

  close(callId: string): void {
    const starting = this.starting.get(callId);
    // Closed while its microphone was still opening: close it as soon as it exists.
    if (starting)
      void starting.then(
        () => this.close(callId),
        () => undefined,
      );
    const call = this.calls.get(callId);
    if (!call) return;
    this.calls.delete(callId);
    for (const track of call.microphone.getTracks()) track.stop();
    call.audio.srcObject = null;
    call.pc.close();
  }

  /** Byte and packet counters of a call's audio: the live quality figures build on these. */
  async stats(callId: string): Promise<AudioStats | undefined> {
    const call = this.calls.get(callId);
    if (!call) return undefined;
    const result: AudioStats = {
      bytesSent: 0,
      bytesReceived: 0,
      packetsSent: 0,
      packetsReceived: 0,
      tonesPlayed: call.tonesPlayed,
    };
    (await call.pc.getStats()).forEach((report: RTCStats & Record<string, unknown>) => {
      if (report.type === 'outbound-rtp' && report.kind === 'audio') {
        result.bytesSent += Number(report.bytesSent ?? 0);
        result.packetsSent += Number(report.packetsSent ?? 0);
      }
      if (report.type === 'inbound-rtp' && report.kind === 'audio') {
        result.bytesReceived += Number(report.bytesReceived ?? 0);
        result.packetsReceived += Number(report.packetsReceived ?? 0);
      }
    });
    result.direction = call.pc.getTransceivers()[0]?.currentDirection ?? undefined;
    return result;
  }

  /**
   * The agent chose other devices during a call (a headset plugged in): the far end's audio moves to
   * the new output, and the new microphone replaces the old one without a re-INVITE.
   */
  async useDevices(): Promise<void> {
    const { input, output } = this.devices();
    for (const call of this.calls.values()) {
      const audio = call.audio as HTMLAudioElement & { setSinkId?(id: string): Promise<void>; sinkId?: string };
      if (audio.setSinkId && (audio.sinkId ?? '') !== (output ?? '')) await audio.setSinkId(output ?? '');
      const current = call.microphone.getAudioTracks()[0];
      if ((current?.getSettings().deviceId ?? '') === (input ?? '') || (!input && current)) continue;
      const microphone = await navigator.mediaDevices.getUserMedia({
        audio: input ? { deviceId: { exact: input } } : true,
        video: false,
      });
      const track = microphone.getAudioTracks()[0] ?? null;
      if (track && current) track.enabled = current.enabled; // a muted call stays muted
      for (const sender of call.pc.getSenders()) {
        // On hold nothing is sent; the new microphone is used on resume.
        if (sender.track) await sender.replaceTrack(track);
      }
      for (const old of call.microphone.getTracks()) old.stop();
      call.microphone = microphone;
    }
  }

  /** Receive-side counters of every call, for the live quality indicator (sent to the core each second). */
  async sample(): Promise<MediaStatsSample[]> {
    const samples: MediaStatsSample[] = [];
    for (const [callId, call] of this.calls) {
      const report = await call.pc.getStats();
      const sample: MediaStatsSample = {
        callId,
        at: Date.now(),
        packetsReceived: 0,
        packetsLost: 0,
        bytesReceived: 0,
        jitterMs: 0,
      };
      report.forEach((entry: RTCStats & Record<string, unknown>) => {
        if (entry.type === 'inbound-rtp' && entry.kind === 'audio') {
          sample.packetsReceived += Number(entry.packetsReceived ?? 0);
          sample.packetsLost += Number(entry.packetsLost ?? 0);
          sample.bytesReceived += Number(entry.bytesReceived ?? 0);
          sample.jitterMs = Math.max(sample.jitterMs, Number(entry.jitter ?? 0) * 1000);
          const codec = report.get(String(entry.codecId)) as { mimeType?: string } | undefined;
          if (codec?.mimeType) sample.codec = codec.mimeType.replace(/^audio\//i, '');
        }
        if (entry.type === 'remote-inbound-rtp' && entry.kind === 'audio' && entry.roundTripTime !== undefined)
          sample.rttMs = Number(entry.roundTripTime) * 1000;
        if (entry.type === 'candidate-pair' && entry.nominated && entry.currentRoundTripTime !== undefined)
          sample.rttMs ??= Number(entry.currentRoundTripTime) * 1000;
      });
      samples.push(sample);
    }
    return samples;
  }

  callIds(): string[] {
    return [...this.calls.keys()];
  }
}

/** Resolves once the page has painted (or after 100 ms in a hidden page, where frames do not come). */
function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => {
    const fallback = setTimeout(resolve, 100);
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(fallback);
        resolve();
      }, 0),
    );
  });
}
