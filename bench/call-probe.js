/* global window, document */
/**
 * The call-setup benchmark's stopwatch inside the pages it times (bench/call-setup.ts): the caller
 * and both callees' pages. Plain browser JS, injected as it is (no bundler, no transpiler), so the
 * same code takes the same time in every page.
 *
 *   benchProbe.arm({ media })            start a round; `media`: watch new RTCPeerConnections
 *   benchProbe.hookSipJs('/sipjs/...')   this page's sip.js: INVITE sent, 200 OK received, accept()
 *   benchProbe.round()                   what the current round recorded
 *
 * Clocks. INVITE → 200 OK is taken within the caller's page on its `performance.now()`. Answer →
 * first audio may start in another process (the softphone's core answers, bench/core-probe.mjs),
 * so both of its ends are on the system clock, `Date.now()` (in Node as in Chromium): the answer
 * start is read with Date.now(), and the first packet is put on it as "Date.now() minus its age",
 * the age being measured on one clock (WebRTC stats times are `performance.timeOrigin +
 * performance.now()`, per webrtc-stats).
 *
 * First audio packet: the inbound-rtp stats of each RTCPeerConnection created during the round are
 * polled every few ms from the moment its local answer is set (no packet can arrive before: the
 * far end needs that answer to complete ICE and DTLS). The first sample with packets gives the
 * receive time of the latest of them (`lastPacketReceivedTimestamp`, sub-millisecond). Chromium
 * makes received packets visible to getStats in batches (often 3 at once, ~60 ms apart), while on
 * the wire they come one per 20 ms from the start (checked once against a raw-socket capture on
 * lo: within a few ms), so the earlier ones of the batch are counted back at Opus's 20 ms ptime.
 * `getSynchronizationSources()` is not used: its timestamps mark delivery to the track for
 * playout (after the jitter buffer), not receipt.
 */
(() => {
  if (window.benchProbe) return;

  const POLL_MS = 2;
  const PTIME_MS = 20;
  const FIRST_PACKET_TIMEOUT_MS = 15_000;

  /** @type {null | Record<string, any>} */
  let current = null;

  const now = () => performance.now();

  function markAnswer(by) {
    if (current && current.answerAt === null) {
      current.answerAt = Date.now();
      current.answerBy = by;
    }
  }

  async function pollFirstPacket(pc, round) {
    const startedAt = now();
    const deadline = startedAt + FIRST_PACKET_TIMEOUT_MS;
    while (current === round && round.firstPacketAt === null && pc.connectionState !== 'closed') {
      const report = await pc.getStats();
      const seenAt = now();
      let inbound;
      report.forEach((stats) => {
        if (stats.type === 'inbound-rtp' && stats.kind === 'audio' && stats.packetsReceived > 0) inbound = stats;
      });
      if (inbound) {
        const epochNow = Date.now();
        const last = inbound.lastPacketReceivedTimestamp - performance.timeOrigin;
        // Between the start of polling and now (1 ms of slack for rounding), or the stats run on another clock.
        const usable = Number.isFinite(last) && last >= startedAt - 1 && last <= seenAt + 1;
        const first = Math.max(startedAt, last - (inbound.packetsReceived - 1) * PTIME_MS);
        round.firstPacketAt = epochNow - (seenAt - (usable ? first : seenAt));
        round.packetsAtFirstSight = inbound.packetsReceived;
        round.firstPacketFromStats = usable;
        return;
      }
      if (seenAt > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  function watch(pc) {
    const round = current;
    if (!round?.media) return;
    round.peerConnections += 1;
    round.peerConnectionAt ??= Date.now();
    const onSignaling = () => {
      if (pc.signalingState !== 'stable' || !pc.remoteDescription) return;
      pc.removeEventListener('signalingstatechange', onSignaling);
      pollFirstPacket(pc, round).catch((err) => (round.error = String(err)));
    };
    pc.addEventListener('signalingstatechange', onSignaling);
  }

  const NativePeerConnection = window.RTCPeerConnection;
  if (typeof NativePeerConnection === 'function') {
    window.RTCPeerConnection = class extends NativePeerConnection {
      constructor(...args) {
        super(...args);
        watch(this);
      }
    };
  }

  /** The INVITE's CSeq number, or null for anything else. */
  function inviteCSeq(message) {
    if (typeof message !== 'string' || !message.startsWith('INVITE ')) return null;
    const match = /^CSeq:\s*(\d+)\s+INVITE\s*$/im.exec(message);
    return match ? Number(match[1]) : null;
  }

  /** The CSeq number of a 200 OK to an INVITE, or null for anything else. */
  function inviteOkCSeq(message) {
    if (typeof message !== 'string' || !message.startsWith('SIP/2.0 200')) return null;
    const match = /^CSeq:\s*(\d+)\s+INVITE\s*$/im.exec(message);
    return match ? Number(match[1]) : null;
  }

  /**
   * Times this page's sip.js (the very module instance the page uses, through its import map):
   * each INVITE as its transport sends it, the first 200 OK to an INVITE as the transport's
   * WebSocket hands it over, and the start of Invitation.accept().
   */
  async function hookSipJs(url) {
    const sip = await import(url);
    const transport = sip.Web.Transport.prototype;
    const send = transport.send;
    transport.send = function (message) {
      const cseq = inviteCSeq(message);
      if (current && cseq !== null) current.invitesSent.push({ cseq, at: now() });
      return send.call(this, message);
    };
    const onMessage = transport.onWebSocketMessage;
    transport.onWebSocketMessage = function (event, ws) {
      const cseq = current && current.okAt === null ? inviteOkCSeq(event.data) : null;
      if (cseq !== null) {
        current.okAt = now();
        current.okCSeq = cseq;
      }
      return onMessage.call(this, event, ws);
    };
    const accept = sip.Invitation.prototype.accept;
    sip.Invitation.prototype.accept = function (...args) {
      markAnswer('Invitation.accept()');
      return accept.apply(this, args);
    };
  }

  window.benchProbe = {
    arm({ media = false } = {}) {
      current = {
        media,
        answerAt: null,
        answerBy: null,
        peerConnections: 0,
        peerConnectionAt: null,
        firstPacketAt: null,
        packetsAtFirstSight: null,
        firstPacketFromStats: null,
        invitesSent: [],
        okAt: null,
        okCSeq: null,
        error: null,
      };
      return true;
    },
    round: () => (current ? JSON.parse(JSON.stringify(current)) : null),
    hookSipJs,
    visibility: () => document.visibilityState,
  };
})();
