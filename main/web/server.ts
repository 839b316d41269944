import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_IMPORT_CHARS } from '../../src/contract/index.js';
import type { Core } from '../../src/core/core.js';
import { ContractEndpoint } from '../../src/core/endpoint.js';
import type { Logger } from '../../src/log/logger.js';
import { rendererCsp, rendererHeaders, resolveRendererFile } from '../common/renderer-files.js';

export interface WebHostOptions {
  core: Core;
  logger: Logger;
  /** The built renderer (index.html and assets). */
  staticDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Fixed token for tests; by default a fresh random one per run. */
  token?: string;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  /**
   * Serves another core from now on (practice mode on or off): the open pages are disconnected,
   * reconnect by themselves and draw the new desk from its snapshot.
   */
  setCore(core: Core): void;
  close(): Promise<void>;
}

export const CONTRACT_PATH = '/contract';
const HOST = '127.0.0.1';

/** Headers for the page: the renderer's own, plus what only a page in an ordinary browser needs. */
function securityHeaders(port: number, file: string): Record<string, string> {
  return {
    ...rendererHeaders(file, rendererCsp([`ws://${HOST}:${port}`])),
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), geolocation=(), microphone=(self), hid=(self)',
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/**
 * The web host: serves the built renderer on 127.0.0.1 only and carries the contract over a
 * WebSocket. A page of another site, or a DNS-rebound name pointing at us, gets nothing: the
 * socket needs the per-run token, our own Origin and our own Host.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? crypto.randomBytes(24).toString('base64url');
  const staticDir = path.resolve(options.staticDir);
  let port = options.port;
  const ownHost = () => `${HOST}:${port}`;
  const ownOrigin = () => `http://${HOST}:${port}`;

  const server = http.createServer((req, res) => {
    if (req.headers.host !== ownHost()) {
      res
        .writeHead(421, { 'Content-Type': 'text/plain' })
        .end('This softphone only answers on its own loopback address.\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const pathname = new URL(req.url ?? '/', ownOrigin()).pathname;
    const file = resolveRendererFile(staticDir, pathname);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    fs.readFile(file, (error, body) => {
      if (error) {
        const missingBuild =
          pathname === '/' ? ' The renderer is not built: run `npm run web`, which builds it first.' : '';
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`Not found.${missingBuild}\n`);
        return;
      }
      res.writeHead(200, securityHeaders(port, file));
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });

  // Room for a customer CSV sent from the screen (MAX_IMPORT_CHARS, UTF-8, escaped as JSON); only
  // a page that holds the token ever gets this far.
  let core = options.core;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * MAX_IMPORT_CHARS });
  const endpoints = new Set<ContractEndpoint>();

  const refuse = (socket: Duplex, status: number, text: string, why: string) => {
    options.logger.warn({ why }, 'refused a contract connection');
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', ownOrigin());
    if (url.pathname !== CONTRACT_PATH) return refuse(socket, 404, 'Not Found', 'unknown path');
    if (req.headers.host !== ownHost()) return refuse(socket, 421, 'Misdirected Request', 'foreign Host header');
    if (req.headers.origin !== ownOrigin()) return refuse(socket, 403, 'Forbidden', 'foreign or missing Origin');
    if (!sameSecret(url.searchParams.get('token') ?? '', token))
      return refuse(socket, 401, 'Unauthorized', 'missing or wrong token');
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const endpoint = new ContractEndpoint(
        core,
        (message) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
        },
        options.logger,
      );
      endpoints.add(endpoint);
      ws.on('message', (data, isBinary) => {
        void endpoint.receive(isBinary ? '' : data.toString());
      });
      ws.on('close', () => {
        endpoint.close();
        endpoints.delete(endpoint);
      });
      ws.on('error', () => ws.terminate());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;

  return {
    url: `${ownOrigin()}/?token=${token}`,
    port,
    token,
    setCore(next) {
      core = next;
      for (const endpoint of endpoints) endpoint.close();
      endpoints.clear();
      for (const client of wss.clients) client.terminate();
    },
    async close() {
      for (const endpoint of endpoints) endpoint.close();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
