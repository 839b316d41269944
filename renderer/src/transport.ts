import type { SoftphoneBridge, UiMessage } from '../../src/contract/index.js';

declare global {
  interface Window {
    softphone?: SoftphoneBridge;
  }
}

export type TransportStatus = 'connecting' | 'open' | 'closed';

export interface Transport {
  send(message: UiMessage): boolean;
  onMessage(listener: (raw: unknown) => void): void;
  onStatus(listener: (status: TransportStatus) => void): void;
}

/** In the desktop app: the preload's bridge, always open. */
function bridgeTransport(bridge: SoftphoneBridge): Transport {
  return {
    send(message) {
      bridge.send(message);
      return true;
    },
    onMessage(listener) {
      bridge.onMessage(listener);
    },
    onStatus(listener) {
      listener('open');
    },
  };
}

/**
 * In the web host: a WebSocket to the host that served this page, with the per-run token from the
 * address. Reconnects after the host restarts, so the agent need not reload.
 */
function webSocketTransport(token: string): Transport {
  const messageListeners = new Set<(raw: unknown) => void>();
  const statusListeners = new Set<(status: TransportStatus) => void>();
  let socket: WebSocket | undefined;
  let retry = 0;
  const setStatus = (status: TransportStatus) => statusListeners.forEach((listener) => listener(status));
  const connect = () => {
    setStatus('connecting');
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/contract?token=${encodeURIComponent(token)}`;
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retry = 0;
      setStatus('open');
    };
    ws.onmessage = (event) => messageListeners.forEach((listener) => listener(event.data));
    ws.onclose = () => {
      setStatus('closed');
      retry = Math.min(retry + 1, 5);
      setTimeout(connect, 500 * 2 ** retry);
    };
  };
  queueMicrotask(connect);
  return {
    send(message) {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    onMessage(listener) {
      messageListeners.add(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
    },
  };
}

export function createTransport(): Transport | { error: 'no-token' } {
  if (window.softphone) return bridgeTransport(window.softphone);
  const token = new URLSearchParams(location.search).get('token');
  if (!token) return { error: 'no-token' };
  return webSocketTransport(token);
}
