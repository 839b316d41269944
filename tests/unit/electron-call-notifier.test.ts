import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CallNotifier,
  callNotification,
  type CallAction,
  type CallNotification,
  type NotificationHandlers,
  type NotificationPort,
} from '../../main/electron/call-notifier.js';
import type { Call } from '../../src/contract/calls.js';
import type { Command } from '../../src/contract/messages.js';

// The incoming-call notifications with a fake port, since Electron cannot run here: what is shown,
// what the buttons dispatch, and when the notifications go away.

const NOW = 1_700_000_000_000;

function call(id: string, extra: Partial<Call> = {}): Call {
  return {
    id,
    direction: 'in',
    state: 'ringing-in',
    remote: { number: '+441632960001', displayName: 'Ada Lovelace', uri: 'sip:+441632960001@pbx.example' },
    startedAt: NOW,
    hold: { local: false, remote: false },
    muted: false,
    ...extra,
  };
}

interface Shown {
  notification: CallNotification;
  handlers: NotificationHandlers;
  closed: number;
}

/** Records the notifications the notifier asked the OS to show, and lets a test press their buttons. */
class FakeNotifications implements NotificationPort {
  readonly shown: Shown[] = [];
  constructor(readonly supportsActions = true) {}
  show(notification: CallNotification, handlers: NotificationHandlers) {
    const entry: Shown = { notification, handlers, closed: 0 };
    this.shown.push(entry);
    return {
      close: () => {
        entry.closed++;
      },
    };
  }
  for(id: string): Shown {
    const entry = this.shown.find((shown) => shown.notification.id === id);
    if (!entry) throw new Error(`no notification for ${id}`);
    return entry;
  }
  press(id: string, action: CallAction) {
    this.for(id).handlers.onAction(action);
  }
}

function setUp(options: { raise?: boolean; supportsActions?: boolean; dispatchFails?: boolean } = {}) {
  const port = new FakeNotifications(options.supportsActions ?? true);
  const dispatched: Command[] = [];
  let raised = 0;
  let raiseOnIncoming = options.raise ?? false;
  const notifier = new CallNotifier(
    port,
    {
      dispatch: (command) => {
        dispatched.push(command);
        return options.dispatchFails ? Promise.reject(new Error('no such call')) : Promise.resolve({ ok: true });
      },
      raise: () => {
        raised++;
      },
    },
    { raiseOnIncoming: () => raiseOnIncoming },
  );
  return {
    port,
    notifier,
    dispatched,
    raised: () => raised,
    setRaise: (value: boolean) => {
      raiseOnIncoming = value;
    },
  };
}

