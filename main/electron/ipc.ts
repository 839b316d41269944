import { ipcMain, type IpcMainEvent, type WebContents, type WebFrameMain } from 'electron';
import { IPC_CHANNELS } from '../../src/contract/bridge.js';
import type { Core } from '../../src/core/core.js';
import { ContractEndpoint } from '../../src/core/endpoint.js';
import type { Logger } from '../../src/log/logger.js';
import { isTrustedIpcSender, isTrustedUrl, originOf } from './security-policy.js';

interface AttachedWindow {
  contents: WebContents;
  endpoint: ContractEndpoint | undefined;
}

function isMainFrameOf(frame: WebFrameMain | null, contents: WebContents): boolean {
  if (!frame || frame.parent !== null) return false;
  const main = contents.mainFrame;
  return frame.processId === main.processId && frame.routingId === main.routingId;
}

/**
 * Carries the contract between the core and our windows over Electron IPC: one ContractEndpoint
 * per window (so each is validated exactly as the web host's WebSocket is), and one per loaded
 * document (a reload gets a fresh state snapshot). Messages from any other sender are dropped.
 */
export class IpcHost {
  private readonly windows = new Map<number, AttachedWindow>();
  private readonly onMessage = (event: IpcMainEvent, message: unknown) => this.receive(event, message);

  constructor(
    private readonly core: Core,
    private readonly logger: Logger,
    private readonly trusted: readonly string[],
  ) {
    ipcMain.on(IPC_CHANNELS.toCore, this.onMessage);
  }

  /** Starts carrying the contract for this window's page. */
  attach(contents: WebContents): void {
    const attached: AttachedWindow = { contents, endpoint: undefined };
    this.windows.set(contents.id, attached);
    const reset = () => {
      attached.endpoint?.close();
      attached.endpoint = undefined;
    };
    // A new document needs its own endpoint; the old one's listeners are gone with it.
    contents.on('did-navigate', reset);
    contents.on('render-process-gone', reset);
    // Open the endpoint once the page's scripts have run and subscribed, so that the first state
    // snapshot is not sent into the void (the preload also keeps messages until someone listens).
    contents.on('dom-ready', () => {
      if (isTrustedUrl(contents.mainFrame.url, this.trusted)) this.endpointFor(attached);
    });
    contents.once('destroyed', () => {
      reset();
      this.windows.delete(contents.id);
    });
  }

  close(): void {
    ipcMain.removeListener(IPC_CHANNELS.toCore, this.onMessage);
    for (const attached of this.windows.values()) {
      attached.endpoint?.close();
      attached.endpoint = undefined;
    }
    this.windows.clear();
  }

  private endpointFor(attached: AttachedWindow): ContractEndpoint {
    if (!attached.endpoint) {
      const { contents } = attached;
      attached.endpoint = new ContractEndpoint(
        this.core,
        (message) => {
          if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.toUi, message);
        },
        this.logger,
      );
    }
    return attached.endpoint;
  }

  private receive(event: IpcMainEvent, message: unknown): void {
    const attached = this.windows.get(event.sender.id);
    const frame = event.senderFrame;
    const trusted = isTrustedIpcSender(
      {
        url: frame?.url,
        isMainFrame: isMainFrameOf(frame, event.sender),
        isOurWindow: attached !== undefined && attached.contents === event.sender,
      },
      this.trusted,
    );
    if (!trusted || !attached) {
      this.logger.warn(
        { origin: originOf(frame?.url) ?? 'unknown', ourWindow: attached !== undefined },
        'ignored a contract message from a sender that is not our window',
      );
      return;
    }
    void this.endpointFor(attached).receive(message);
  }
}
