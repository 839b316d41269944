/**
 * An HTTP/1.1 reverse proxy that integration tests put between the sync client and the CRM
 * reference server, to make the exchange misbehave on command and check that the client still
 * converges (no lost mutation, none applied twice, no wedged cursor):
 *
 *   const proxy = await startFaultProxy({ upstream: crm.url, seed: 7 });
 *   // ... the sync client pointed at `${proxy.url}/sync/v1` instead of the server's URL ...
 *   proxy.setFaults({ dropResponse: 0.3, error5xx: 0.1, reset: 0.05, slow: 0.1, duplicate: 0.1, reorder: 0.1 });
 *   proxy.setFaults({ dropResponse: 1 });  // every answer is lost after the server applied the request
 *   proxy.setFaults({});                    // no faults
 *   proxy.cutAll();                         // the network is down: every connection is reset
 *   proxy.restore();                        // it is up again
 *   expect(proxy.stats().faults.dropResponse).toBeGreaterThan(0);
 *   await proxy.close();
 *
 * Unlike the TCP fault relay (fault-relay.ts) it parses HTTP: the faults are about requests and
 * answers (an answer lost after the server applied the request, a request delivered twice or late),
 * which a byte relay cannot aim at. Each request and each answer is buffered whole, so a fault is
 * decided per request and the upstream's answer can be replaced, cut short or thrown away.
 *
 * Which faults hit which request is drawn from a PRNG seeded by `seed`, with the same number of
 * draws for every request, so the same seed and the same order of arrival give the same faults.
 * Plain Node `http`, no privileges, no extra tools.
 */
import http from 'node:http';
import type net from 'node:net';
import { Random } from '../../src/customers/generator.js';

/**
 * The faults that decide what becomes of a request; at most one applies to a request. Their
 * probabilities are slices of one draw, so each is the share of requests it hits (they must add up
 * to 1 at most), however the others are set.
 */
export const OUTCOME_FAULTS = ['dropRequest', 'error5xx', 'dropResponse', 'errorAfterForward5xx', 'reset'] as const;
/** Faults that change how a request travels; each is drawn on its own and combines with an outcome. */
export const MODIFIER_FAULTS = ['slow', 'duplicate', 'reorder', 'replayLater'] as const;

export type OutcomeFault = (typeof OUTCOME_FAULTS)[number];
export type ModifierFault = (typeof MODIFIER_FAULTS)[number];
export type FaultName = OutcomeFault | ModifierFault;

/**
 * Each a probability in [0, 1], per request; absent means 0.
 * - dropRequest: the client's socket is reset without forwarding: the server never sees the request.
 * - error5xx: answered 500, 502 or 503 (503 half the time with `Retry-After: 1`) without forwarding.
 * - dropResponse: forwarded, the upstream's answer awaited (so the server has applied the request),
 *   then the client's socket is reset without an answer: the classic lost answer.
 * - errorAfterForward5xx: forwarded, then answered 502 instead of the upstream's answer.
 * - reset: forwarded, then the status line, the headers and half the body are sent and the socket
 *   closed: the client sees a status and then a body that breaks off.
 * - slow: the answer (or the drop) waits `slowMs` more.
 * - duplicate: a second copy goes upstream 0–200 ms after the first; the client gets the first's answer.
 * - reorder: the request is held 50–400 ms before it is forwarded, so a later one can overtake it.
 * - replayLater: once the client's exchange is over (whatever its outcome), a stale copy of the
 *   request goes upstream again 0.5–2 s later, its answer thrown away: a duplicate out of order.
 *
 * duplicate and reorder apply only to requests that are forwarded (not dropRequest nor error5xx).
 */
export type Faults = Partial<Record<FaultName, number>>;

/** A fixed number of ms, or a range [min, max] drawn from uniformly per request. */
export type Delay = number | readonly [min: number, max: number];

