/**
 * The fault proxy that the CRM sync tests put between the client and the reference server. A sync
 * test that passes through it proves something only if each fault is what it claims: a dropped
 * answer must come after the server applied the request, a dropped request must never reach it, a
 * duplicate must reach it twice. So each fault is checked here against a tiny upstream that counts
 * what it receives, with probabilities of 0 or 1 so that every assertion is deterministic, and
 * global fetch (undici) as the client, as the sync client uses.
 */
import http from 'node:http';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy, type FaultProxyOptions } from '../support/fault-proxy.js';
import { waitFor } from '../support/wait.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Seen {
  method: string;
  url: string;
  /** The mutation id of a POST, else the URL: what the order assertions compare. */
  tag: string;
  host: string | undefined;
  authorization: string | undefined;
}

/**
 * Counts requests per URL, remembers their order, and echoes the JSON body with how many times
 * it has seen that URL. `/empty` answers 204 without a body.
 */
async function startUpstream() {
  const seen: Seen[] = [];
  const counts = new Map<string, number>();
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      const n = (counts.get(url) ?? 0) + 1;
      counts.set(url, n);
      const text = Buffer.concat(chunks).toString();
      const body = text ? (JSON.parse(text) as { id?: string }) : null;
      seen.push({
        method: req.method ?? '',
        url,
        tag: body?.id ?? url,
        host: req.headers.host,
        authorization: req.headers.authorization,
      });
      if (url.startsWith('/empty')) return void res.writeHead(204).end();
      res
        .writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
        .end(JSON.stringify({ method: req.method, url, n, body }));
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    authority: `127.0.0.1:${port}`,
    seen,
    count: (url: string) => counts.get(url) ?? 0,
    connections: () => connections,
  };
}

async function proxyTo(upstream: string, options: Omit<FaultProxyOptions, 'upstream'> = {}): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ upstream, ...options });
  cleanups.push(() => proxy.close());
  return proxy;
}

const auth = { authorization: 'Bearer test-token' };

function post(proxy: FaultProxy, id: string): Promise<Response> {
  return fetch(`${proxy.url}/sync/v1/mutations`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ id }),
  });
}

/** Resolves to what became of a request: its status, or 'error' when fetch (or reading the body) failed. */
async function outcome(request: Promise<Response>): Promise<number | 'error'> {
  try {
    const response = await request;
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 'error';
  }
}

