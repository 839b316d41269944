/**
 * A TCP relay that integration tests put between the softphone and the PBX, to make the network
 * misbehave on command and check that the line heals itself:
 *
 *   const relay = await startFaultRelay({ upstreamUrl: pbx.wsUrl });
 *   // ... sip.js UserAgent({ transportOptions: { server: relay.url } }) ...
 *   relay.cut();        // both ends get a TCP RST; new connections are reset at once
 *   relay.blackhole();  // connections stay open but nothing gets through, as after a NAT timeout
 *   relay.blackhole({ only: 'toClient' });  // the same for the answers alone: requests still arrive
 *   relay.delay(300);   // every chunk waits 300 ms more, each way, order kept
 *   relay.restore();    // new connections work normally again
 *   await relay.close();
 *
 * It relays bytes and never parses them: SIP over WebSocket (or TLS) passes through unchanged.
 * Plain Node `net`, so it needs no privileges and no extra tools (tc, iptables) on the machine.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

type Upstream =
  | { upstreamHost: string; upstreamPort: number; upstreamUrl?: never }
  /** Host and port are taken from the URL, and `relay.url` keeps its scheme and path. */
  | { upstreamUrl: string; upstreamHost?: never; upstreamPort?: never };

export type FaultRelayOptions = Upstream & {
  /** Default 127.0.0.1, where the test PBX listens too. */
  listenHost?: string;
  /** Default 0: a free port. */
  listenPort?: number;
};

export type FaultRelayEventType =
  | 'connect' // a client connected and is relayed upstream
  | 'refused' // a client connected during a cut and was reset at once
  | 'swallowed' // a client connected during a blackhole: kept open, never relayed
  | 'close' // the client's socket is closed: by either end, for any reason
  | 'upstream-error' // the relay could not reach the upstream or lost it
  | 'cut'
  | 'blackhole'
  | 'delay'
  | 'restore';

export interface FaultRelayEvent {
  /** Epoch ms, to line up with other logs (Kamailio's, the app's). */
  at: number;
  type: FaultRelayEventType;
  /** Which client connection, numbered from 1 in order of arrival. */
  connection?: number;
  detail?: string;
}

export interface FaultRelayStats {
  /** Bytes delivered from clients to the upstream, and back. */
  toUpstream: number;
  toClient: number;
  /** Bytes swallowed by a blackhole, or lost from the delay queue to a blackhole or a cut, each way. */
  dropped: { toUpstream: number; toClient: number };
}

/** Which way bytes go: from the client to the upstream (requests), or back (answers). */
export type Direction = 'toUpstream' | 'toClient';

export interface BlackholeOptions {
  /**
   * Swallow one direction only, on the connections open now: with 'toClient' the upstream still
   * gets every request but the client never hears an answer (nor the upstream's FIN or RST), the
   * moment a request is on its way when a link dies. New connections are swallowed whole anyway.
   */
  only?: Direction;
}

export interface FaultRelay {
  readonly listenHost: string;
  readonly listenPort: number;
  /** Where to point the client: `ws://<listenHost>:<listenPort>` (the upstream URL's scheme and path when given one). */
  readonly url: string;
  /** Timestamped log of connections and faults, oldest first. */
  readonly events: readonly FaultRelayEvent[];
  /**
   * Resets every connection (RST to the client and to the upstream) and, until `restore()`, resets
   * each new connection as soon as it is accepted. The relay keeps listening rather than closing
   * its port, so that no other process can take the port and `restore()` cannot fail; to the
   * client it looks like a firewall that rejects with a TCP reset: ECONNRESET, not ECONNREFUSED,
   * either as the connect fails or just after it succeeded, depending on which the client sees first.
   */
  cut(): void;
  /**
   * Half-open failure, as when a NAT or firewall silently forgets the connection: existing
   * connections stay open but everything either way (or one way: `only`) is read and dropped, and
   * no FIN or RST is passed on. New connections are accepted and never relayed. These connections stay dead after
   * `restore()`; only connections made after it work. A side that closes its own end is let go,
   * so `connections()` shows when the app gives up on a dead connection.
   */
  blackhole(options?: BlackholeOptions): void;
  /** Holds every chunk `ms` longer, each way, keeping the order; `delay(0)` stops adding latency. */
  delay(ms: number): void;
  /** Ends cut, blackhole and delay: new connections are relayed normally. */
  restore(): void;
  /** Client connections still open, black-holed ones included. */
  connections(): number;
  stats(): FaultRelayStats;
  /** The event log as text, one event a line with ms since the relay started: for failure messages. */
  describe(): string;
  /** Stops listening and drops every connection and timer. Idempotent. */
  close(): Promise<void>;
}

