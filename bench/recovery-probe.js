/* global window, document, MutationObserver */
/**
 * The line-recovery benchmark's recorder inside the pages it watches (bench/recovery.ts): the
 * desk's page and the customer's browser-peer page. Plain browser JS, injected once the page is up.
 * Every time is Date.now(), the system clock, which the benchmark's own process reads too (it
 * restores the relay): the two are compared directly, to the millisecond.
 *
 *   recoveryProbe.watchLine()        desk: each change of the line status element's data-status
 *   recoveryProbe.hookMedia()        desk: each media request from the core to the page's engine
 *   recoveryProbe.sampleAudio(kind)  'desk' | 'peer': the inbound audio byte counter every 50 ms
 *   recoveryProbe.since(t)           line changes and media requests from Date.now() t on
 *   recoveryProbe.takeSamples()      the audio samples so far, handed over once (then dropped here)
 *
 * The line status is what the agent sees, flipped by the core's line state through the page's
 * store: a MutationObserver notes the moment React writes it, so no poll interval is added.
 *
 * Media requests are how the desk's core drives WebRTC in this page (src/contract MediaRequest).
 * After a reconnection, the core's recovery re-INVITE asks for an `offer` with `iceRestart`, and
 * the far end's 200 OK comes back as `set-remote` of type `answer`: when that one is done, the
 * re-INVITE has been answered and its answer applied to the call's RTCPeerConnection.
 */
(() => {
  if (window.recoveryProbe) return;

  const SAMPLE_MS = 50;
  /** @type {{ at: number, status: string | null }[]} */
  const line = [];
  /** @type {{ op: string, iceRestart: boolean, type: string | null, start: number, end: number | null, ok: boolean | null }[]} */
  const media = [];
  /** @type {[number, number | null][]} [Date.now(), inbound audio bytes (null: no call or no stats yet)] */
  let samples = [];
  let sampling = false;

  function watchLine() {
    let last;
    const read = () => {
      const element = document.querySelector('[role="status"][data-status]');
      const status = element ? element.getAttribute('data-status') : null;
      if (status === last) return;
      last = status;
      line.push({ at: Date.now(), status });
    };
    read();
    new MutationObserver(read).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-status'],
    });
  }

  function hookMedia() {
    const engine = window.softphoneMedia;
    if (!engine) throw new Error('the desk page has no media engine (window.softphoneMedia)');
    const handle = engine.handle;
    // An own property in front of the prototype's method: the store calls engine.handle(...) each time.
    engine.handle = function (request) {
      const entry = {
        op: request.op,
        iceRestart: Boolean(request.iceRestart),
        type: request.type ?? null,
        start: Date.now(),
        end: null,
        ok: null,
      };
      media.push(entry);
      return handle.call(this, request).then(
        (result) => {
          entry.end = Date.now();
          entry.ok = true;
          return result;
        },
        (error) => {
          entry.end = Date.now();
          entry.ok = false;
          throw error;
        },
      );
    };
  }

  const readers = {
    async desk() {
      const engine = window.softphoneMedia;
      const callId = engine.callIds()[0];
      const stats = callId === undefined ? undefined : await engine.stats(callId);
      return stats ? stats.bytesReceived : null;
    },
    async peer() {
      const stats = await window.peer.audioStats();
      return stats.inbound ? stats.inbound.bytesReceived : null;
    },
  };

  function sampleAudio(kind) {
    const read = readers[kind];
    if (!read) throw new Error(`no audio reader for ${kind}`);
    if (sampling) return;
    sampling = true;
    const tick = async () => {
      const started = Date.now();
      let bytes;
      try {
        bytes = await read();
      } catch {
        bytes = null;
      }
      samples.push([Date.now(), bytes]);
      setTimeout(tick, Math.max(0, SAMPLE_MS - (Date.now() - started)));
    };
    void tick();
  }

  function since(t) {
    return {
      line: line.filter((entry) => entry.at >= t),
      media: media.filter((entry) => entry.start >= t).map((entry) => ({ ...entry })),
    };
  }

  function takeSamples() {
    const taken = samples;
    samples = [];
    return taken;
  }

  window.recoveryProbe = { watchLine, hookMedia, sampleAudio, since, takeSamples };
})();