describe('fault proxy', () => {
  it('passes requests and answers through unchanged, over kept-alive connections', async () => {
    const upstream = await startUpstream();
    const proxy = await proxyTo(upstream.url);
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const pulled = await fetch(`${proxy.url}/sync/v1/changes?after=abc&limit=2`, { headers: auth });
    expect(pulled.status).toBe(200);
    expect(await pulled.json()).toEqual({ method: 'GET', url: '/sync/v1/changes?after=abc&limit=2', n: 1, body: null });
    const pushed = await post(proxy, 'm1');
    expect(await pushed.json()).toEqual({ method: 'POST', url: '/sync/v1/mutations', n: 1, body: { id: 'm1' } });

    // The upstream sees its own name in Host, and the token untouched.
    expect(upstream.seen.map((s) => [s.host, s.authorization])).toEqual([
      [upstream.authority, 'Bearer test-token'],
      [upstream.authority, 'Bearer test-token'],
    ]);
    // Keep-alive upstream: both requests went over one connection.
    expect(upstream.connections()).toBe(1);
    // Keep-alive on the client's side too: the second request reuses the first one's socket.
    const agent = new http.Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    const reused: boolean[] = [];
    for (let i = 0; i < 2; i++)
      await new Promise<void>((resolve, reject) => {
        const request = http.get(`${proxy.url}/sync/v1/changes`, { agent, headers: auth }, (response) => {
          reused.push(request.reusedSocket);
          response.resume().on('end', resolve);
        });
        request.on('error', reject);
      });
    expect(reused).toEqual([false, true]);
    expect(proxy.stats()).toMatchObject({ received: 4, forwarded: 4, upstreamCopies: 4, answered: 4 });
    expect(proxy.events.slice(0, 8).map((e) => e.type)).toEqual([
      'request',
      'forward',
      'upstream-response',
      'answer',
      'request',
      'forward',
      'upstream-response',
      'answer',
    ]);
  });

  it('dropResponse: the server applies the request, the client gets no answer', async () => {
    const upstream = await startUpstream();
    const proxy = await proxyTo(upstream.url, { faults: { dropResponse: 1 } });

    expect(await outcome(post(proxy, 'm1'))).toBe('error');
    expect(upstream.count('/sync/v1/mutations')).toBe(1);
    expect(proxy.stats()).toMatchObject({ forwarded: 1, answered: 0, faults: { dropResponse: 1 } });

    // The next request works again once the fault is lifted (on a new connection).
    proxy.setFaults({});
    expect(await outcome(post(proxy, 'm1'))).toBe(200);
    expect(upstream.count('/sync/v1/mutations')).toBe(2);
  });

  it('dropRequest: the server never sees the request', async () => {
    const upstream = await startUpstream();
    const proxy = await proxyTo(upstream.url, { faults: { dropRequest: 1 } });

    expect(await outcome(post(proxy, 'm1'))).toBe('error');
    expect(upstream.count('/sync/v1/mutations')).toBe(0);
    expect(proxy.stats()).toMatchObject({ received: 1, forwarded: 0, faults: { dropRequest: 1 } });
  });

  it('error5xx: answers 500, 502 or 503 (Retry-After on some 503s) without forwarding', async () => {
    const upstream = await startUpstream();
    const proxy = await proxyTo(upstream.url, { faults: { error5xx: 1 } });

    const answers: string[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${proxy.url}/sync/v1/changes`, { headers: auth });
      await response.arrayBuffer();
      answers.push(
        `${response.status}${response.headers.has('retry-after') ? ` retry-after ${response.headers.get('retry-after')}` : ''}`,
      );
    }
    expect(new Set(answers)).toEqual(new Set(['500', '502', '503', '503 retry-after 1']));
    expect(upstream.count('/sync/v1/changes')).toBe(0);
    expect(proxy.stats()).toMatchObject({ received: 20, forwarded: 0, answered: 20, faults: { error5xx: 20 } });
  });

  it('errorAfterForward5xx: the server applies the request, the client gets a 502', async () => {
    const upstream = await startUpstream();
    const proxy = await proxyTo(upstream.url, { faults: { errorAfterForward5xx: 1 } });

    const response = await post(proxy, 'm1');
    expect(response.status).toBe(502);
    expect(await response.json()).not.toHaveProperty('n');
    expect(upstream.count('/sync/v1/mutations')).toBe(1);
  });

  it('reset: the client gets the status, then a body that breaks off', async () => {
    const upstream = await startUpstream();
    const proxy = await proxyTo(upstream.url, { faults: { reset: 1 } });

    const response = await post(proxy, 'm1');
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow();
    expect(upstream.count('/sync/v1/mutations')).toBe(1);

    // An answer without a body is cut inside its status line: not a complete 204.
    expect(await outcome(fetch(`${proxy.url}/empty`, { headers: auth }))).toBe('error');
    expect(upstream.count('/empty')).toBe(1);
    expect(proxy.stats()).toMatchObject({ answered: 0, faults: { reset: 2 } });
  });

  it('slow: the answer comes, later', async () => {
    const upstream = await startUpstream();
    const proxy = await proxyTo(upstream.url, { faults: { slow: 1 }, slowMs: [200, 300] });

    const started = performance.now();
    expect(await outcome(post(proxy, 'm1'))).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    expect(proxy.stats().faults.slow).toBe(1);
  });

  it('duplicate: the server gets the request twice, the client the first answer', async () => {
    const upstream = await startUpstream();
    const proxy = await proxyTo(upstream.url, { faults: { duplicate: 1 } });

    const response = await post(proxy, 'm1');
    expect(await response.json()).toMatchObject({ n: 1 });
    await waitFor('the duplicate', () => upstream.count('/sync/v1/mutations') === 2, 2_000);
    expect(proxy.stats()).toMatchObject({ forwarded: 1, upstreamCopies: 2, answered: 1, faults: { duplicate: 1 } });
  });

  it('reorder: a later request overtakes the held one', async () => {
    const upstream = await startUpstream();
    const proxy = await proxyTo(upstream.url, { faults: { reorder: 1 } });

    const first = post(proxy, 'first');
    await waitFor('the first request to be held', () =>
      proxy.events.some((e) => e.type === 'fault' && e.fault === 'reorder'),
    );
    proxy.setFaults({});
    expect(await outcome(post(proxy, 'second'))).toBe(200);
    expect(await outcome(first)).toBe(200);
    expect(upstream.seen.map((s) => s.tag)).toEqual(['second', 'first']);
  });

  it('replayLater: a stale copy reaches the server after a newer request', async () => {
    const upstream = await startUpstream();
    const proxy = await proxyTo(upstream.url, { faults: { replayLater: 1 } });

    expect(await outcome(post(proxy, 'old'))).toBe(200);
    proxy.setFaults({});
    expect(await outcome(post(proxy, 'new'))).toBe(200);
    await waitFor('the stale copy', () => upstream.seen.length === 3, 3_000);
    expect(upstream.seen.map((s) => s.tag)).toEqual(['old', 'new', 'old']);
    expect(proxy.stats()).toMatchObject({ forwarded: 2, upstreamCopies: 3, answered: 2, faults: { replayLater: 1 } });
  });

  it('faults combine: a dropped request can still arrive late', async () => {
    const upstream = await startUpstream();
    const proxy = await proxyTo(upstream.url, { faults: { dropRequest: 1, replayLater: 1 } });

    expect(await outcome(post(proxy, 'm1'))).toBe('error');
    expect(upstream.count('/sync/v1/mutations')).toBe(0);
    await waitFor('the late copy', () => upstream.count('/sync/v1/mutations') === 1, 3_000);
  });

  it('cutAll resets open and new connections and loses held requests, until restore', async () => {
    const upstream = await startUpstream();
    const proxy = await proxyTo(upstream.url, { faults: { slow: 1 }, slowMs: 5_000 });

    // One request in flight on an open connection (slow), one held before forwarding (reorder).
    const inFlight = outcome(post(proxy, 'slow'));
    await waitFor('the slow request to be forwarded', () => upstream.count('/sync/v1/mutations') === 1);
    proxy.setFaults({ reorder: 1 });
    const held = outcome(post(proxy, 'held'));
    await waitFor('the second request to be held', () => proxy.events.some((e) => e.fault === 'reorder'));

    proxy.cutAll();
    expect(await inFlight).toBe('error');
    expect(await held).toBe('error');
    proxy.setFaults({});
    expect(await outcome(post(proxy, 'during'))).toBe('error');
    expect(proxy.stats().refused).toBeGreaterThanOrEqual(1);

    proxy.restore();
    expect(await outcome(post(proxy, 'after'))).toBe(200);
    // The held request was lost with the network: it never arrives, even after restore().
    await sleep(450);
    expect(upstream.seen.map((s) => s.tag)).toEqual(['slow', 'after']);
    expect(proxy.events.some((e) => e.type === 'lost')).toBe(true);
  });

  it('the same seed gives the same faults', async () => {
    const upstream = await startUpstream();
    const run = async (seed: number) => {
      const proxy = await proxyTo(upstream.url, { seed, faults: { dropResponse: 0.3, error5xx: 0.3 } });
      const results: Array<number | 'error'> = [];
      for (let i = 0; i < 12; i++) results.push(await outcome(post(proxy, `m${i}`)));
      return results;
    };
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    // Not a degenerate sequence: some of each.
    expect(new Set(first.map((r) => (r === 'error' ? 'error' : r >= 500 ? '5xx' : 'ok')))).toEqual(
      new Set(['error', '5xx', 'ok']),
    );
  });

  it('refuses faults it does not know, or probabilities that cannot be', async () => {
    const upstream = await startUpstream();
    const proxy = await proxyTo(upstream.url);
    expect(() => proxy.setFaults({ dropResponse: 1.5 })).toThrow(RangeError);
    expect(() => proxy.setFaults({ dropResponse: 0.6, error5xx: 0.6 })).toThrow(/at most/);
    expect(() => proxy.setFaults({ dropResponses: 1 } as never)).toThrow(/unknown fault/);
    await expect(startFaultProxy({ upstream: `${upstream.url}/sync/v1` })).rejects.toThrow(/origin/);
  });

  it('close ends pending answers and timers at once', async () => {
    const upstream = await startUpstream();
    const proxy = await proxyTo(upstream.url, { faults: { slow: 1, replayLater: 1 }, slowMs: 10_000 });

    const pending = outcome(post(proxy, 'm1'));
    await waitFor('the request to be forwarded', () => upstream.count('/sync/v1/mutations') === 1);
    const started = performance.now();
    await proxy.close();
    expect(await pending).toBe('error');
    expect(performance.now() - started).toBeLessThan(1_000);
    // Closed before its answer: the stale copy it was due is never scheduled.
    await sleep(100);
    expect(upstream.count('/sync/v1/mutations')).toBe(1);
  });
});