export interface FaultProxyOptions {
  /** The upstream's origin, e.g. `http://127.0.0.1:8780`. Plain http only; no path. */
  upstream: string;
  /** The PRNG seed for which requests get which faults, and the random delays. Default 1. */
  seed?: number;
  /** The faults from the start; default none. */
  faults?: Faults;
  /** How long `slow` holds the answer. Default [300, 1500]. */
  slowMs?: Delay;
  /**
   * How long the proxy waits for the upstream's answer before it answers 504 itself, so that a
   * client is never left hanging by a stuck upstream. Default 30 000.
   */
  upstreamTimeoutMs?: number;
  /** Default 127.0.0.1. */
  listenHost?: string;
  /** Default 0: a free port. */
  listenPort?: number;
}

/** Which copy of a request went upstream: the client's own, or one the proxy added. */
export type CopyKind = 'primary' | 'duplicate' | 'replayLater';

export type FaultProxyEventType =
  | 'request' // a request arrived from a client (detail: method and path)
  | 'fault' // a fault was applied to it (`fault` says which)
  | 'forward' // a copy of it was sent upstream (`copy` says which)
  | 'upstream-response' // the upstream answered a copy (`status`)
  | 'upstream-error' // a copy could not reach the upstream or got no answer in time
  | 'answer' // the client was sent a complete answer (`status`): the upstream's, or an injected or gateway error
  | 'client-gone' // the client closed its end before it was answered
  | 'proxy-error' // a bug in the proxy itself; the client's socket was closed rather than left hanging
  | 'lost' // a held request or a late copy was due during a cut (or after one): never sent
  | 'refused' // a connection arrived during a cut and was reset at once
  | 'faults' // setFaults() (detail: the new faults)
  | 'cut'
  | 'restore';

export interface FaultProxyEvent {
  /** Epoch ms, to line up with the server's and the client's logs. */
  at: number;
  type: FaultProxyEventType;
  /** Which request, numbered from 1 in order of arrival. */
  request?: number;
  fault?: FaultName;
  copy?: CopyKind;
  status?: number;
  detail?: string;
}

export interface FaultProxyStats {
  /** Requests that arrived from clients. */
  received: number;
  /** Requests passed on upstream (their first copy); each client request counts once at most. */
  forwarded: number;
  /** Every request sent upstream: the forwarded ones plus the duplicate and replayLater copies. */
  upstreamCopies: number;
  /** Complete answers the clients were sent (the upstream's, injected 5xx, gateway 502/504). */
  answered: number;
  /** Copies that could not reach the upstream or timed out. */
  upstreamErrors: number;
  /** Connections reset at once during a cut. */
  refused: number;
  /** How many times each fault was applied. */
  faults: Record<FaultName, number>;
}

export interface FaultProxy {
  /** The proxy's origin, e.g. `http://127.0.0.1:41234`: the client appends the paths it would use upstream. */
  readonly url: string;
  /** Timestamped log of requests and faults, oldest first. */
  readonly events: readonly FaultProxyEvent[];
  /** Replaces the faults (unset ones become 0); requests that already arrived keep theirs. */
  setFaults(faults: Faults): void;
  /**
   * The network is down: resets every open connection and, until `restore()`, every new one as
   * soon as it is accepted (ECONNRESET for the client, as from a firewall that rejects). Requests
   * held by `reorder` and late copies not yet sent are lost, as packets in flight would be.
   */
  cutAll(): void;
  /** Ends a cut; the faults set stay. */
  restore(): void;
  stats(): FaultProxyStats;
  /** The event log as text, one event a line with ms since the proxy started: for failure messages. */
  describe(): string;
  /** Stops listening and drops every connection, upstream request and timer. Idempotent. */
  close(): Promise<void>;
}

/** Headers that concern one connection, not the request: a proxy must not pass them on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const DEFAULT_SLOW: Delay = [300, 1500];
const DUPLICATE_MS: Delay = [0, 200];
const REORDER_MS: Delay = [50, 400];
const REPLAY_MS: Delay = [500, 2000];

interface Upstream {
  status: number;
  statusMessage: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** What one request gets, drawn all at once when it arrives (see `draw`). */
