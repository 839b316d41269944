/**
 * The fault relay that other integration tests use to break the network between the softphone
 * and Kamailio. Its faults must be the real thing (an RST is an RST, a blackhole tells nobody
 * anything), or a test that passes through it would prove nothing; so they are checked here
 * against a plain TCP echo server, then once against the PBX with a sip.js UserAgent.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Registerer, type UserAgent } from 'sip.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startPbx } from '../../tools/pbx/pbx.js';
import { startFaultRelay, type FaultRelay } from '../support/fault-relay.js';
import { registerPeer } from '../support/sip-peer.js';
import { waitFor } from '../support/wait.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Echoes every byte back; remembers what it received and how its sockets ended. */
async function startEchoServer() {
  const sockets = new Set<net.Socket>();
  const errors: string[] = [];
  const echo = { port: 0, received: 0, errors, connections: 0, sockets };
  const server = net.createServer((socket) => {
    echo.connections++;
    sockets.add(socket);
    socket.on('data', (chunk) => {
      echo.received += chunk.length;
      socket.write(chunk);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message));
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  echo.port = (server.address() as net.AddressInfo).port;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return echo;
}

async function relayTo(port: number): Promise<FaultRelay> {
  const relay = await startFaultRelay({ upstreamHost: '127.0.0.1', upstreamPort: port });
  cleanups.push(() => relay.close());
  return relay;
}

/** A test client that records everything its socket goes through, so that silence can be asserted. */
class Client {
  readonly socket: net.Socket;
  text = '';
  lastDataAt = 0;
  /** In order: 'connect', 'end', 'close', 'error <code>'. */
  readonly seen: string[] = [];
  /** Resolves when the socket is closed, however that happened (see `seen`). */
  readonly closed: Promise<void>;

  constructor(port: number) {
    this.socket = net.connect({ host: '127.0.0.1', port });
    this.socket.on('connect', () => this.seen.push('connect'));
    this.socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString();
      this.lastDataAt = performance.now();
    });
    this.socket.on('end', () => this.seen.push('end'));
    this.socket.on('error', (error: NodeJS.ErrnoException) => this.seen.push(`error ${error.code}`));
    this.closed = new Promise((resolve) =>
      this.socket.on('close', () => {
        this.seen.push('close');
        resolve();
      }),
    );
    cleanups.push(() => this.socket.destroy());
  }

  /** Sends `text` and resolves when it has come back. */
  async echo(text: string): Promise<void> {
    const expected = this.text + text;
    this.socket.write(text);
    await waitFor(`echo of "${text}" (got "${this.text}", saw ${this.seen.join(', ')})`, () => this.text === expected);
  }
}

