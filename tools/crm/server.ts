import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import {
  DEFAULT_PULL_LIMIT,
  MAX_PULL_LIMIT,
  PROTOCOL_PATH,
  PushRequest,
  type PullResponse,
  type PushResponse,
  type StatusResponse,
} from '../../src/sync/protocol.js';
import { BadCursorError, CrmStore, hashToken } from './store.js';

/**
 * The reference CRM's HTTP side (docs/sync-protocol.md): plain node:http over a `CrmStore`. For
 * trying the product and for the tests, not for production: one process, one SQLite file.
 */

export const SERVER_NAME = 'headset-softphone reference CRM 1.0';
/** A push of 200 mutations with long notes stays far below this. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface CrmServerOptions {
  /** A store the caller owns (left open by `close`), or a file for the server to open and close. */
  store?: CrmStore;
  dbFile?: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Tokens accepted besides those kept (hashed) in the store. */
  tokens?: string[];
  /** HTTPS with this certificate and key (PEM); plain HTTP without. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** One line per request on stderr: method, path (no query), status, time. */
  verbose?: boolean;
}

export interface CrmServer {
  /** The base URL to give the client, ending in `/sync/v1`. */
  url: string;
  /** `http(s)://host:port`. */
  origin: string;
  port: number;
  store: CrmStore;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.error ?? status));
  }
}

const invalid = (issues: { path: string; message: string }[]) => new HttpError(400, { error: 'invalid', issues });

const zodIssues = (error: z.ZodError) =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(json)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(json);
}

/**
 * The request's body, parsed as JSON; 413 past `MAX_BODY_BYTES`, 400 when it is not JSON. Past the
 * limit the rest is read and dropped rather than the stream destroyed (which would take the socket
 * and the 413 with it); the answer's `Connection: close` ends it.
 */
function readJson(req: http.IncomingMessage): Promise<unknown> {
  const tooLarge = () => new HttpError(413, { error: 'too-large' }, { Connection: 'close' });
  if (Number(req.headers['content-length']) > MAX_BODY_BYTES) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      req.off('data', onData).off('end', onEnd).resume();
      reject(tooLarge());
    };
    const onEnd = () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
      } catch {
        reject(invalid([{ path: '', message: 'the body is not JSON' }]));
      }
    };
    req.on('data', onData).on('end', onEnd).once('error', reject);
  });
}

function readLimit(value: string | null): number {
  if (value === null) return DEFAULT_PULL_LIMIT;
  const limit = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(limit) || limit < 1) {
    throw invalid([{ path: 'limit', message: `a whole number from 1 to ${MAX_PULL_LIMIT}` }]);
  }
  // More than the maximum is served as the maximum: a page may always hold fewer.
  return Math.min(limit, MAX_PULL_LIMIT);
}

export async function startCrmServer(options: CrmServerOptions): Promise<CrmServer> {
  if (!options.store && !options.dbFile) throw new Error('startCrmServer needs a store or a dbFile.');
  const ownStore = !options.store;
  const store = options.store ?? new CrmStore(options.dbFile as string);
  const host = options.host ?? '127.0.0.1';
  const given = (options.tokens ?? []).filter((token) => token.length > 0).map((t) => Buffer.from(hashToken(t)));

  const authorised = (req: http.IncomingMessage): boolean => {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const token = match?.[1];
    if (!token) return false;
    const hash = Buffer.from(hashToken(token));
    // Comparing hashes of equal length in constant time: nothing to learn from the timing.
    return given.some((known) => timingSafeEqual(known, hash)) || store.checkToken(token);
  };

  const routes: Record<string, { method: string; handle: (req: http.IncomingMessage, url: URL) => Promise<unknown> }> =
    {
      '/changes': {
        method: 'GET',
        handle: async (_req, url): Promise<PullResponse> => {
          const after = url.searchParams.get('after');
          const limit = readLimit(url.searchParams.get('limit'));
          const estimate = ['1', 'true'].includes(url.searchParams.get('estimate') ?? '');
          return store.pull(after === null || after === '' ? undefined : after, limit, estimate);
        },
      },
      '/mutations': {
        method: 'POST',
        handle: async (req): Promise<PushResponse> => {
          const parsed = PushRequest.safeParse(await readJson(req));
          if (!parsed.success) throw invalid(zodIssues(parsed.error));
          return { results: store.applyMutations(parsed.data.mutations, parsed.data.origin) };
        },
      },
      '/status': {
        method: 'GET',
        handle: async (): Promise<StatusResponse> => ({ server: SERVER_NAME, time: Date.now() }),
      },
    };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<string> => {
    let pathname = '(unreadable)';
    try {
      const url = new URL(req.url ?? '/', 'http://crm.invalid');
      pathname = url.pathname;
      const route = pathname.startsWith(`${PROTOCOL_PATH}/`) ? routes[pathname.slice(PROTOCOL_PATH.length)] : undefined;
      if (!route) throw new HttpError(404, { error: 'not-found' });
      if (!authorised(req)) {
        const challenge = req.headers.authorization ? 'Bearer error="invalid_token"' : 'Bearer realm="crm"';
        throw new HttpError(401, { error: 'unauthorized' }, { 'WWW-Authenticate': challenge });
      }
      if (req.method !== route.method)
        throw new HttpError(405, { error: 'method-not-allowed' }, { Allow: route.method });
      send(res, 200, await route.handle(req, url));
    } catch (error) {
      if (error instanceof HttpError) send(res, error.status, error.body, error.headers);
      else if (error instanceof BadCursorError) send(res, 400, { error: 'bad-cursor' });
      else {
        // The message only (an SQLite or a programming error), never a record: no customer data.
        process.stderr.write(`crm: ${req.method} ${pathname} failed: ${(error as Error).message}\n`);
        send(res, 500, { error: 'internal' });
      }
    }
    return pathname;
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const started = performance.now();
    handle(req, res).then(
      (pathname) => {
        if (options.verbose) {
          const ms = (performance.now() - started).toFixed(1);
          process.stderr.write(`crm: ${req.method} ${pathname} ${res.statusCode} ${ms} ms\n`);
        }
      },
      // Not even an error could be sent (the client went away mid-answer): drop the connection.
      () => res.destroy(),
    );
  };

  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
    : http.createServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    if (ownStore) store.close();
    throw error;
  });

  const { port } = server.address() as AddressInfo;
  const origin = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: `${origin}${PROTOCOL_PATH}`,
    origin,
    port,
    store,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          if (ownStore) store.close();
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
