import type { UiMessage } from './messages.js';

/**
 * The one object the Electron preload exposes to the renderer (as `window.softphone`). Messages in
 * both directions are contract envelopes; the renderer validates what it receives, the core what
 * it is sent. The web host offers the same through its WebSocket.
 */
export interface SoftphoneBridge {
  send(message: UiMessage): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

/** The IPC channel names the preload and the Electron host agree on. Nothing else is carried. */
export const IPC_CHANNELS = { toCore: 'contract:to-core', toUi: 'contract:to-ui' } as const;