/** One direction of one connection: a FIFO so that delayed chunks (and the final FIN) keep their order. */
class Pipe {
  private readonly queue: Array<{ due: number; chunk: Buffer | 'end' }> = [];
  private timer: NodeJS.Timeout | undefined;
  private waitingForDrain = false;

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly direction: Direction,
    private readonly counters: FaultRelayStats,
  ) {}

  /** `chunk` 'end' is the sender's FIN, passed on as `end()` once the data before it is delivered. */
  push(chunk: Buffer | 'end', delayMs: number): void {
    if (delayMs <= 0 && this.queue.length === 0) return this.deliver(chunk);
    // performance.now(), not Date.now(): a wall-clock step must not shorten the delay.
    this.queue.push({ due: performance.now() + delayMs, chunk });
    if (this.queue.length === 1) this.schedule();
  }

  /** Drops whatever is still queued, as a blackhole or a reset would lose it. */
  discard(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const { chunk } of this.queue.splice(0))
      if (chunk !== 'end') this.counters.dropped[this.direction] += chunk.length;
  }

  private schedule(): void {
    const head = this.queue[0];
    if (!head) return;
    // Timers may fire a little early (ms rounding); waiting again until `due` keeps the promise
    // that tests rely on: a chunk is never delivered before its delay is up.
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const now = performance.now();
        while (this.queue.length > 0 && this.queue[0]!.due <= now) this.deliver(this.queue.shift()!.chunk);
        this.schedule();
      },
      Math.max(0, Math.ceil(head.due - performance.now())),
    );
  }

  private deliver(chunk: Buffer | 'end'): void {
    if (this.to.destroyed) return;
    if (chunk === 'end') {
      this.to.end();
      return;
    }
    this.counters[this.direction] += chunk.length;
    // Backpressure: a slow reader slows the sender instead of growing our buffers without bound.
    if (!this.to.write(chunk) && !this.waitingForDrain) {
      this.waitingForDrain = true;
      this.from.pause();
      this.to.once('drain', () => {
        this.waitingForDrain = false;
        this.from.resume();
      });
    }
  }
}

class Connection {
  /** The directions a blackhole swallows; once swallowed, a direction never forwards again, even after restore(). */
  private readonly swallowed = new Set<Direction>();
  readonly upstream: net.Socket | undefined;
  private readonly pipes = new Map<Direction, Pipe>();
  private openSockets: number;

  constructor(
    readonly id: number,
    readonly client: net.Socket,
    private readonly relay: {
      upstreamHost: string;
      upstreamPort: number;
      delayMs(): number;
      stats: FaultRelayStats;
      log(type: FaultRelayEventType, connection?: number, detail?: string): void;
      /** The client side is gone: no longer counted by connections(). */
      clientClosed(connection: Connection): void;
      /** Every socket is gone: nothing left for close() to sweep. */
      released(connection: Connection): void;
    },
    relayed: boolean,
  ) {
    this.openSockets = relayed ? 2 : 1;
    client.on('error', () => this.onSideFailed(client));
    client.on('close', () => this.onClientClosed());
    if (!relayed) {
      this.swallowed.add('toUpstream').add('toClient');
      this.swallow(client, 'toUpstream');
      return;
    }
    const upstream = net.connect({ host: relay.upstreamHost, port: relay.upstreamPort, allowHalfOpen: true });
    this.upstream = upstream;
    upstream.on('close', () => this.onSocketClosed());
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      relay.log('upstream-error', id, error.code ?? error.message);
      this.onSideFailed(upstream);
    });
    // Each half of the TCP connection is relayed on its own, so a FIN reaches the other side in order.
    this.relayHalf(client, upstream, 'toUpstream');
    this.relayHalf(upstream, client, 'toClient');
  }

  blackhole(only?: Direction): void {
    for (const direction of only ? [only] : (['toUpstream', 'toClient'] as const)) {
      if (this.swallowed.has(direction)) continue;
      this.swallowed.add(direction);
      this.pipes.get(direction)?.discard();
      const from = direction === 'toUpstream' ? this.client : this.upstream;
      if (!from) continue;
      from.removeAllListeners('data').removeAllListeners('end');
      this.swallow(from, direction);
    }
  }

  reset(): void {
    for (const pipe of this.pipes.values()) pipe.discard();
    for (const socket of [this.client, this.upstream]) if (socket && !socket.destroyed) socket.resetAndDestroy();
  }

  destroy(): void {
    for (const pipe of this.pipes.values()) pipe.discard();
    this.client.destroy();
    this.upstream?.destroy();
  }

  private relayHalf(from: net.Socket, to: net.Socket, direction: Direction): void {
    const pipe = new Pipe(from, to, direction, this.relay.stats);
    this.pipes.set(direction, pipe);
    from.on('data', (chunk: Buffer) => pipe.push(chunk, this.relay.delayMs()));
    from.on('end', () => pipe.push('end', this.relay.delayMs()));
  }

  /** Reads and drops: the sender sees its data accepted, the way packets vanish past a dead NAT. */
  private swallow(socket: net.Socket, direction: Direction): void {
    socket.on('data', (chunk: Buffer) => (this.relay.stats.dropped[direction] += chunk.length));
    // A side that gives up on a dead connection is let go; the other side is never told.
    socket.on('end', () => socket.destroy());
    socket.resume();
  }

  /** An RST (or any error) on one side becomes an RST on the other, unless a blackhole swallows what that side sends. */
  private onSideFailed(side: net.Socket): void {
    const other = side === this.client ? this.upstream : this.client;
    side.destroy();
    const swallowed = this.swallowed.has(side === this.client ? 'toUpstream' : 'toClient');
    if (!swallowed && other && !other.destroyed) other.resetAndDestroy();
  }

  /**
   * The upstream socket may outlive the client: when black-holed, so that the upstream does not
   * learn that the client went away; otherwise while delayed data and the FIN are still on their
   * way to it. Either way close() sweeps it.
   */
  private onClientClosed(): void {
    this.relay.log('close', this.id);
    this.relay.clientClosed(this);
    this.onSocketClosed();
  }

  private onSocketClosed(): void {
    if (--this.openSockets === 0) this.relay.released(this);
  }
}