describe('CallNotifier', () => {
  // Personal data: the number is on the notification, and nowhere else.
  const logged: unknown[][] = [];
  beforeEach(() => {
    logged.length = 0;
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args);
      });
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
    expect(logged).toEqual([]);
  });

  it('shows one notification per ringing incoming call, however often the calls are sent', () => {
    const { port, notifier } = setUp();
    notifier.callsChanged([call('c1')]);
    notifier.callsChanged([call('c1')]);
    notifier.callsChanged([call('c1', { quality: undefined })]);
    expect(port.shown).toHaveLength(1);
    expect(port.shown[0]?.notification).toEqual({
      id: 'c1',
      title: 'Ada Lovelace',
      body: '+441632960001',
      actions: ['answer', 'decline'],
      actionLabels: { answer: 'Answer', decline: 'Decline' },
    });

    // A second call while the first rings (call waiting): its own notification.
    notifier.callsChanged([call('c1'), call('c2', { remote: { number: '+441632960002', uri: 'sip:x@y' } })]);
    expect(port.shown).toHaveLength(2);
    expect(port.for('c2').notification.title).toBe('+441632960002');
    expect(port.for('c2').notification.body).toBe('Incoming call');
  });

  it('names the line the caller dialled, and a withheld number', () => {
    expect(callNotification(call('c1', { called: 'Support' }), true).body).toBe('+441632960001 · for Support');
    const withheld = callNotification(
      call('c2', { remote: { number: '', uri: 'sip:anonymous@anonymous.invalid' } }),
      true,
    );
    expect(withheld.title).toBe('Unknown caller');
    expect(withheld.body).toBe('Incoming call');
  });

  it('offers no buttons where the OS has none; a click still raises the window', () => {
    const { port, notifier, raised } = setUp({ supportsActions: false });
    notifier.callsChanged([call('c1')]);
    expect(port.for('c1').notification.actions).toEqual([]);
    port.for('c1').handlers.onClick();
    expect(raised()).toBe(1);
  });

  it('Answer dispatches call.answer and brings the window up', () => {
    const { port, notifier, dispatched, raised } = setUp();
    notifier.callsChanged([call('c1')]);
    port.press('c1', 'answer');
    expect(dispatched).toEqual([{ type: 'call.answer', callId: 'c1' }]);
    expect(raised()).toBe(1);
  });

  it('Decline dispatches call.decline and leaves the window where it is', () => {
    const { port, notifier, dispatched, raised } = setUp();
    notifier.callsChanged([call('c1')]);
    port.press('c1', 'decline');
    expect(dispatched).toEqual([{ type: 'call.decline', callId: 'c1' }]);
    expect(raised()).toBe(0);
  });

  it('clicking the notification raises the window', () => {
    const { port, notifier, dispatched, raised } = setUp();
    notifier.callsChanged([call('c1')]);
    port.for('c1').handlers.onClick();
    expect(raised()).toBe(1);
    expect(dispatched).toEqual([]);
  });

  it('closes the notification when the call is answered elsewhere', () => {
    const { port, notifier } = setUp();
    notifier.callsChanged([call('c1'), call('c2')]);
    notifier.callsChanged([call('c1', { state: 'active', answeredAt: NOW + 3000 }), call('c2')]);
    expect(port.for('c1').closed).toBe(1);
    expect(port.for('c2').closed).toBe(0);
    // Closed once, not at every later update.
    notifier.callsChanged([call('c1', { state: 'active', answeredAt: NOW + 3000 }), call('c2')]);
    expect(port.for('c1').closed).toBe(1);
  });

  it('closes the notification when the caller gives up or the call leaves the list', () => {
    const { port, notifier } = setUp();
    notifier.callsChanged([call('c1'), call('c2')]);
    notifier.callsChanged([call('c1', { state: 'ended', endedAt: NOW + 9000, end: { cause: 'missed' } }), call('c2')]);
    expect(port.for('c1').closed).toBe(1);
    notifier.callsChanged([]);
    expect(port.for('c2').closed).toBe(1);
    expect(port.shown).toHaveLength(2);
  });

  it('does nothing when a button of a call that has stopped ringing is pressed', () => {
    const { port, notifier, dispatched } = setUp();
    notifier.callsChanged([call('c1')]);
    notifier.callsChanged([call('c1', { state: 'ended', end: { cause: 'missed' } })]);
    port.press('c1', 'answer');
    port.press('c1', 'decline');
    expect(dispatched).toEqual([]);
  });

  it('does not bring back a notification the agent dismissed, and still removes it when the call stops ringing', () => {
    const { port, notifier, dispatched } = setUp();
    notifier.callsChanged([call('c1')]);
    port.for('c1').handlers.onClose();
    notifier.callsChanged([call('c1')]);
    expect(port.shown).toHaveLength(1);
    // Dismissing is not declining.
    expect(dispatched).toEqual([]);
    notifier.callsChanged([]);
    expect(port.for('c1').closed).toBe(1);
  });

  it('raises the window when a call starts ringing if the setting asks for it, once per call', () => {
    const on = setUp({ raise: true });
    on.notifier.callsChanged([call('c1')]);
    on.notifier.callsChanged([call('c1')]);
    expect(on.raised()).toBe(1);
    on.notifier.callsChanged([call('c1'), call('c2')]);
    expect(on.raised()).toBe(2);

    const off = setUp({ raise: false });
    off.notifier.callsChanged([call('c1')]);
    expect(off.raised()).toBe(0);
    expect(off.port.shown).toHaveLength(1);

    // The setting is read at each new call.
    off.setRaise(true);
    off.notifier.callsChanged([call('c1'), call('c3')]);
    expect(off.raised()).toBe(1);
  });

  it('says nothing about outgoing calls or consultation calls', () => {
    const { port, notifier, raised } = setUp({ raise: true });
    notifier.callsChanged([
      call('out1', { direction: 'out', state: 'ringing-out' }),
      call('out2', { direction: 'out', state: 'dialling' }),
      call('consult', { consultFor: 'c0' }),
      call('c0', {
        state: 'active',
        answeredAt: NOW,
        transfer: { kind: 'attended', target: '2002', state: 'consulting' },
      }),
    ]);
    expect(port.shown).toEqual([]);
    expect(raised()).toBe(0);
  });

  it('swallows a refused command quietly: the window shows what happened', async () => {
    const { port, notifier, dispatched } = setUp({ dispatchFails: true });
    notifier.callsChanged([call('c1')]);
    port.press('c1', 'answer');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(dispatched).toHaveLength(1);
  });

  it('closes everything on dispose', () => {
    const { port, notifier } = setUp();
    notifier.callsChanged([call('c1'), call('c2')]);
    notifier.dispose();
    expect(port.shown.map((shown) => shown.closed)).toEqual([1, 1]);
  });
});
