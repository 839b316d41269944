import type { Call } from '../contract/calls.js';
import type { Command } from '../contract/messages.js';

/** What a global hotkey can do, whatever program has the focus. */
export type HotkeyAction = 'answer' | 'hangup' | 'hold' | 'mute';

/**
 * The command a hotkey means for the calls as they are now, or undefined when it means nothing
 * (Answer with nothing ringing). The call it acts on is the one the agent is working on: a
 * consultation before the customer it is for, an active call before one ringing out.
 */
export function hotkeyCommand(action: HotkeyAction, calls: readonly Call[]): Command | undefined {
  const live = calls.filter((call) => call.state !== 'ended');
  if (action === 'answer') {
    const ringing = live.find((call) => call.state === 'ringing-in');
    return ringing ? { type: 'call.answer', callId: ringing.id } : undefined;
  }
  const active = live.filter((call) => call.state === 'active');
  // The one being talked on: a consultation (the customer waits on hold for it), else one not held.
  const current =
    active.find((call) => call.consultFor !== undefined) ??
    active.find((call) => !call.hold.local) ??
    active[0] ??
    live.find((call) => ['dialling', 'ringing-out', 'early-media'].includes(call.state));
  if (!current) return undefined;
  switch (action) {
    case 'hangup':
      return { type: 'call.hangup', callId: current.id };
    case 'hold':
      return current.state === 'active'
        ? { type: 'call.hold', callId: current.id, hold: !current.hold.local }
        : undefined;
    case 'mute':
      return current.state === 'active' ? { type: 'call.mute', callId: current.id, muted: !current.muted } : undefined;
  }
}
