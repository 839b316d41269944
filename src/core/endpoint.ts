import { parseUiMessage, type CoreMessage } from '../contract/index.js';
import type { Logger } from '../log/logger.js';
import type { Core } from './core.js';

/**
 * One UI connection to the core, whatever carries it (Electron IPC or the web host's WebSocket):
 * every incoming message is checked against the contract, a malformed one gets a typed error
 * (never a crash), and the core's events flow out. Both hosts use this, so both check the same way.
 */
export class ContractEndpoint {
  private readonly unsubscribe: () => void;
  private closed = false;

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
    if (message.kind === 'media-result') return; // media calls arrive with the calls issue
    try {
      const result = await this.core.dispatch(message.command);
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

  close(): void {
    this.closed = true;
    this.unsubscribe();
  }
}