interface Plan {
  outcome: OutcomeFault | undefined;
  slow: number | undefined;
  duplicate: number | undefined;
  reorder: number | undefined;
  replayLater: number | undefined;
  errorStatus: 500 | 502 | 503;
  retryAfter: boolean;
}

/** The request as the client sent it, kept to be sent upstream again (duplicate, replayLater). */
interface Buffered {
  id: number;
  method: string;
  path: string;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
}

/**
 * Timers that close() can sweep. `wait` resolves early on close, so a handler waiting on it
 * goes on, sees the proxy closed and stops, instead of hanging as a promise nobody settles.
 */
class Timers {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(ms, resolve, resolve));
  }

  /** Runs `run` after `ms`, or `onClear` instead if the timers are swept first. */
  later(ms: number, run: () => void, onClear: () => void = () => undefined): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      run();
    }, ms);
    this.pending.set(timer, onClear);
  }

  clear(): void {
    const swept = [...this.pending];
    this.pending.clear();
    for (const [timer, onClear] of swept) {
      clearTimeout(timer);
      onClear();
    }
  }
}

/** Starts listening and resolves once the proxy accepts connections. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = upstreamOf(options.upstream);
  const listenHost = options.listenHost ?? '127.0.0.1';
  const slowMs = checkDelay('slowMs', options.slowMs ?? DEFAULT_SLOW);
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 30_000;
  const random = new Random(options.seed ?? 1);
  const startedAt = Date.now();
  const events: FaultProxyEvent[] = [];
  const stats: FaultProxyStats = {
    received: 0,
    forwarded: 0,
    upstreamCopies: 0,
    answered: 0,
    upstreamErrors: 0,
    refused: 0,
    faults: Object.fromEntries([...OUTCOME_FAULTS, ...MODIFIER_FAULTS].map((f) => [f, 0])) as Record<FaultName, number>,
  };
  let faults = checkFaults(options.faults ?? {});
  let cut = false;
  /** Bumped by every cutAll(): what was received or scheduled before it and is not yet sent is lost. */
  let cuts = 0;
  let closed = false;
  let closing: Promise<void> | undefined;
  let nextId = 1;
  const timers = new Timers();
  const sockets = new Set<net.Socket>();
  const inFlight = new Set<http.ClientRequest>();
  // Keep-alive upstream, as the real client keeps its connections: a fault must not come from
  // (nor be hidden by) a connection set up per request.
  const agent = new http.Agent({ keepAlive: true });

  const log = (type: FaultProxyEventType, fields: Omit<FaultProxyEvent, 'at' | 'type'> = {}) =>
    events.push({ at: Date.now(), type, ...fields });

  const applied = (id: number, fault: FaultName) => {
    stats.faults[fault]++;
    log('fault', { request: id, fault });
  };

  const between = (delay: Delay) => {
    const r = random.float(); // drawn for a fixed delay too, to keep the number of draws per request fixed
    return typeof delay === 'number' ? delay : delay[0] + Math.round(r * (delay[1] - delay[0]));
  };

  /**
   * Every draw for a request is made here, as it arrives, and always the same number of them:
   * the faults of the n-th request then depend on the seed and on n alone, not on which faults
   * are set or on how the timers of earlier requests happened to interleave.
   */
  const draw = (): Plan => {
    const outcomeDraw = random.float();
    const chance = (fault: ModifierFault) => random.float() < (faults[fault] ?? 0);
    const slow = chance('slow');
    const duplicate = chance('duplicate');
    const reorder = chance('reorder');
    const replayLater = chance('replayLater');
    const errorStatus = ([500, 502, 503] as const)[random.int(3)]!;
    const retryAfter = random.float() < 0.5;
    const delays = { slow: between(slowMs), duplicate: between(DUPLICATE_MS), reorder: between(REORDER_MS) };
    const replayMs = between(REPLAY_MS);
    let outcome: OutcomeFault | undefined;
    let edge = 0;
    for (const fault of OUTCOME_FAULTS) {
      edge += faults[fault] ?? 0;
      if (outcomeDraw < edge) {
        outcome = fault;
        break;
      }
    }
    return {
      outcome,
      slow: slow ? delays.slow : undefined,
      duplicate: duplicate ? delays.duplicate : undefined,
      reorder: reorder ? delays.reorder : undefined,
      replayLater: replayLater ? replayMs : undefined,
      errorStatus,
      retryAfter,
    };
  };

  /** Sends one copy upstream and buffers its answer; rejects if it cannot reach it or times out. */
  const send = (request: Buffered, copy: CopyKind): Promise<Upstream> => {
    stats.upstreamCopies++;
    if (copy === 'primary') stats.forwarded++;
    log('forward', { request: request.id, copy });
    return new Promise<Upstream>((resolve, reject) => {
      const outgoing = http.request(
        {
          host: upstream.host,
          port: upstream.port,
          method: request.method,
          path: request.path,
          headers: request.headers,
          agent,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          // The upstream closed mid-answer: not every Node version reports that as an 'error'.
          incoming.on('close', () => {
            if (!incoming.complete) reject(new Error('upstream answer cut short'));
          });
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 502,
              statusMessage: incoming.statusMessage ?? '',
              headers: incoming.headers,
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      inFlight.add(outgoing);
      outgoing.on('close', () => inFlight.delete(outgoing));
      outgoing.setTimeout(upstreamTimeoutMs, () =>
        outgoing.destroy(Object.assign(new Error(`no answer in ${upstreamTimeoutMs} ms`), { code: 'ETIMEDOUT' })),
      );
      outgoing.on('error', reject);
      outgoing.end(request.body);
    }).then(
      (answer) => {
        log('upstream-response', { request: request.id, copy, status: answer.status });
        return answer;
      },
      (error: NodeJS.ErrnoException) => {
        stats.upstreamErrors++;
        log('upstream-error', { request: request.id, copy, detail: error.code ?? error.message });
        throw error;
      },
    );
  };

  /** An extra copy (duplicate, replayLater) sent after `ms`, its answer thrown away; lost if a cut came first. */
  const sendCopyLater = (request: Buffered, copy: CopyKind, ms: number) => {
    const cutsWhenScheduled = cuts;
    timers.later(ms, () => {
      if (closed) return;
      if (cut || cuts !== cutsWhenScheduled) return void log('lost', { request: request.id, copy });
      send(request, copy).catch(() => undefined);
    });
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const id = nextId++;
    const cutsAtArrival = cuts;
    stats.received++;
    const plan = draw();
    const socket = req.socket;
    /** Set when the proxy itself ends the exchange without an answer, so it is not logged as the client's doing. */
    let killed = false;
    res.on('close', () => {
      if (!res.writableFinished && !killed && !closed && cuts === cutsAtArrival) log('client-gone', { request: id });
    });
    log('request', { request: id, detail: `${req.method} ${req.url}` });

    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      return; // the client went away mid-body: nothing to forward, nobody to answer
    }
    const request: Buffered = {
      id,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: forwardHeaders(req, upstream.authority, body.length),
      body,
    };
    // After a cut (or close) the client's socket is gone and the network was down: nothing more is done for it.
    const over = () => closed || cuts !== cutsAtArrival;

    /** Resets the client's socket: ECONNRESET, no answer. */
    const kill = () => {
      killed = true;
      if (!socket.destroyed) socket.resetAndDestroy();
    };
    const answer = (status: number, headers: http.OutgoingHttpHeaders, payload: Buffer, reason?: string) => {
      if (res.destroyed) return;
      stats.answered++;
      log('answer', { request: id, status });
      if (reason) res.writeHead(status, reason, headers);
      else res.writeHead(status, headers);
      res.end(request.method === 'HEAD' ? undefined : payload);
    };
    /** Whatever became of the client's exchange, a stale copy may follow later. */
    const finish = () => {
      if (plan.replayLater === undefined || closed) return;
      applied(id, 'replayLater');
      sendCopyLater(request, 'replayLater', plan.replayLater);
    };
    /** `slow` holds whatever the proxy does to the client next: an answer, an error or a drop. */
    const slowDown = async () => {
      if (plan.slow === undefined) return;
      applied(id, 'slow');
      await timers.wait(plan.slow);
    };

    /**
     * Sends the head and half the body, then closes the socket once they are flushed. A FIN, not an
     * RST: an RST can make the client's kernel throw away what it received but the client has not
     * read yet, and the client would not see the status at all. An empty body is cut inside the
     * status line, since a complete head with `content-length: 0` would be a complete answer.
     */
    const cutShort = (partial: Upstream) => {
      killed = true;
      if (socket.destroyed) return;
      if (partial.body.length === 0 || request.method === 'HEAD') {
        socket.end(`HTTP/1.1 ${partial.status} `, () => socket.destroy());
        return;
      }
      res.writeHead(partial.status, answerHeaders(partial, request.method));
      res.write(partial.body.subarray(0, Math.ceil(partial.body.length / 2)), () => socket.destroy());
    };

    if (plan.outcome === 'dropRequest' || plan.outcome === 'error5xx') {
      applied(id, plan.outcome);
      await slowDown();
      if (over()) return;
      if (plan.outcome === 'dropRequest') kill();
      else answer(plan.errorStatus, injectedHeaders('error5xx', plan), injectedBody(plan.errorStatus));
      return finish();
    }

    if (plan.reorder !== undefined) {
      applied(id, 'reorder');
      // Held even if the client gives up meanwhile: the point is that it arrives after its retry.
      await timers.wait(plan.reorder);
      if (over()) {
        if (!closed) log('lost', { request: id, copy: 'primary' });
        return;
      }
    }
    if (plan.duplicate !== undefined) {
      applied(id, 'duplicate');
      sendCopyLater(request, 'duplicate', plan.duplicate);
    }

    let upstreamAnswer: Upstream;
    try {
      upstreamAnswer = await send(request, 'primary');
    } catch (error) {
      if (over()) return;
      // What a gateway answers when the server is unreachable or silent: the client must not hang.
      const timedOut = (error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
      answer(
        timedOut ? 504 : 502,
        { 'content-type': 'text/plain', 'x-fault-proxy': 'upstream-error' },
        Buffer.from(''),
      );
      return finish();
    }
    if (over()) return;

    const outcome = plan.outcome;
    if (outcome) applied(id, outcome);
    await slowDown();
    if (over()) return;
    if (outcome === 'dropResponse') kill();
    else if (outcome === 'errorAfterForward5xx') answer(502, injectedHeaders(outcome, undefined), injectedBody(502));
    else if (outcome === 'reset') cutShort(upstreamAnswer);
    else
      answer(
        upstreamAnswer.status,
        answerHeaders(upstreamAnswer, request.method),
        upstreamAnswer.body,
        upstreamAnswer.statusMessage,
      );
    finish();
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug here must not leave the client waiting for an answer that never comes.
      log('proxy-error', { detail: String(error) });
      if (!req.socket.destroyed) req.socket.destroy();
    });
  });
  server.on('connection', (socket: net.Socket) => {
    // A reset peer or a socket destroyed on purpose must not become an unhandled error.
    socket.on('error', () => undefined);
    if (cut) {
      stats.refused++;
      log('refused');
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort ?? 0, listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    url: `http://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${port}`,
    events,
    setFaults(next) {
      faults = checkFaults(next);
      log('faults', { detail: JSON.stringify(faults) });
    },
    cutAll() {
      cut = true;
      cuts++;
      log('cut', { detail: `${sockets.size} connection(s) reset` });
      for (const socket of sockets) if (!socket.destroyed) socket.resetAndDestroy();
      sockets.clear();
    },
    restore() {
      cut = false;
      log('restore');
    },
    stats: () => ({ ...stats, faults: { ...stats.faults } }),
    describe: () =>
      events
        .map(
          (e) =>
            `+${e.at - startedAt}ms ${e.type}` +
            (e.request === undefined ? '' : ` #${e.request}`) +
            [e.fault, e.copy, e.status, e.detail]
              .filter((x) => x !== undefined)
              .map((x) => ` ${x}`)
              .join(''),
        )
        .join('\n'),
    close() {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        for (const outgoing of inFlight) outgoing.destroy();
        agent.destroy();
      });
      return closing;
    },
  };
}

