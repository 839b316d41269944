import type { Command } from '../../src/contract/messages.js';

/** Electron's powerMonitor, as far as the app listens to it. */
export interface PowerEvents {
  on(event: 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen', listener: () => void): unknown;
}

/**
 * The computer's sleep feeds the line's healing: after a resume the connection is most likely
 * dead (the PBX dropped it, the Wi-Fi changed), so the core checks it at once instead of at the
 * next keepalive; the suspend is noted in the log. (Network loss and return come from the page's
 * online/offline events, in both hosts.)
 */
export function feedPowerEvents(power: PowerEvents, dispatch: (command: Command) => unknown): void {
  power.on('resume', () => dispatch({ type: 'host.event', event: 'resume' }));
  power.on('suspend', () => dispatch({ type: 'host.event', event: 'suspend' }));
}
