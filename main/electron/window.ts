import fs from 'node:fs/promises';
import { BrowserWindow, protocol } from 'electron';
import type { Logger } from '../../src/log/logger.js';
import { APP_NAME } from '../../src/config/paths.js';
import { APP_SCHEME, APP_URL, rendererHeaders, resolveAppFile } from './security-policy.js';

/**
 * app:// is a standard, secure scheme: the renderer gets a real origin (app://softphone), a
 * secure context (getUserMedia, WebHID), fetch, and no file:// privileges. Must run before `ready`.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer (out/renderer) on app://softphone/ with a strict CSP. After `ready`. */
export function serveRenderer(rendererDir: string, logger: Logger): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(request.url, rendererDir);
    if (!file || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
    }
    try {
      const body = await fs.readFile(file);
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: rendererHeaders(file) });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') logger.warn({ code }, 'could not serve a renderer file');
      return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain' } });
    }
  });
}

export interface MainWindowOptions {
  /** out/preload/index.cjs */
  preload: string;
  /** The electron-vite dev server, in development only. */
  devRendererUrl?: string;
  logger: Logger;
}

/** The softphone window: sandboxed, isolated, no Node; sees the core only through the preload's bridge. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: APP_NAME,
    width: 1100,
    height: 760,
    minWidth: 360,
    minHeight: 480,
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: options.preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      // A ringing call must be heard even before the agent has clicked in the window.
      autoplayPolicy: 'no-user-gesture-required',
    },
  });
  window.once('ready-to-show', () => window.show());
  window.loadURL(options.devRendererUrl ?? APP_URL).catch((error: unknown) => {
    options.logger.error({ err: error }, 'the user interface could not be loaded (is out/renderer built?)');
  });
  return window;
}
