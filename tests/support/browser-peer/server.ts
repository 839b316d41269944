/**
 * A tiny static HTTP server for the browser peer, on 127.0.0.1 only (`http://127.0.0.1` is a
 * secure context, so the page may call getUserMedia):
 *
 *   /peer.html  the page (also `/`)
 *   /peer.js    the peer, plain browser JS: `import { ... } from '/sipjs/index.js'`
 *   /sipjs/...  sip.js's own ESM build, straight from node_modules/sip.js/lib (relative `.js`
 *               imports, no bundler needed)
 *
 * Loading sip.js as its ~190 separate modules costs Chromium ~2 s per page here (each request has
 * a fixed cost in the browser; the server answers all of them in ~150 ms). So by default the page
 * carries an import map that maps every `/sipjs/...` URL to a `data:` URL holding that same file,
 * with only its relative import specifiers made absolute: one request, ~0.6 s. The code sip.js
 * runs is unchanged. `inlineSipJs: false` serves the plain files instead (nicer stack traces).
 */
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PAGE_DIR = path.dirname(fileURLToPath(import.meta.url));
const SIPJS_PREFIX = '/sipjs/';
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** `node_modules/sip.js/lib`, found the way Node resolves the package. */
function sipJsLibDir(): string {
  const pkgDir = path.dirname(createRequire(import.meta.url).resolve('sip.js/package.json'));
  const lib = path.join(pkgDir, 'lib');
  if (!fs.existsSync(path.join(lib, 'index.js'))) throw new Error(`browser peer: no sip.js ESM build in ${lib}`);
  return lib;
}

/** Every .js file under `dir`, as paths relative to it with '/' separators. */
function listModules(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return listModules(path.join(dir, entry.name), `${prefix}${entry.name}/`);
    return entry.name.endsWith('.js') ? [`${prefix}${entry.name}`] : [];
  });
}

/**
 * An import map from each sip.js module's URL to a data: URL with its source. A data: URL cannot
 * be a base for relative specifiers, so `from "./x.js"` becomes `from "http://.../sipjs/x.js"`,
 * which the same map resolves (cycles included: the map is consulted lazily).
 */
function sipJsImportMap(sipLib: string, origin: string): string {
  const imports: Record<string, string> = {};
  for (const rel of listModules(sipLib)) {
    const url = `${origin}${SIPJS_PREFIX}${rel}`;
    const source = fs
      .readFileSync(path.join(sipLib, rel), 'utf8')
      .replace(/\bfrom "(\.\.?\/[^"]+)"/g, (_m, spec: string) => `from "${new URL(spec, url).href}"`);
    imports[url] = `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`;
  }
  // `</script` cannot occur in JSON of base64 strings and URLs, but keep the page well-formed regardless.
  return `<script type="importmap">${JSON.stringify({ imports }).replace(/</g, '\\u003c')}</script>`;
}

export interface BrowserPeerServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** The page that loads sip.js and exposes `window.peer`. */
  pageUrl: string;
  close(): Promise<void>;
}

/** Maps a request path to a file on disk, or undefined (also for anything escaping its root). */
function resolveFile(urlPath: string, sipLib: string): string | undefined {
  if (urlPath === '/peer.js') return path.join(PAGE_DIR, 'peer.js');
  if (!urlPath.startsWith(SIPJS_PREFIX)) return undefined;
  const rel = path.posix.normalize(urlPath.slice(SIPJS_PREFIX.length));
  if (rel.startsWith('..') || path.posix.isAbsolute(rel)) return undefined;
  const file = path.join(sipLib, rel);
  return file.startsWith(sipLib + path.sep) ? file : undefined;
}

export async function startBrowserPeerServer(options: { inlineSipJs?: boolean } = {}): Promise<BrowserPeerServer> {
  const sipLib = sipJsLibDir();
  let html = '';
  const server = http.createServer((req, res) => {
    let urlPath: string;
    try {
      urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const readable = req.method === 'GET' || req.method === 'HEAD';
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (readable && (urlPath === '/' || urlPath === '/peer.html')) {
      send(200, CONTENT_TYPES['.html']!, html);
      return;
    }
    const file = readable ? resolveFile(urlPath, sipLib) : undefined;
    if (!file) {
      send(404, 'text/plain', 'not found');
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) send(404, 'text/plain', 'not found');
      else send(200, CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', data);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => resolve());
  });
  // Never keep a test process alive just for this server.
  server.unref();
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const importMap = options.inlineSipJs === false ? '' : sipJsImportMap(sipLib, origin);
  html = fs.readFileSync(path.join(PAGE_DIR, 'peer.html'), 'utf8').replace('<!-- importmap -->', importMap);
  return {
    origin,
    pageUrl: `${origin}/peer.html`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let shared: Promise<BrowserPeerServer> | undefined;

/** One server per process, started on first use. */
export function sharedBrowserPeerServer(): Promise<BrowserPeerServer> {
  shared ??= startBrowserPeerServer().catch((err: unknown) => {
    shared = undefined;
    throw err;
  });
  return shared;
}

/** Stops the shared server (optional: it is unref'd and dies with the process). */
export async function stopSharedBrowserPeerServer(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current) await (await current).close();
}