describe('fault relay', () => {
  it('relays both ways, passes a half-close on, and counts', async () => {
    const echo = await startEchoServer();
    const relay = await relayTo(echo.port);
    expect(relay.url).toBe(`ws://127.0.0.1:${relay.listenPort}`);

    const client = new Client(relay.listenPort);
    await client.echo('hello');
    expect(relay.connections()).toBe(1);
    expect(relay.stats()).toEqual({ toUpstream: 5, toClient: 5, dropped: { toUpstream: 0, toClient: 0 } });

    // The client's FIN reaches the echo server, whose FIN comes back: a clean close end to end.
    client.socket.end();
    await client.closed;
    expect(client.seen, relay.describe()).toEqual(['connect', 'end', 'close']);
    await waitFor('the relay to see the close', () => relay.connections() === 0);
    expect(relay.events.map((e) => e.type)).toEqual(['connect', 'close']);
    expect(echo.errors).toEqual([]);
  });

  it('cut resets both sides and resets new connections until restore', async () => {
    const echo = await startEchoServer();
    const relay = await relayTo(echo.port);
    const client = new Client(relay.listenPort);
    await client.echo('before');

    relay.cut();
    await client.closed;
    expect(client.seen, relay.describe()).toEqual(['connect', 'error ECONNRESET', 'close']);
    await waitFor('the echo server to see the reset', () => echo.errors.includes('ECONNRESET'));
    expect(relay.connections()).toBe(0);

    const refused = new Client(relay.listenPort);
    await refused.closed;
    // Accepted, then reset at once (see FaultRelay.cut): the reset may come before or after the
    // client has seen its connect succeed, so 'connect' is optional here.
    expect(
      refused.seen.filter((e) => e !== 'connect'),
      relay.describe(),
    ).toEqual(['error ECONNRESET', 'close']);
    expect(echo.connections, 'no new connection reaches the upstream during a cut').toBe(1);

    relay.restore();
    await new Client(relay.listenPort).echo('after');
    // The relay logs the reset connection's close whenever its socket is gone: leave it out of the order.
    const types = relay.events.map((e) => e.type);
    expect(types.filter((t) => t !== 'close')).toEqual(['connect', 'cut', 'refused', 'restore', 'connect']);
    expect(types.filter((t) => t === 'close')).toHaveLength(1);
  });

  it('blackhole swallows everything silently, and only new connections work after restore', async () => {
    const echo = await startEchoServer();
    const relay = await relayTo(echo.port);
    const old = new Client(relay.listenPort);
    await old.echo('alive');
    const receivedBefore = echo.received;

    relay.blackhole();
    old.socket.write('into the void');
    const late = new Client(relay.listenPort);
    late.socket.write('nobody hears');
    // A half-open connection shows nothing at all: no data, no FIN, no RST. Two seconds of silence.
    await sleep(2_000);
    expect(old.seen, relay.describe()).toEqual(['connect']);
    expect(late.seen, relay.describe()).toEqual(['connect']);
    expect(old.text).toBe('alive');
    expect(late.text).toBe('');
    expect(echo.received, 'the bytes were dropped, not just their echo').toBe(receivedBefore);
    expect(relay.connections()).toBe(2);
    expect(relay.stats().dropped.toUpstream).toBe('into the void'.length + 'nobody hears'.length);

    relay.restore();
    old.socket.write('still dead');
    await new Client(relay.listenPort).echo('fresh');
    expect(old.text, relay.describe()).toBe('alive');
    expect(old.seen).toEqual(['connect']);
    expect(echo.received, 'only the fresh connection reached the upstream').toBe(receivedBefore + 'fresh'.length);

    // The app giving up on a dead connection shows in connections() and the log.
    old.socket.destroy();
    await waitFor('the relay to let the old connection go', () => relay.connections() === 2);
    expect(relay.events.map((e) => e.type)).toEqual([
      'connect',
      'blackhole',
      'swallowed',
      'restore',
      'connect',
      'close',
    ]);
  });

  it("blackhole({ only: 'toClient' }) lets requests through and swallows the answers, a reset among them", async () => {
    const echo = await startEchoServer();
    const relay = await relayTo(echo.port);
    const client = new Client(relay.listenPort);
    await client.echo('alive');
    const receivedBefore = echo.received;

    relay.blackhole({ only: 'toClient' });
    client.socket.write('heard, never answered');
    await waitFor('the request at the upstream', () => echo.received === receivedBefore + 21);
    await sleep(500);
    expect(client.text, relay.describe()).toBe('alive');
    expect(relay.stats().dropped).toEqual({ toUpstream: 0, toClient: 21 });

    // The upstream going away is not passed on either: the client still sees an open connection.
    for (const socket of echo.sockets) socket.resetAndDestroy();
    await waitFor('the relay to see the reset', () => relay.events.some((e) => e.type === 'upstream-error'));
    await sleep(500);
    expect(client.seen, relay.describe()).toEqual(['connect']);

    // A cut still resets what is left.
    relay.cut();
    await client.closed;
    expect(client.seen, relay.describe()).toEqual(['connect', 'error ECONNRESET', 'close']);
    expect(relay.events.map((e) => e.type).slice(0, 4)).toEqual(['connect', 'blackhole', 'upstream-error', 'cut']);
  });

  it('delay adds latency each way and keeps the order', async () => {
    const echo = await startEchoServer();
    const relay = await relayTo(echo.port);
    const client = new Client(relay.listenPort);
    await client.echo('warm-up');

    const ms = 150;
    relay.delay(ms);
    const sentAt = performance.now();
    await client.echo('slow');
    // Each chunk is held `ms` on the way there and again on the way back.
    expect(client.lastDataAt - sentAt, relay.describe()).toBeGreaterThanOrEqual(2 * ms);

    // A chunk sent after the delay is lifted must not overtake one still held.
    relay.delay(500);
    client.socket.write('first,');
    await sleep(50);
    relay.delay(0);
    client.socket.write('second');
    await waitFor('both echoes', () => client.text.length === 'warm-upslowfirst,second'.length);
    expect(client.text, relay.describe()).toBe('warm-upslowfirst,second');
  });
});

describe('fault relay in front of Kamailio', () => {
  it('a UserAgent registers through the relay, and cut() disconnects its transport with an error', async () => {
    const pbx = await startPbx();
    cleanups.push(() => pbx.stop());
    const relay = await startFaultRelay({ upstreamUrl: pbx.wsUrl });
    cleanups.push(() => relay.close());
    expect(relay.url).toBe(`ws://127.0.0.1:${relay.listenPort}`);

    const disconnects: Array<Error | undefined> = [];
    const { ua, status } = await registerPeer({ ...pbx, wsUrl: relay.url }, '1001', {
      delegate: { onDisconnect: (error) => disconnects.push(error) },
    });
    cleanups.push(() => ua.stop());
    expect(status, relay.describe()).toBe(200);
    expect(relay.connections()).toBe(1);
    expect(relay.stats().toUpstream).toBeGreaterThan(0);

    relay.cut();
    const error = await waitFor(`onDisconnect\n${relay.describe()}`, () => disconnects[0]);
    expect(error).toBeInstanceOf(Error);
    // 1006: the connection went without a WebSocket close frame (ws hides the ECONNRESET itself
    // once the socket is open; the echo tests above check that it is a reset).
    expect(error.message).toMatch(/code: 1006/);

    // And the way back: once restored, the same UserAgent reconnects and registers again.
    relay.restore();
    await ua.reconnect();
    expect(await register(ua), relay.describe()).toBe(200);
    expect(relay.events.filter((e) => e.type === 'connect')).toHaveLength(2);
  });
});

function register(ua: UserAgent): Promise<number> {
  return new Promise((resolve, reject) => {
    const done = (response: { message: { statusCode?: number } }) => resolve(response.message.statusCode ?? 0);
    new Registerer(ua, { expires: 300 })
      .register({ requestDelegate: { onAccept: done, onReject: done } })
      .catch(reject);
  });
}
