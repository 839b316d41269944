import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNELS, type SoftphoneBridge } from '../../src/contract/bridge.js';

// The sandboxed preload: exposes `window.softphone` and nothing else. The page never sees
// ipcRenderer, the IPC event, Node or Electron; it sends contract messages and receives them.

type Listener = (message: unknown) => void;

const listeners = new Set<Listener>();
/** Messages that arrive before the page subscribes (e.g. the first state snapshot); bounded. */
let early: unknown[] = [];
const EARLY_LIMIT = 1000;

ipcRenderer.on(IPC_CHANNELS.toUi, (_event, message: unknown) => {
  if (listeners.size === 0) {
    if (early.length < EARLY_LIMIT) early.push(message);
    return;
  }
  for (const listener of listeners) deliver(listener, message);
});

function deliver(listener: Listener, message: unknown): void {
  try {
    listener(message);
  } catch (error) {
    console.error('A contract listener failed', error);
  }
}

const bridge: SoftphoneBridge = {
  send(message) {
    ipcRenderer.send(IPC_CHANNELS.toCore, message);
  },
  onMessage(listener) {
    if (typeof listener !== 'function') throw new TypeError('onMessage needs a function');
    listeners.add(listener);
    if (early.length > 0) {
      const queued = early;
      early = [];
      for (const message of queued) deliver(listener, message);
    }
    return () => {
      listeners.delete(listener);
    };
  },
};

contextBridge.exposeInMainWorld('softphone', bridge);
