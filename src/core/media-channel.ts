import type { MediaRequest, MediaResult } from '../contract/messages.js';
import { MediaUnavailableError, type MediaPort } from '../telephony/media.js';

/** One window's media engine, reached through its contract connection. */
export interface MediaChannel {
  request(request: MediaRequest): Promise<MediaResult>;
}

/**
 * The core's way to the media engine: the most recently attached window that has one. A request
 * gets a deadline of its own (sip.js puts none on its handler's promises), so a window that froze
 * or went away fails the call cleanly instead of leaving it hanging.
 */
export class MediaRouter implements MediaPort {
  private channels: MediaChannel[] = [];

  constructor(private readonly timeoutMs = 10_000) {}

  attach(channel: MediaChannel): void {
    this.detach(channel);
    this.channels.push(channel);
  }

  detach(channel: MediaChannel): void {
    this.channels = this.channels.filter((c) => c !== channel);
  }

  available(): boolean {
    return this.channels.length > 0;
  }

  request(request: MediaRequest): Promise<MediaResult> {
    const channel = this.channels.at(-1);
    if (!channel) return Promise.reject(new MediaUnavailableError());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new MediaUnavailableError(
              `the media engine did not answer "${request.op}" within ${this.timeoutMs / 1000} s`,
            ),
          ),
        this.timeoutMs,
      );
      channel.request(request).then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}
