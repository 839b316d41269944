import { parseUiMessage, type CoreMessage, type MediaRequest, type MediaResult } from '../contract/index.js';
import type { Logger } from '../log/logger.js';
import type { Core } from './core.js';
import type { MediaChannel } from './media-channel.js';

/**
 * One UI connection to the core, whatever carries it (Electron IPC or the web host's WebSocket):
 * every incoming message is checked against the contract, a malformed one gets a typed error
 * (never a crash), and the core's events flow out. Both hosts use this, so both check the same way.
 */
export class ContractEndpoint implements MediaChannel {
  private readonly unsubscribe: () => void;
  private closed = false;
  private nextMediaId = 1;
  private readonly pendingMedia = new Map<string, { resolve: (r: MediaResult) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly core: Core,
    private readonly send: (message: CoreMessage) => void,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = core.onEvent((event) => this.post({ kind: 'event', event }));
    this.post({ kind: 'event', event: { type: 'state', state: core.snapshot() } });
  }

  private post(message: CoreMessage): void {
    if (this.closed) return;
    try {
      this.send(message);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not deliver a message to the UI');
    }
  }

  /** Handles one raw message: a JSON string from a socket, or a structured-cloned object from IPC. */
  async receive(raw: unknown): Promise<void> {
    const parsed = parseUiMessage(raw);
    if (!parsed.ok) {
      this.logger.warn({ issues: parsed.error.issues }, 'malformed message from the UI');
      if (parsed.id) this.post({ kind: 'result', id: parsed.id, ok: false, error: parsed.error });
      else this.post({ kind: 'error', error: parsed.error });
      return;
    }
    const message = parsed.value;
    if (message.kind === 'media-result') {
      const pending = this.pendingMedia.get(message.id);
      this.pendingMedia.delete(message.id);
      if (!pending) return; // late answer to a request that already timed out
      if (message.ok) pending.resolve(message.result ?? {});
      else pending.reject(new Error(`media engine: ${message.error ?? 'failed'}`));
      return;
    }
    try {
      const result = await this.core.dispatch(message.command, this);
      this.post(
        result.ok
          ? { kind: 'result', id: message.id, ok: true, value: result.value }
          : { kind: 'result', id: message.id, ok: false, error: result.error },
      );
    } catch (error) {
      this.logger.error({ err: error, command: message.command.type }, 'command failed');
      this.post({
        kind: 'result',
        id: message.id,
        ok: false,
        error: { code: 'internal', message: 'The softphone could not carry out this action; see the log for details' },
      });
    }
  }

  /** Asks this window's media engine; the core's MediaRouter puts the deadline on it. */
  request(request: MediaRequest): Promise<MediaResult> {
    if (this.closed) return Promise.reject(new Error('the window is gone'));
    const id = `m${this.nextMediaId++}`;
    return new Promise((resolve, reject) => {
      this.pendingMedia.set(id, { resolve, reject });
      this.post({ kind: 'media-request', id, request });
    });
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.core.detachMedia(this);
    for (const pending of this.pendingMedia.values()) pending.reject(new Error('the window is gone'));
    this.pendingMedia.clear();
  }
}
