import WS from 'ws';

/**
 * sip.js opens its WebSocket with the global constructor, which Node 20 lacks. We give it `ws`,
 * remember the last low-level error per server (the browser-style error event sip.js sees carries
 * no reason, and the agent deserves one), and keep the connection honest with keepalives.
 */
const lastErrors = new Map<string, { error: Error; at: number }>();
const open = new Set<NodeSipWebSocket>();

export interface KeepaliveOptions {
  /** Time between pings; each wait is drawn within ±20% so that desks do not ping in step. */
  intervalMs: number;
  /** A ping unanswered this long means the connection is dead (half-open: no FIN, no RST ever came). */
  timeoutMs: number;
  random?: () => number;
}

/**
 * RFC 6455 ping/pong on the SIP WebSocket, every ~25 s (RFC 5626 §4.4.1 suggests 25–30 s to keep
 * NAT bindings; RFC 7118 §6 leaves the mechanism to WebSocket's own frames). 25 s + 20% + 8 s keeps
 * the detection of a half-open connection under 40 s.
 */
export const DEFAULT_KEEPALIVE: KeepaliveOptions = { intervalMs: 25_000, timeoutMs: 8_000 };
let keepalive: KeepaliveOptions = DEFAULT_KEEPALIVE;

export class KeepaliveTimeoutError extends Error {
  constructor(ms: number) {
    super(`the server did not answer a keepalive within ${Math.round(ms / 1000)} s`);
    this.name = 'KeepaliveTimeoutError';
  }
}

export class NodeSipWebSocket extends WS {
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly key: string;

  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols, { handshakeTimeout: 8_000 });
    this.key = String(url);
    this.on('error', (error: Error) => lastErrors.set(this.key, { error, at: Date.now() }));
    this.on('open', () => {
      open.add(this);
      this.schedulePing();
    });
    this.on('pong', () => {
      clearTimeout(this.pongTimer);
      this.pongTimer = undefined;
    });
    this.on('close', () => {
      open.delete(this);
      clearTimeout(this.pingTimer);
      clearTimeout(this.pongTimer);
    });
  }

  /** Pings now and declares the connection dead unless the server answers within `timeoutMs`. */
  probe(timeoutMs = keepalive.timeoutMs): void {
    if (this.readyState !== WS.OPEN || this.pongTimer) return;
    this.pongTimer = setTimeout(() => {
      const error = new KeepaliveTimeoutError(timeoutMs);
      lastErrors.set(this.key, { error, at: Date.now() });
      // No close handshake: the other end is not listening. terminate() makes sip.js see the loss.
      this.terminate();
    }, timeoutMs);
    try {
      this.ping();
    } catch {
      // The socket is closing; its close event does the rest.
    }
  }

  private schedulePing(): void {
    clearTimeout(this.pingTimer);
    const random = keepalive.random ?? Math.random;
    const wait = keepalive.intervalMs * (0.8 + 0.4 * random());
    this.pingTimer = setTimeout(() => {
      this.probe();
      this.schedulePing();
    }, wait);
  }
}

/** The socket error seen for this server since `since` (epoch ms), if any; forgets it. */
export function takeSocketError(server: string, since: number): Error | undefined {
  const entry = lastErrors.get(server);
  lastErrors.delete(server);
  return entry && entry.at >= since ? entry.error : undefined;
}

export function installNodeWebSocket(options: KeepaliveOptions = DEFAULT_KEEPALIVE): void {
  keepalive = options;
  const g = globalThis as unknown as { WebSocket?: unknown };
  if (g.WebSocket !== NodeSipWebSocket) g.WebSocket = NodeSipWebSocket;
}

/** After a sleep or a network change: check every open connection now, with a short deadline. */
export function probeOpenConnections(timeoutMs: number): number {
  for (const socket of open) socket.probe(timeoutMs);
  return open.size;
}
