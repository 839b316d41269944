import type { Call } from '../../../src/contract/index.js';

type Sound = 'ringtone' | 'ringback';

export interface TonesState {
  /** What is playing now, and on which output (empty: the system default). */
  ringtone: { playing: boolean; sinkId: string };
  ringback: { playing: boolean; sinkId: string };
  /** The browser refused to play before the agent touched the page (autoplay policy). */
  blocked: boolean;
}

type SinkAudio = HTMLAudioElement & { setSinkId?(id: string): Promise<void>; sinkId?: string };

/**
 * The call sounds of our own (assets/web/sounds): the ringtone on the ringer device while a call
 * rings for the agent, and the ringback tone on the headset while the far end rings without
 * sending audio of its own (with early media, the far end's audio plays instead).
 */
export class Tones {
  private readonly audio: Record<Sound, SinkAudio>;
  private readonly state: TonesState = {
    ringtone: { playing: false, sinkId: '' },
    ringback: { playing: false, sinkId: '' },
    blocked: false,
  };

  constructor(private readonly onBlocked: (blocked: boolean) => void) {
    this.audio = { ringtone: new Audio('sounds/ringtone.wav'), ringback: new Audio('sounds/ringback.wav') };
    for (const audio of Object.values(this.audio)) {
      audio.loop = true;
      audio.preload = 'auto';
    }
  }

  /** Follows the calls: called on every change of the calls or of the chosen devices. */
  update(calls: Call[], devices: { output: string; ringer: string }): void {
    const busy = calls.some((call) => call.state === 'active' || call.state === 'early-media');
    const ringing = calls.some((call) => call.state === 'ringing-in' && !call.autoAnswered);
    const ringback = calls.some((call) => call.state === 'ringing-out');
    // A waiting call rings softly, in the headset, so the agent's caller does not hear a loud ring.
    this.set('ringtone', ringing, busy ? devices.output : devices.ringer, busy ? 0.35 : 1);
    this.set('ringback', ringback, devices.output, 1);
  }

  snapshot(): TonesState {
    return structuredClone(this.state);
  }

  private set(sound: Sound, on: boolean, sinkId: string, volume: number): void {
    const audio = this.audio[sound];
    const state = this.state[sound];
    audio.volume = volume;
    if (!on) {
      if (state.playing) {
        audio.pause();
        audio.currentTime = 0;
        state.playing = false;
      }
      return;
    }
    if (state.playing && state.sinkId === sinkId) return;
    state.playing = true;
    state.sinkId = sinkId;
    void (async () => {
      // A device that is gone falls back to the default output rather than staying silent.
      if (audio.setSinkId && audio.sinkId !== sinkId) await audio.setSinkId(sinkId).catch(() => audio.setSinkId?.(''));
      try {
        await audio.play();
        this.setBlocked(false);
      } catch (error) {
        // Not allowed before the agent touched the page: tried again on their next key or click.
        if ((error as Error).name !== 'AbortError') state.playing = false;
        if ((error as Error).name === 'NotAllowedError') this.setBlocked(true);
      }
    })();
  }

  private setBlocked(blocked: boolean): void {
    if (this.state.blocked === blocked) return;
    this.state.blocked = blocked;
    this.onBlocked(blocked);
  }
}