/** Starts listening and resolves once the relay accepts connections. */
export async function startFaultRelay(options: FaultRelayOptions): Promise<FaultRelay> {
  const target = upstreamOf(options);
  const listenHost = options.listenHost ?? '127.0.0.1';
  const startedAt = Date.now();
  const events: FaultRelayEvent[] = [];
  const stats: FaultRelayStats = { toUpstream: 0, toClient: 0, dropped: { toUpstream: 0, toClient: 0 } };
  /** Connections whose client the relay still serves: what connections() counts. */
  const live = new Set<Connection>();
  /** Connections with any socket still open, the upstream one possibly outliving the client's. */
  const all = new Set<Connection>();
  let mode: 'normal' | 'cut' | 'blackhole' = 'normal';
  let delayMs = 0;
  let nextId = 1;
  let closed: Promise<void> | undefined;

  const log = (type: FaultRelayEventType, connection?: number, detail?: string) =>
    events.push({ at: Date.now(), type, ...(connection !== undefined && { connection }), ...(detail && { detail }) });

  const shared = {
    upstreamHost: target.host,
    upstreamPort: target.port,
    delayMs: () => delayMs,
    stats,
    log,
    clientClosed: (connection: Connection) => live.delete(connection),
    released: (connection: Connection) => all.delete(connection),
  };

  // allowHalfOpen: a client's FIN is passed on in order rather than closing both directions at once.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const id = nextId++;
    if (mode === 'cut') {
      log('refused', id);
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    log(mode === 'blackhole' ? 'swallowed' : 'connect', id, `from port ${client.remotePort}`);
    const connection = new Connection(id, client, shared, mode === 'normal');
    live.add(connection);
    all.add(connection);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort ?? 0, listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const listenPort = (server.address() as net.AddressInfo).port;

  return {
    listenHost,
    listenPort,
    url: relayUrl(target.url, listenHost, listenPort),
    events,
    cut() {
      mode = 'cut';
      log('cut', undefined, `${live.size} connection(s) reset`);
      for (const connection of all) connection.reset();
      // Their sockets close a moment later; a test asserting right after cut() must already see zero.
      live.clear();
    },
    blackhole(options = {}) {
      mode = 'blackhole';
      const what = options.only ? `${options.only} swallowed` : 'swallowed';
      log('blackhole', undefined, `${live.size} connection(s) ${what}`);
      for (const connection of live) connection.blackhole(options.only);
    },
    delay(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`delay must be a finite number of ms >= 0, got ${ms}`);
      delayMs = ms;
      log('delay', undefined, `${ms} ms each way`);
    },
    restore() {
      mode = 'normal';
      delayMs = 0;
      log('restore');
    },
    connections: () => live.size,
    stats: () => ({ ...stats, dropped: { ...stats.dropped } }),
    describe: () =>
      events
        .map(
          (e) =>
            `+${e.at - startedAt}ms ${e.type}${e.connection === undefined ? '' : ` #${e.connection}`}` +
            (e.detail ? ` (${e.detail})` : ''),
        )
        .join('\n'),
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of all) connection.destroy();
      });
      return closed;
    },
  };
}

function upstreamOf(options: FaultRelayOptions): { host: string; port: number; url?: URL } {
  if (options.upstreamUrl === undefined) return { host: options.upstreamHost, port: options.upstreamPort };
  const url = new URL(options.upstreamUrl);
  const port = Number(url.port) || (url.protocol === 'wss:' || url.protocol === 'https:' ? 443 : 80);
  // URL keeps the brackets of an IPv6 literal; net.connect wants the bare address.
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, url };
}

function relayUrl(upstream: URL | undefined, host: string, port: number): string {
  const authority = `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
  if (!upstream) return `ws://${authority}`;
  // Keep path and query: a WebSocket server may route on them.
  const path = upstream.pathname === '/' && !upstream.search ? '' : upstream.pathname + upstream.search;
  return `${upstream.protocol}//${authority}${path}`;
}