function upstreamOf(origin: string): { host: string; port: number; authority: string } {
  const url = new URL(origin);
  if (url.protocol !== 'http:') throw new Error(`fault proxy: upstream must be plain http, got ${origin}`);
  // The client appends its own paths to the proxy's origin; a base path here would be dropped silently.
  if (url.pathname !== '/' || url.search) throw new Error(`fault proxy: upstream must be an origin, got ${origin}`);
  // URL keeps the brackets of an IPv6 literal; http.request wants the bare address.
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) || 80, authority: url.host };
}

function checkFaults(faults: Faults): Faults {
  const known = new Set<string>([...OUTCOME_FAULTS, ...MODIFIER_FAULTS]);
  for (const [name, p] of Object.entries(faults)) {
    // A misspelt fault would otherwise do nothing, and the test would pass without testing anything.
    if (!known.has(name)) throw new Error(`fault proxy: unknown fault "${name}"`);
    if (typeof p !== 'number' || !(p >= 0 && p <= 1))
      throw new RangeError(`fault proxy: ${name} must be in [0, 1], got ${p}`);
  }
  const outcomes = OUTCOME_FAULTS.reduce((sum, f) => sum + (faults[f] ?? 0), 0);
  if (outcomes > 1 + 1e-9)
    throw new RangeError(`fault proxy: ${OUTCOME_FAULTS.join(' + ')} must be 1 at most, got ${outcomes}`);
  return { ...faults };
}

