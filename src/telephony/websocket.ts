import WS from 'ws';

/**
 * sip.js opens its WebSocket with the global constructor, which Node 20 lacks. We give it `ws`,
 * and remember the last low-level error per server, since the browser-style error event sip.js
 * sees carries no reason and the agent deserves one (refused, name not found, certificate…).
 */
const lastErrors = new Map<string, { error: Error; at: number }>();

export class NodeSipWebSocket extends WS {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols, { handshakeTimeout: 8_000 });
    const key = String(url);
    this.on('error', (error: Error) => lastErrors.set(key, { error, at: Date.now() }));
  }
}

/** The socket error seen for this server since `since` (epoch ms), if any; forgets it. */
export function takeSocketError(server: string, since: number): Error | undefined {
  const entry = lastErrors.get(server);
  lastErrors.delete(server);
  return entry && entry.at >= since ? entry.error : undefined;
}

export function installNodeWebSocket(): void {
  const g = globalThis as unknown as { WebSocket?: unknown };
  if (g.WebSocket !== NodeSipWebSocket) g.WebSocket = NodeSipWebSocket;
}
