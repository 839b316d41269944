/**
 * The web host carries the whole softphone over one WebSocket on 127.0.0.1. Nobody but the page it
 * served, holding the per-run token, may open it: not another site in the agent's browser, not a
 * DNS-rebound name, not a local process without the token.
 */
import http from 'node:http';
import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { startWebHost, type WebHostProcess } from './stack.js';

let web: WebHostProcess;
test.beforeAll(async () => {
  web = await startWebHost();
});
test.afterAll(async () => {
  await web?.stop();
});

/** Opens the contract socket from Node with the given token and headers; resolves with the HTTP status (101 = accepted). */
function tryOpen(token: string | undefined, headers: Record<string, string>): Promise<number> {
  const query = token === undefined ? '' : `?token=${encodeURIComponent(token)}`;
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/contract${query}`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

test('the right token, Origin and Host are let in', async () => {
  expect(await tryOpen(web.token, { Origin: web.origin })).toBe(101);
});

test('no token, or a wrong one, is refused', async () => {
  expect(await tryOpen(undefined, { Origin: web.origin })).toBe(401);
  expect(await tryOpen('guess', { Origin: web.origin })).toBe(401);
});

test('a foreign or missing Origin is refused even with the token', async () => {
  expect(await tryOpen(web.token, { Origin: 'http://evil.example' })).toBe(403);
  expect(await tryOpen(web.token, {})).toBe(403);
});

test('a DNS-rebound Host is refused, for the socket and for the page', async () => {
  expect(
    await tryOpen(web.token, { Origin: `http://evil.example:${web.port}`, Host: `evil.example:${web.port}` }),
  ).toBe(421);
  const status = await new Promise<number>((resolve) => {
    http.get({ host: '127.0.0.1', port: web.port, path: '/', headers: { Host: `evil.example:${web.port}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
  });
  expect(status).toBe(421);
});

test('a page of another origin in the same browser cannot open the socket, even knowing the token', async ({
  page,
}) => {
  // Another local site: a different port is a different origin.
  const evil = http.createServer((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>other site</title>'),
  );
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', () => resolve()));
  const evilPort = (evil.address() as { port: number }).port;
  try {
    await page.goto(`http://127.0.0.1:${evilPort}/`);
    const outcome = await page.evaluate(
      ({ port, token }) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/contract?token=${token}`);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
          setTimeout(() => resolve('timeout'), 5000);
        }),
      { port: web.port, token: web.token },
    );
    expect(outcome).toBe('refused');
  } finally {
    evil.close();
  }
});

test('the page itself comes with a strict Content-Security-Policy', async ({ page }) => {
  const response = await page.goto(web.url);
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  await expect(page.getByRole('status', { name: 'Line' })).toBeVisible();
});

test('malformed or escaping paths get a 404 and the host keeps running', async ({ page }) => {
  const get = (requestPath: string) =>
    new Promise<number>((resolve) => {
      http.get({ host: '127.0.0.1', port: web.port, path: requestPath }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
    });
  for (const bad of ['/%E0%A4%A', '/..%2F..%2Fetc%2Fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/a%00b']) {
    expect(await get(bad)).toBe(404);
  }
  await page.goto(web.url);
  await expect(page.getByRole('status', { name: 'Line' })).toBeVisible();
});