function checkDelay(name: string, delay: Delay): Delay {
  const [min, max] = typeof delay === 'number' ? [delay, delay] : delay;
  if (!(Number.isFinite(min) && Number.isFinite(max) && min >= 0 && max >= min))
    throw new RangeError(`fault proxy: ${name} must be ms >= 0 (or [min, max], min <= max), got ${String(delay)}`);
  return delay;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    // 'close' before 'end': the client went away mid-body (no 'error' is emitted for that in every case).
    req.on('close', () => {
      if (!req.complete) reject(new Error('request aborted'));
    });
  });
}

/** Hop-by-hop headers out, including those the Connection header names. */
function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase());
  const kept: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.includes(name)) kept[name] = value;
  return kept;
}

function forwardHeaders(req: http.IncomingMessage, authority: string, length: number): http.OutgoingHttpHeaders {
  const headers = endToEnd(req.headers);
  // The upstream may route or check on Host; it should see its own name, not the proxy's.
  headers.host = authority;
  // The body was buffered: it goes on with its length, whether the client sent it chunked or not.
  delete headers['content-length'];
  if (length > 0 || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined)
    headers['content-length'] = String(length);
  return headers;
}

function answerHeaders(answer: Upstream, method: string): http.OutgoingHttpHeaders {
  const headers = endToEnd(answer.headers);
  // A HEAD answer keeps the upstream's length (that of the GET); 204 and 304 have no body to measure.
  if (method !== 'HEAD' && answer.status !== 204 && answer.status !== 304)
    headers['content-length'] = String(answer.body.length);
  return headers;
}

function injectedHeaders(fault: OutcomeFault, plan: Plan | undefined): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {
    'content-type': 'application/json; charset=utf-8',
    // Says who answered, for a human reading a failed test's trace; clients must not rely on it.
    'x-fault-proxy': fault,
  };
  if (plan?.errorStatus === 503 && plan.retryAfter) headers['retry-after'] = '1';
  return headers;
}

function injectedBody(status: number): Buffer {
  return Buffer.from(JSON.stringify({ error: `injected ${status} (fault proxy)` }));
}
