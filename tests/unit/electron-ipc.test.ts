import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '../../src/contract/bridge.js';
import { Core } from '../../src/core/core.js';
import { silentLogger } from '../../src/log/logger.js';
import { MemorySecretStore } from '../../src/secrets/file-secret-store.js';

// The Electron host's IPC and preload, with a fake `electron` module because the Electron binary
// cannot run here: ipcMain, ipcRenderer and contextBridge are stand-ins, everything else is real
// (the core, the ContractEndpoint, the contract).

const fakes = await vi.hoisted(async () => {
  // vi.hoisted runs before the imports above: what it needs, it imports itself.
  const { EventEmitter: Emitter } = await import('node:events');
  const ipcMain = new Emitter();
  const ipcRenderer = Object.assign(new Emitter(), { sent: [] as unknown[][] });
  (ipcRenderer as unknown as { send: (...args: unknown[]) => void }).send = (...args: unknown[]) => {
    ipcRenderer.sent.push(args);
  };
  const exposed: Record<string, unknown> = {};
  const contextBridge = {
    exposeInMainWorld: (key: string, api: unknown) => {
      exposed[key] = api;
    },
  };
  return { ipcMain, ipcRenderer, contextBridge, exposed };
});
vi.mock('electron', () => fakes);

const { IpcHost } = await import('../../main/electron/ipc.js');
const { trustedOrigins, APP_URL } = await import('../../main/electron/security-policy.js');

interface FakeFrame {
  url: string;
  processId: number;
  routingId: number;
  parent: FakeFrame | null;
}

let nextId = 1;
class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly sent: unknown[] = [];
  destroyed = false;
  readonly mainFrame: FakeFrame;
  constructor(url = `${APP_URL}index.html`) {
    super();
    this.mainFrame = { url, processId: 7, routingId: this.id, parent: null };
  }
  isDestroyed() {
    return this.destroyed;
  }
  send(channel: string, message: unknown) {
    expect(channel).toBe(IPC_CHANNELS.toUi);
    this.sent.push(message);
  }
}

/** What ipcMain would emit for a message from `frame` of `contents`. */
function fromRenderer(contents: FakeWebContents, message: unknown, frame: FakeFrame | null = contents.mainFrame) {
  fakes.ipcMain.emit(IPC_CHANNELS.toCore, { sender: contents, senderFrame: frame }, message);
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const command = (id: string) => ({ kind: 'command', id, command: { type: 'state.get' } });

describe('IpcHost (with a fake electron module, since Electron cannot run here)', () => {
  let dir: string;
  let core: Core;
  let host: InstanceType<typeof IpcHost>;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'softphone-ipc-'));
    core = new Core({
      app: { name: 'Headset Softphone', version: '0.0.0', host: 'electron' },
      dataDir: dir,
      settingsFiles: { user: path.join(dir, 'settings.json') },
      secrets: new MemorySecretStore(),
      logger: silentLogger(),
    });
    host = new IpcHost(core, silentLogger(), trustedOrigins());
  });
  afterEach(() => {
    host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends the state to our page once it is ready, and answers its commands', async () => {
    const contents = new FakeWebContents();
    host.attach(contents as never);
    contents.emit('dom-ready');
    expect(contents.sent[0]).toMatchObject({
      kind: 'event',
      event: { type: 'state', state: { app: { host: 'electron' } } },
    });

    fromRenderer(contents, command('c1'));
    await settle();
    expect(contents.sent.at(-1)).toMatchObject({ kind: 'result', id: 'c1', ok: true });
  });

  it('answers a malformed message with a typed error, as the web host does', async () => {
    const contents = new FakeWebContents();
    host.attach(contents as never);
    fromRenderer(contents, { kind: 'command', id: 'c2', command: { type: 'no.such.command' } });
    await settle();
    expect(contents.sent.at(-1)).toMatchObject({ kind: 'result', id: 'c2', ok: false, error: { code: 'malformed' } });
  });

  it('ignores messages from a subframe, a foreign page, or a webContents that is not our window', async () => {
    const contents = new FakeWebContents();
    host.attach(contents as never);
    const subframe: FakeFrame = {
      url: `${APP_URL}index.html`,
      processId: 7,
      routingId: 999,
      parent: contents.mainFrame,
    };
    fromRenderer(contents, command('sub'), subframe);
    fromRenderer(contents, command('gone'), null);

    const hijacked = new FakeWebContents('https://evil.example/');
    host.attach(hijacked as never);
    fromRenderer(hijacked, command('evil'));

    const stranger = new FakeWebContents();
    fromRenderer(stranger, command('stranger'));
    await settle();

    expect(contents.sent).toEqual([]);
    expect(hijacked.sent).toEqual([]);
    expect(stranger.sent).toEqual([]);
  });

  it('does not send the state to a page that is not ours', () => {
    const contents = new FakeWebContents('https://evil.example/');
    host.attach(contents as never);
    contents.emit('dom-ready');
    expect(contents.sent).toEqual([]);
  });

  it('gives a reloaded page a fresh state and stops sending once the window is gone', async () => {
    const contents = new FakeWebContents();
    host.attach(contents as never);
    contents.emit('dom-ready');
    contents.emit('did-navigate');
    contents.emit('dom-ready');
    expect(contents.sent.filter((m) => (m as { kind: string }).kind === 'event')).toHaveLength(2);

    contents.emit('destroyed');
    contents.destroyed = true;
    const before = contents.sent.length;
    await core.dispatch({ type: 'settings.update', changes: {} });
    fromRenderer(contents, command('late'));
    await settle();
    expect(contents.sent).toHaveLength(before);
  });
});

describe('the preload bridge (with a fake electron module, since Electron cannot run here)', () => {
  it('exposes only window.softphone with send and onMessage, over the two contract channels', async () => {
    await import('../../main/electron/preload.js');
    expect(Object.keys(fakes.exposed)).toEqual(['softphone']);
    const bridge = fakes.exposed.softphone as {
      send(message: unknown): void;
      onMessage(listener: (message: unknown) => void): () => void;
    };
    expect(Object.keys(bridge).sort()).toEqual(['onMessage', 'send']);

    // Messages that arrive before the page subscribes are kept for it (the first state snapshot).
    fakes.ipcRenderer.emit(IPC_CHANNELS.toUi, { sender: 'the event object' }, { kind: 'event', n: 1 });
    const received: unknown[] = [];
    const unsubscribe = bridge.onMessage((message) => received.push(message));
    fakes.ipcRenderer.emit(IPC_CHANNELS.toUi, { sender: 'the event object' }, { kind: 'event', n: 2 });
    // The page gets the message only, never the IPC event.
    expect(received).toEqual([
      { kind: 'event', n: 1 },
      { kind: 'event', n: 2 },
    ]);
    unsubscribe();
    fakes.ipcRenderer.emit(IPC_CHANNELS.toUi, {}, { kind: 'event', n: 3 });
    expect(received).toHaveLength(2);

    bridge.send({ kind: 'command', id: 'c1', command: { type: 'state.get' } });
    expect(fakes.ipcRenderer.sent).toEqual([
      [IPC_CHANNELS.toCore, { kind: 'command', id: 'c1', command: { type: 'state.get' } }],
    ]);
  });
});
