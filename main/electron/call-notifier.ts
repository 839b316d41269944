import type { Call } from '../../src/contract/calls.js';
import type { Command } from '../../src/contract/messages.js';

// An OS notification for each incoming call, so that an agent working in another program sees
// who is calling and can answer or decline without looking for the window. Electron cannot run
// here, so this module speaks to a small port (NotificationPort) that main.ts implements with
// Electron's Notification. It logs nothing: the notification shows the caller's number because
// that is its job, but the number goes nowhere else.

export type CallAction = 'answer' | 'decline';

export interface CallNotification {
  /** The call's id: one notification per call. */
  id: string;
  title: string;
  body: string;
  /** The buttons to offer, in this order; empty where the OS has none (port.supportsActions). */
  actions: CallAction[];
  /** The buttons' words. */
  actionLabels: Record<CallAction, string>;
}

export interface NotificationHandlers {
  /** A button was pressed. */
  onAction(action: CallAction): void;
  /** The notification itself was clicked. */
  onClick(): void;
  /** The OS closed it: dismissed by the agent, timed out, or after close(). */
  onClose(): void;
}

export interface NotificationHandle {
  close(): void;
}

/** What the notifier needs from Electron's Notification. */
export interface NotificationPort {
  show(notification: CallNotification, handlers: NotificationHandlers): NotificationHandle;
  /** Whether the OS shows buttons on a notification (macOS and Windows do; Linux through Electron does not). */
  readonly supportsActions: boolean;
}

export interface CallNotifierActions {
  /** The core's dispatch: `call.answer` and `call.decline`. */
  dispatch(command: Command): Promise<unknown>;
  /** Show, restore and focus the window. */
  raise(): void;
}

/** Every word the notification shows; `{{name}}` marks where a value goes, as in the UI's locale files. */
export interface CallNotifierTexts {
  /** The body when the title is already the number (no name came with the call). */
  incoming: string;
  /** The title when the caller withheld the number. */
  unknownCaller: string;
  /** The number or queue the caller dialled: `{{called}}`. */
  calledLine: string;
  answer: string;
  decline: string;
}

export const DEFAULT_CALL_NOTIFIER_TEXTS: CallNotifierTexts = {
  incoming: 'Incoming call',
  unknownCaller: 'Unknown caller',
  calledLine: 'for {{called}}',
  answer: 'Answer',
  decline: 'Decline',
};

export interface CallNotifierOptions {
  /** Read at each new incoming call, so that a change of the setting counts at once. */
  raiseOnIncoming: () => boolean;
  texts?: CallNotifierTexts;
}

/**
 * Calls the agent must decide on: ringing here, coming in. A consultation call (`consultFor`) is
 * part of a transfer the agent started and is never announced as a new caller.
 */
function isIncoming(call: Call): boolean {
  return call.direction === 'in' && call.state === 'ringing-in' && !call.consultFor;
}

/** The notification for a call: the caller's name (or number) as the title, the number below it. */
export function callNotification(
  call: Call,
  supportsActions: boolean,
  texts: CallNotifierTexts = DEFAULT_CALL_NOTIFIER_TEXTS,
): CallNotification {
  const number = call.remote.number.trim();
  const name = call.remote.displayName?.trim();
  const title = name || number || texts.unknownCaller;
  const lines = [name && number ? number : texts.incoming];
  if (call.called) lines.push(texts.calledLine.replace('{{called}}', call.called));
  return {
    id: call.id,
    title,
    body: lines.join(' · '),
    actions: supportsActions ? ['answer', 'decline'] : [],
    actionLabels: { answer: texts.answer, decline: texts.decline },
  };
}

/**
 * Keeps one notification per ringing incoming call: main.ts calls `callsChanged` on each 'calls'
 * event. A call is announced once, when it starts ringing; its notification is closed as soon as
 * it stops ringing here, whether it was answered in the window, on another device, declined, or
 * the caller gave up.
 */
export class CallNotifier {
  private readonly texts: CallNotifierTexts;
  /** The notifications still on screen (or in the OS's notification centre), by call id. */
  private readonly open = new Map<string, NotificationHandle>();
  /** Calls already announced, so that a dismissed notification does not come back. */
  private readonly announced = new Set<string>();
  /** The calls ringing now: a button pressed on a stale notification must not act. */
  private ringing = new Set<string>();

  constructor(
    private readonly port: NotificationPort,
    private readonly actions: CallNotifierActions,
    private readonly options: CallNotifierOptions,
  ) {
    this.texts = options.texts ?? DEFAULT_CALL_NOTIFIER_TEXTS;
  }

  callsChanged(calls: readonly Call[]): void {
    const incoming = calls.filter(isIncoming);
    this.ringing = new Set(incoming.map((call) => call.id));

    for (const [id, handle] of this.open) {
      if (this.ringing.has(id)) continue;
      this.open.delete(id);
      handle.close();
    }
    // Forget calls that are gone from the list: the set stays as small as the list.
    const listed = new Set(calls.map((call) => call.id));
    for (const id of this.announced) if (!listed.has(id)) this.announced.delete(id);

    for (const call of incoming) {
      if (this.announced.has(call.id)) continue;
      this.announced.add(call.id);
      if (this.options.raiseOnIncoming()) this.actions.raise();
      this.open.set(
        call.id,
        this.port.show(callNotification(call, this.port.supportsActions, this.texts), this.handlers(call.id)),
      );
    }
  }

  /** Closes every notification (when quitting). */
  dispose(): void {
    for (const handle of this.open.values()) handle.close();
    this.open.clear();
  }

  private handlers(callId: string): NotificationHandlers {
    return {
      onAction: (action) => {
        // Windows keeps a timed-out notification in its Action Center, where its buttons still
        // work; once the call has stopped ringing they must do nothing.
        if (!this.ringing.has(callId)) return;
        const command: Command =
          action === 'answer' ? { type: 'call.answer', callId } : { type: 'call.decline', callId };
        // The answer (or a refusal) shows in the window; nothing here to report, nothing to log.
        this.actions.dispatch(command).catch(() => undefined);
        // An answered call needs the customer card and the guidance: bring the window up.
        if (action === 'answer') this.actions.raise();
      },
      onClick: () => this.actions.raise(),
      // Dismissing the notification is not declining: the call keeps ringing in the window. The
      // handle stays, so that the notification is taken out of the notification centre too once
      // the call stops ringing.
      onClose: () => undefined,
    };
  }
}
