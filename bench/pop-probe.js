/* global window, document, MutationObserver */
/**
 * Loaded into the desk page before its own scripts by the screen-pop benchmark (addInitScript).
 * Notes each ringing call's `startedAt` (stamped by the core when the INVITE reached it) from the
 * `calls` events on the page's WebSocket, and the time the caller's record (card, chooser or create
 * form) is added to the DOM, by a MutationObserver. Changes nothing in the page.
 */
(() => {
  const started = new Map();
  const pops = [];
  const Native = window.WebSocket;
  class ProbedWebSocket extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        try {
          const message = JSON.parse(event.data);
          if (message.kind !== 'event' || message.event.type !== 'calls') return;
          for (const call of message.event.calls) {
            if (call.state === 'ringing-in' && !started.has(call.id)) started.set(call.id, call.startedAt);
          }
        } catch {
          // not ours to judge
        }
      });
    }
  }
  window.WebSocket = ProbedWebSocket;

  const KINDS = [
    ['.pop .record', 'card'],
    ['.pop .chooser', 'chooser'],
    ['.pop .customer-form', 'create form'],
  ];
  const seen = new WeakSet();
  const observer = new MutationObserver(() => {
    const now = Date.now();
    for (const [selector, kind] of KINDS) {
      const element = document.querySelector(selector);
      if (!element || seen.has(element)) continue;
      seen.add(element);
      // The ringing call this record belongs to: the newest one the page has seen.
      const callId = [...started.keys()].at(-1);
      if (callId) pops.push({ callId, startedAt: started.get(callId), poppedAt: now, kind });
    }
  });
  const watch = () => observer.observe(document.body, { childList: true, subtree: true });
  if (document.body) watch();
  else document.addEventListener('DOMContentLoaded', watch);

  window.popProbe = { count: () => pops.length, at: (index) => pops[index] ?? null };
})();
