/* global window, document, MediaStream */
/**
 * The "customer" at the other end of an end-to-end call: plain sip.js with its own built-in Web
 * SessionDescriptionHandler (none of our code), in a Chromium page with fake audio.
 *
 * The Node side (./index.ts) drives it through `page.evaluate(() => window.peer.<method>(...))`.
 * Every method is async and returns plain JSON-able values.
 *
 * DTMF received: only SIP INFO (application/dtmf-relay, application/dtmf) is recorded. RFC 4733
 * telephone-events cannot be observed from page JavaScript (Chromium consumes them below the
 * WebRTC API), so `sendDtmf(..., { method: 'rfc4733' })` can be checked on the sending side only
 * (`state().dtmfSent`, from RTCDTMFSender's tonechange events).
 *
 * Transfer: the peer follows a REFER (RFC 3515) by calling the Refer-To target, with the Replaces
 * header when Refer-To carries one; as the target it answers an INVITE that replaces (RFC 3891)
 * its current call at once; and as the transferor it can transfer blind (`transfer`) or attended
 * (`consult`, then `completeTransfer`).
 */
import {
  Core,
  Inviter,
  Registerer,
  RegistererState,
  SessionState,
  SIPExtension,
  UserAgent,
  Web,
} from '/sipjs/index.js';

const MEDIA_OPTIONS = Object.freeze({ constraints: { audio: true, video: false } });
const MAX_EVENTS = 300;
/**
 * A transferor ends the transferred call once a NOTIFY says the new call is up (RFC 5589). When
 * it has not after this long, the transferee ends it itself; state().referredCall.referrerEnd
 * tells tests which side did.
 */
const REFERRER_BYE_GRACE_MS = 2000;
const DTMF_INFO_SIGNALS = { 10: '*', 11: '#', 12: 'A', 13: 'B', 14: 'C', 15: 'D' };

const audioElement = document.getElementById('remote-audio');
const statusElement = document.getElementById('status');

/** @type {{ t: number, type: string, detail: string }[]} */
const events = [];
function log(type, detail = '') {
  events.push({ t: Date.now(), type, detail: String(detail) });
  if (events.length > MAX_EVENTS) events.shift();
}

let config = null;
let ua = null;
let registerer = null;
let registered = false;
let registrationStatusCode = null;

/** The current call, or the last one once it is over. */
let session = null;
/** @type {'in' | 'out' | null} */
let direction = null;
/** @type {'idle' | 'ringing-in' | 'calling' | 'early' | 'established' | 'terminated'} */
let sessionState = 'idle';
/**
 * How each call ended (set as soon as its end is known), by session: the current call is not the
 * only one that can end, a held or a transferred call can too.
 * @type {WeakMap<object, { cause: string, by: string, statusCode?: number, reasonPhrase?: string }>}
 */
const ends = new WeakMap();
let lastIncoming = null;
let incomingCount = 0;
/** Final status this peer sends to an INVITE while a call is in progress, and the last such INVITE. */
let busyStatusCode = 486;
let lastBusyIncoming = null;
let localHold = false;
let incomingTimer;
/** @type {{ mode: 'ring' } | { mode: 'answer', afterMs?: number } | { mode: 'reject', statusCode?: number, afterMs?: number }} */
let incomingPolicy = { mode: 'ring' };
/**
 * A live call that is not the current one, to go back to when the current one ends without a
 * transfer: the call consult() put on hold, or the call a REFER came in while the referred call
 * is being set up.
 * @type {{ session: object, direction: 'in' | 'out', localHold: boolean } | null}
 */
let previous = null;
/** @type {'accept' | 'reject'} */
let referPolicy = 'accept';
let refersReceived = 0;
let lastReferTo = null;
/** The call placed for the last accepted REFER (transferee role), and the call the REFER came in. */
let referred = null;
let replacedCount = 0;
let lastReplacedCallId = null;
/** The last transfer this peer made (transferor role). */
let transfer = null;
let dtmfReceived = [];
/** re-INVITEs the other side sent in the current call (hold, resume, a recovery's new offer). */
let reinvitesReceived = 0;
let dtmfSent = [];
let playback = { attached: false, playing: false, error: null };

function setSessionState(next) {
  if (sessionState === next) return;
  sessionState = next;
  log('state', next);
  statusElement.textContent = `${config?.user ?? '?'}: ${registered ? 'registered' : 'not registered'}, ${next}`;
}

function isOver(s) {
  return s.state === SessionState.Terminating || s.state === SessionState.Terminated;
}

function busy() {
  return session !== null && !isOver(session);
}

function livePrevious() {
  return previous && !isOver(previous.session) ? previous : null;
}

function statusOf(response) {
  return { statusCode: response.message.statusCode, reasonPhrase: response.message.reasonPhrase };
}

function requireUa(what) {
  if (!ua) throw new Error(`${what}: call peer.init() first`);
  return ua;
}

function requireEstablished(what) {
  if (!session || session.state !== SessionState.Established) {
    throw new Error(`${what}: no established call (state ${sessionState})`);
  }
  return session;
}

function peerConnection() {
  return session?.sessionDescriptionHandler?.peerConnection;
}

/**
 * Plays the remote stream in the <audio> element. Chromium's element stays at readyState 0 when it
 * gets a MediaStream that had no track yet (sip.js adds the remote track later), so attach a fresh
 * stream holding the track once it is there, and again if sip.js swaps the track. Only the current
 * call plays: a held or referring call must not take the element over.
 */
function attachRemoteAudio(sdh) {
  const stream = sdh?.remoteMediaStream;
  if (!stream || sdh !== session?.sessionDescriptionHandler) return;
  stream.onaddtrack = () => attachRemoteAudio(sdh);
  const track = stream.getAudioTracks()[0];
  const current = audioElement.srcObject?.getAudioTracks()[0];
  if (!track || current === track) return;
  audioElement.srcObject = new MediaStream([track]);
  playback = { attached: true, playing: false, error: null };
  log('audio', `attached remote track ${track.id}`);
  audioElement.play().then(
    () => {
      playback.playing = true;
    },
    (err) => {
      playback.error = String(err);
      log('audio-play-error', err);
    },
  );
}

function watchPeerConnection(sdh) {
  sdh.peerConnectionDelegate = {
    onicecandidate: (event) => log('ice-candidate', event.candidate?.candidate ?? 'end-of-candidates'),
    oniceconnectionstatechange: () => log('ice', sdh.peerConnection?.iceConnectionState),
    onconnectionstatechange: () => log('pc', sdh.peerConnection?.connectionState),
  };
}

/** Direction of the first audio m-section of an SDP (session-level attribute as fallback). */
function sdpAudioDirection(sdp) {
  if (!sdp) return null;
  const sections = sdp.split(/\r?\nm=/);
  const audio = sections.slice(1).find((s) => s.startsWith('audio'));
  const pick = (text) => /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(text)?.[1];
  const held0000 = /^c=IN IP4 0\.0\.0\.0\s*$/m.test(audio ?? sections[0]);
  const dir = (audio && pick(audio)) ?? pick(sections[0]) ?? 'sendrecv';
  return held0000 && dir === 'sendrecv' ? 'inactive' : dir;
}

function parseInfoDigit(contentType, body) {
  if (/application\/dtmf-relay/i.test(contentType)) {
    const signal = /^\s*Signal\s*=\s*(\S+)/im.exec(body)?.[1];
    if (!signal) return null;
    return DTMF_INFO_SIGNALS[signal] ?? signal.toUpperCase();
  }
  if (/application\/dtmf\b/i.test(contentType)) {
    const digit = body.trim();
    return DTMF_INFO_SIGNALS[digit] ?? (digit.toUpperCase() || null);
  }
  return null;
}

function trackSession(s, dir) {
  clearTimeout(incomingTimer);
  session = s;
  direction = dir;
  localHold = false;
  dtmfReceived = [];
  dtmfSent = [];
  reinvitesReceived = 0;
  s.delegate = {
    onBye: (bye) => {
      ends.set(s, { cause: 'bye', by: 'remote' });
      log('bye-received', s.request.callId);
      bye.accept();
    },
    onCancel: () => {
      ends.set(s, { cause: 'canceled', by: 'remote' });
      log('cancel-received');
    },
    onInfo: (info) => {
      const contentType = info.request.getHeader('Content-Type') ?? '';
      const body = info.request.body ?? '';
      const digit = parseInfoDigit(contentType, body);
      log('info-received', `${contentType} ${JSON.stringify(body)}`);
      if (digit && session === s) dtmfReceived.push(digit);
      info.accept();
    },
    onInvite: () => {
      if (session === s) reinvitesReceived += 1;
      log('reinvite-received', sdpAudioDirection(peerConnection()?.remoteDescription?.sdp));
    },
    onRefer: (referral) => onRefer(s, referral),
    onSessionDescriptionHandler: (sdh) => {
      watchPeerConnection(sdh);
      attachRemoteAudio(sdh);
    },
  };
  s.stateChange.addListener((state) => {
    log('session', `${dir} ${state} ${s.request.callId}`);
    if (state === SessionState.Terminated && !ends.has(s)) ends.set(s, { cause: 'terminated', by: 'unknown' });
    if (session !== s) return;
    if (state === SessionState.Established) {
      setSessionState('established');
      attachRemoteAudio(s.sessionDescriptionHandler);
    } else if (state === SessionState.Terminated) {
      clearTimeout(incomingTimer);
      setSessionState('terminated');
      audioElement.srcObject = null;
      playback = { ...playback, attached: false, playing: false };
      resumePrevious();
    }
  });
}

/**
 * The current call is over: go back to the previous call if it is still up (it stays as it was,
 * e.g. on hold: unhold() resumes it). Not while an attended transfer of it is pending: then the
 * consultation ending is part of the transfer.
 */
function resumePrevious() {
  const back = livePrevious();
  if (!back || !isOver(session)) return;
  if (transfer?.session === back.session && transfer.kind === 'attended' && transfer.outcome === 'pending') return;
  previous = null;
  session = back.session;
  direction = back.direction;
  localHold = back.localHold;
  dtmfReceived = [];
  dtmfSent = [];
  log('resumed', `back to call ${session.request.callId}`);
  setSessionState('established');
  attachRemoteAudio(session.sessionDescriptionHandler);
}

function onInvite(invitation) {
  incomingCount += 1;
  const identity = invitation.remoteIdentity;
  const caller = {
    displayName: identity.displayName || null,
    user: identity.uri.user ?? null,
    uri: identity.uri.toString(),
    from: invitation.request.getHeader('From') ?? null,
    pAssertedIdentity: invitation.request.getHeader('P-Asserted-Identity') ?? null,
    callInfo: invitation.request.getHeader('Call-Info') ?? null,
    alertInfo: invitation.request.getHeader('Alert-Info') ?? null,
  };
  log('incoming', caller.from);
  // sip.js matched the Replaces header to a dialog of ours (else it answered 481 itself).
  const replacee = invitation.replacee;
  if (replacee && replacee === session && replacee.state === SessionState.Established) {
    answerReplacing(invitation, caller);
    return;
  }
  if (busy()) {
    log('incoming-busy', `another call is in progress: ${busyStatusCode}`);
    lastBusyIncoming = { caller, statusCode: busyStatusCode };
    invitation.reject({ statusCode: busyStatusCode }).catch((err) => log('error', err));
    return;
  }
  lastIncoming = caller;
  trackSession(invitation, 'in');
  setSessionState('ringing-in');
  const policy = incomingPolicy;
  if (policy.mode === 'ring') return;
  incomingTimer = setTimeout(() => {
    if (session !== invitation || invitation.state !== SessionState.Initial) return;
    const action = policy.mode === 'answer' ? answer() : reject(policy.statusCode ?? 486);
    action.catch((err) => log('error', `auto ${policy.mode}: ${err}`));
  }, policy.afterMs ?? 0);
}

/**
 * An INVITE that replaces the current call (RFC 3891: the far end of an attended transfer) is
 * answered at once, whatever the incoming policy: the user already accepted this conversation.
 * sip.js sends the BYE to the replaced call once the new one is established.
 */
function answerReplacing(invitation, caller) {
  const replaced = session;
  log('incoming-replaces', `replaces call ${replaced.request.callId}`);
  lastIncoming = caller;
  trackSession(invitation, 'in');
  setSessionState('ringing-in');
  answer().then(
    () => {
      ends.set(replaced, { cause: 'bye', by: 'local' });
      replacedCount += 1;
      lastReplacedCallId = replaced.request.callId;
      log('replaced', replaced.request.callId);
    },
    (err) => log('error', `answering the replacing INVITE: ${err}`),
  );
}

/** A REFER in one of our calls (we are the transferee): follow it, or decline with 603. */
function onRefer(s, referral) {
  refersReceived += 1;
  lastReferTo = referral.request.getHeader('Refer-To') ?? null;
  log('refer-received', lastReferTo);
  // One transfer at a time, and only of the call the test sees as the current one.
  if (referPolicy === 'reject' || s !== session || livePrevious()) {
    log('refer-declined', referPolicy === 'reject' ? 'policy' : 'not the current call, or another in progress');
    referral.reject({ statusCode: 603 }).catch((err) => log('error', err));
    return;
  }
  referral
    .accept()
    .then(() => followReferral(s, referral))
    .catch((err) => log('error', `following the REFER: ${err}`));
}

/**
 * Calls the Refer-To target as the new current call (sip.js adds Replaces and Referred-By, and
 * reports its progress to the transferor in NOTIFYs). The call the REFER came in stays up, as the
 * previous call, until the new one is established; if the new one fails, it is current again.
 */
function followReferral(from, referral) {
  const inviter = referral.makeInviter({ sessionDescriptionHandlerOptions: MEDIA_OPTIONS });
  const record = {
    from,
    inviter,
    replaces: referral.replaces ? decodeURIComponent(referral.replaces) : null,
    statusCode: null,
    established: false,
  };
  referred = record;
  previous = { session: from, direction, localHold };
  return placeCall(inviter, (status) => {
    record.statusCode = status.statusCode;
    if (status.statusCode >= 300) return;
    record.established = true;
    if (previous?.session === from) previous = null;
    setTimeout(() => {
      if (isOver(from)) return;
      log('referrer-bye', 'the transferor did not end the transferred call: ending it');
      ends.set(from, { cause: 'bye', by: 'local' });
      from.bye().catch((err) => log('error', `bye to the transferor: ${err}`));
    }, REFERRER_BYE_GRACE_MS);
  });
}

/**
 * Sends a REFER in call `s` (we are the transferor) to `target`: a URI (blind) or the
 * consultation session (attended: sip.js puts its dialog into Refer-To's Replaces). Resolves once
 * the REFER is answered; the NOTIFYs that follow report the new call's progress. Once one says it
 * succeeded, the transferred call is ended with BYE unless keepCall.
 */
async function sendRefer(s, target, kind, { keepCall = false } = {}) {
  const record = { session: s, kind, referTo: null, referStatusCode: null, progress: [], outcome: 'pending' };
  transfer = record;
  const fail = (why) => {
    record.outcome = 'failed';
    log('transfer', `${kind} failed: ${why}`);
    resumePrevious();
  };
  const onNotify = (notification) => {
    notification.accept();
    const code = /^SIP\/2\.0\s+(\d{3})/.exec(notification.request.body ?? '')?.[1];
    log('notify-received', `${notification.request.getHeader('Event')}: ${notification.request.body}`);
    if (!code || record.outcome !== 'pending') return;
    record.progress.push(Number(code));
    if (Number(code) < 200) return;
    if (Number(code) >= 300) {
      fail(`NOTIFY ${code}`);
      return;
    }
    record.outcome = 'succeeded';
    log('transfer', `${kind} succeeded`);
    if (keepCall || s.state !== SessionState.Established) return;
    ends.set(s, { cause: 'bye', by: 'local' });
    s.bye().catch((err) => log('error', `bye after the transfer: ${err}`));
  };
  const answered = await new Promise((resolve, reject) => {
    s.refer(target, {
      requestDelegate: {
        onAccept: (r) => resolve(statusOf(r)),
        onReject: (r) => resolve(statusOf(r)),
      },
      onNotify,
    })
      .then((request) => {
        record.referTo = request.message.getHeader('Refer-To') ?? null;
        log('refer-sent', record.referTo);
      })
      .catch(reject);
  });
  record.referStatusCode = answered.statusCode;
  log('refer-answered', `${answered.statusCode} ${answered.reasonPhrase}`);
  if (answered.statusCode >= 300 && record.outcome === 'pending') fail(`REFER answered ${answered.statusCode}`);
  return state();
}

/** Resolves once the session is over (or after timeoutMs: the caller checks the state). */
function sessionOver(s, timeoutMs = 5000) {
  if (s.state === SessionState.Terminated) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      s.stateChange.removeListener(onChange);
      resolve();
    }
    function onChange(state) {
      if (state === SessionState.Terminated) done();
    }
    s.stateChange.addListener(onChange);
  });
}

// ---------------------------------------------------------------------------------------------
// the API

async function init(options) {
  if (ua) throw new Error('init: already initialised');
  config = { ...options };
  incomingPolicy = options.incoming ?? { mode: 'ring' };
  referPolicy = options.refer ?? 'accept';
  busyStatusCode = options.busyStatusCode ?? 486;
  ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${options.user}@${options.domain}`),
    displayName: options.displayName,
    authorizationUsername: options.user,
    authorizationPassword: options.password,
    transportOptions: { server: options.wsUrl, connectionTimeout: 5 },
    sessionDescriptionHandlerFactory: Web.defaultSessionDescriptionHandlerFactory(),
    // No STUN/TURN: host candidates on loopback only, so gathering ends at once.
    sessionDescriptionHandlerFactoryOptions: {
      peerConnectionConfiguration: { iceServers: [] },
      iceGatheringTimeout: options.iceGatheringTimeoutMs ?? 2000,
    },
    // Match an incoming INVITE's Replaces header to our dialogs (sets invitation.replacee).
    sipExtensionReplaces: SIPExtension.Supported,
    userAgentString: 'browser-peer (sip.js)',
    logBuiltinEnabled: false,
    logConnector: (level, category, _label, content) => {
      if (level === 'error' || level === 'warn') log(`sip-${level}`, `${category}: ${content}`);
    },
    delegate: {
      onInvite,
      onConnect: () => log('transport', 'connected'),
      onDisconnect: (err) => {
        registered = false;
        log('transport', `disconnected${err ? `: ${err.message}` : ''}`);
      },
    },
  });
  await ua.start();
  setSessionState('idle');
  return state();
}

async function register() {
  const agent = requireUa('register');
  registerer ??= newRegisterer(agent);
  const result = await new Promise((resolve, reject) => {
    registerer
      .register({ requestDelegate: { onAccept: (r) => resolve(statusOf(r)), onReject: (r) => resolve(statusOf(r)) } })
      .catch(reject);
  });
  registrationStatusCode = result.statusCode;
  log('register', `${result.statusCode} ${result.reasonPhrase}`);
  return result;
}

function newRegisterer(agent) {
  const r = new Registerer(agent, { expires: 300 });
  r.stateChange.addListener((st) => {
    registered = st === RegistererState.Registered;
    log('registration', st);
  });
  return r;
}

async function unregister() {
  if (!registerer) return;
  await new Promise((resolve, reject) => {
    registerer.unregister({ requestDelegate: { onAccept: () => resolve(), onReject: () => resolve() } }).catch(reject);
  });
}

/** A bare user becomes sip:<user>@<domain>. */
function targetUri(what, target) {
  requireUa(what);
  const uri = UserAgent.makeURI(target.includes(':') ? target : `sip:${target}@${config.domain}`);
  if (!uri) throw new Error(`${what}: not a SIP target: ${target}`);
  return uri;
}

function newInviter(uri, options) {
  return new Inviter(ua, uri, {
    sessionDescriptionHandlerOptions: MEDIA_OPTIONS,
    extraHeaders: options.extraHeaders ?? [],
  });
}

/** Makes the outgoing call the current one and sends its INVITE; onFinal gets its final status. */
async function placeCall(inviter, onFinal = () => {}) {
  trackSession(inviter, 'out');
  setSessionState('calling');
  await inviter.invite({
    requestDelegate: {
      onProgress: (r) => {
        log('progress', r.message.statusCode);
        if (session === inviter && r.message.statusCode > 100 && sessionState === 'calling') {
          setSessionState('early');
        }
      },
      onAccept: (r) => {
        log('accepted', r.message.statusCode);
        onFinal(statusOf(r));
      },
      onReject: (r) => {
        log('rejected', `${r.message.statusCode} ${r.message.reasonPhrase}`);
        // After our CANCEL the INVITE ends with 487: still a cancel by us.
        const end = ends.get(inviter);
        ends.set(
          inviter,
          end?.cause === 'canceled' ? { ...end, ...statusOf(r) } : { cause: 'rejected', by: 'remote', ...statusOf(r) },
        );
        onFinal(statusOf(r));
      },
      onRedirect: (r) => {
        ends.set(inviter, { cause: 'redirected', by: 'remote', ...statusOf(r) });
        onFinal(statusOf(r));
      },
    },
  });
  return state();
}

async function call(target, options = {}) {
  if (busy()) throw new Error(`call: a call is already in progress (state ${sessionState})`);
  return placeCall(newInviter(targetUri('call', target), options));
}

/** Attended transfer, step 1: holds the current call and calls the target as the new current call. */
async function consult(target, options = {}) {
  requireEstablished('consult');
  if (livePrevious()) throw new Error('consult: already consulting');
  const uri = targetUri('consult', target);
  if (!localHold) await hold();
  previous = { session, direction, localHold };
  log('consult', `holding call ${session.request.callId}`);
  return placeCall(newInviter(uri, options));
}

/** Attended transfer, step 2: REFER to the held party, Replaces = the consultation's dialog. */
async function completeTransfer(options = {}) {
  const consultation = requireEstablished('completeTransfer');
  const held = livePrevious();
  if (!held) throw new Error('completeTransfer: no held call to transfer (consult() first)');
  return sendRefer(held.session, consultation, 'attended', options);
}

/** Blind transfer of the current call to target. */
async function blindTransfer(target, options = {}) {
  const s = requireEstablished('transfer');
  return sendRefer(s, targetUri('transfer', target), 'blind', options);
}

async function answer() {
  const s = session;
  if (!s || direction !== 'in' || s.state !== SessionState.Initial) {
    throw new Error(`answer: no ringing incoming call (state ${sessionState})`);
  }
  clearTimeout(incomingTimer);
  await s.accept({ sessionDescriptionHandlerOptions: MEDIA_OPTIONS });
  return state();
}

async function reject(statusCode = 486) {
  const s = session;
  if (!s || direction !== 'in' || s.state !== SessionState.Initial) {
    throw new Error(`reject: no ringing incoming call (state ${sessionState})`);
  }
  clearTimeout(incomingTimer);
  ends.set(s, { cause: 'rejected', by: 'local', statusCode });
  await s.reject({ statusCode });
  await sessionOver(s);
  return state();
}

async function hangup() {
  const s = session;
  if (!s || isOver(s)) throw new Error(`hangup: no call (state ${sessionState})`);
  if (s.state === SessionState.Established) {
    ends.set(s, { cause: 'bye', by: 'local' });
    await s.bye();
  } else if (direction === 'out') {
    ends.set(s, { cause: 'canceled', by: 'local' });
    await s.cancel();
  } else {
    ends.set(s, { cause: 'rejected', by: 'local', statusCode: 480 });
    await s.reject({ statusCode: 480 });
  }
  await sessionOver(s);
  return state();
}

/**
 * Waits (up to 5 s) until an answered incoming call has its ACK: RFC 3261 14.1 allows no new
 * INVITE while the initial one is in progress, and sip.js drops the call when we send one.
 */
async function ackReceived(s) {
  for (let waited = 0; s.dialog?.sessionState === Core.SessionState.AckWait && waited < 5000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function reinvite(hold) {
  const s = requireEstablished(hold ? 'hold' : 'unhold');
  await ackReceived(s);
  s.sessionDescriptionHandlerOptionsReInvite = { ...MEDIA_OPTIONS, hold };
  let result;
  // As a phone does (RFC 3261 14.1, 21.5.1): a 491 (the other side's own re-INVITE crossed ours) or
  // a 500 with Retry-After (it is still busy with one) means "try again shortly", a few times.
  for (let attempt = 1; ; attempt++) {
    result = await new Promise((resolve, reject) => {
      s.invite({
        requestDelegate: {
          onAccept: (r) => resolve({ ok: true, ...statusOf(r) }),
          onReject: (r) =>
            resolve({ ok: false, ...statusOf(r), retryAfter: retryAfterSeconds(r.message.getHeader('Retry-After')) }),
        },
      }).catch(reject);
    });
    log(hold ? 'hold' : 'unhold', `${result.statusCode} ${result.reasonPhrase}`);
    const again = result.statusCode === 491 || (result.statusCode === 500 && result.retryAfter !== undefined);
    if (result.ok || !again || attempt === 3) break;
    await new Promise((resolve) =>
      setTimeout(resolve, result.statusCode === 491 ? 2100 + Math.random() * 1900 : result.retryAfter * 1000 + 100),
    );
    await ackReceived(s);
  }
  if (!result.ok) throw new Error(`${hold ? 'hold' : 'unhold'}: re-INVITE answered ${result.statusCode}`);
  localHold = hold;
  return state();
}

/** Retry-After's seconds (RFC 3261 20.33: "5", "5;duration=60", "5 (busy)"); undefined without one. */
function retryAfterSeconds(header) {
  const seconds = Number.parseInt(header ?? '', 10);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

const hold = () => reinvite(true);
const unhold = () => reinvite(false);

async function sendDtmf(digits, options = {}) {
  const s = requireEstablished('sendDtmf');
  const method = options.method ?? 'rfc4733';
  const duration = options.duration ?? 160;
  const interToneGap = options.interToneGap ?? 70;
  if (method === 'info') {
    if (!/^[0-9A-D*#]+$/i.test(digits)) throw new Error(`sendDtmf: not DTMF digits: ${digits}`);
    for (const digit of digits.toUpperCase()) {
      const result = await new Promise((resolve, reject) => {
        s.info({
          requestDelegate: { onAccept: (r) => resolve(statusOf(r)), onReject: (r) => resolve(statusOf(r)) },
          requestOptions: {
            body: {
              contentDisposition: 'render',
              contentType: 'application/dtmf-relay',
              content: `Signal=${digit}\r\nDuration=${duration}`,
            },
          },
        }).catch(reject);
      });
      if (result.statusCode < 200 || result.statusCode >= 300) {
        throw new Error(`sendDtmf: INFO for ${digit} answered ${result.statusCode}`);
      }
      dtmfSent.push(digit);
    }
    return state();
  }
  if (method !== 'rfc4733') throw new Error(`sendDtmf: unknown method ${method}`);
  if (!/^[0-9A-D*#,]+$/i.test(digits)) throw new Error(`sendDtmf: not DTMF digits: ${digits}`);
  const sender = peerConnection()
    ?.getSenders()
    .find((x) => x.track?.kind === 'audio');
  const dtmf = sender?.dtmf;
  if (!dtmf) throw new Error('sendDtmf: no RTCDTMFSender (no audio sender)');
  const finished = new Promise((resolve) => {
    dtmf.ontonechange = (event) => {
      if (event.tone) dtmfSent.push(event.tone);
      else resolve();
    };
  });
  if (!s.sessionDescriptionHandler.sendDtmf(digits, { duration, interToneGap })) {
    throw new Error('sendDtmf: the session description handler refused (telephone-event not negotiated?)');
  }
  const cap = new Promise((resolve) => setTimeout(resolve, digits.length * (duration + interToneGap + 2000) + 1000));
  await Promise.race([finished, cap]);
  return state();
}

/** How call s ended; null while it is up. */
function endOf(s) {
  return isOver(s) ? (ends.get(s) ?? null) : null;
}

function state() {
  const pc = peerConnection();
  const remoteDirection = sdpAudioDirection(pc?.remoteDescription?.sdp);
  return {
    user: config?.user ?? null,
    registered,
    registrationStatusCode,
    session: sessionState,
    direction,
    callId: session?.request?.callId ?? null,
    lastEnd: session ? endOf(session) : null,
    lastIncoming,
    incomingCount,
    lastBusyIncoming,
    previousCallId: livePrevious()?.session.request.callId ?? null,
    referPolicy,
    refersReceived,
    lastReferTo,
    referredCall: referred && {
      callId: referred.inviter.request.callId,
      replaces: referred.replaces,
      statusCode: referred.statusCode,
      established: referred.established,
      referrerEnd: endOf(referred.from),
    },
    replacedCount,
    lastReplacedCallId,
    transfer: transfer && {
      kind: transfer.kind,
      referTo: transfer.referTo,
      referStatusCode: transfer.referStatusCode,
      progress: [...transfer.progress],
      outcome: transfer.outcome,
      callEnd: endOf(transfer.session),
    },
    localHold,
    remoteDirection,
    heldByRemote: remoteDirection === 'sendonly' || remoteDirection === 'inactive',
    dtmfReceived: [...dtmfReceived],
    dtmfSent: [...dtmfSent],
    reinvitesReceived,
    playback: {
      ...playback,
      paused: audioElement.paused,
      currentTime: audioElement.currentTime,
      readyState: audioElement.readyState,
      tracks: audioElement.srcObject?.getAudioTracks().length ?? 0,
    },
    incomingPolicy,
  };
}

async function audioStats() {
  const pc = peerConnection();
  const empty = {
    at: Date.now(),
    inbound: null,
    outbound: null,
    direction: null,
    currentDirection: null,
    iceConnectionState: null,
    connectionState: null,
    selectedPair: null,
    codec: null,
  };
  if (!pc || pc.connectionState === 'closed') return empty;
  const report = await pc.getStats();
  let inbound = null;
  let outbound = null;
  let codecId = null;
  let pairId = null;
  report.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      inbound ??= {
        bytesReceived: 0,
        packetsReceived: 0,
        packetsLost: 0,
        totalSamplesReceived: 0,
        totalAudioEnergy: 0,
      };
      inbound.bytesReceived += s.bytesReceived ?? 0;
      inbound.packetsReceived += s.packetsReceived ?? 0;
      inbound.packetsLost += s.packetsLost ?? 0;
      inbound.totalSamplesReceived += s.totalSamplesReceived ?? 0;
      inbound.totalAudioEnergy += s.totalAudioEnergy ?? 0;
      codecId ??= s.codecId ?? null;
    } else if (s.type === 'outbound-rtp' && s.kind === 'audio') {
      outbound ??= { bytesSent: 0, packetsSent: 0 };
      outbound.bytesSent += s.bytesSent ?? 0;
      outbound.packetsSent += s.packetsSent ?? 0;
      codecId ??= s.codecId ?? null;
    } else if (s.type === 'transport' && s.selectedCandidatePairId) {
      pairId = s.selectedCandidatePairId;
    }
  });
  const pair = pairId ? report.get(pairId) : undefined;
  const local = pair ? report.get(pair.localCandidateId) : undefined;
  const remote = pair ? report.get(pair.remoteCandidateId) : undefined;
  const transceiver = pc.getTransceivers().find((t) => t.receiver.track?.kind === 'audio');
  return {
    ...empty,
    inbound,
    outbound,
    direction: transceiver?.direction ?? null,
    currentDirection: transceiver?.currentDirection ?? null,
    iceConnectionState: pc.iceConnectionState,
    connectionState: pc.connectionState,
    selectedPair:
      local && remote
        ? {
            local: `${local.address ?? local.ip}:${local.port}`,
            remote: `${remote.address ?? remote.ip}:${remote.port}`,
            protocol: local.protocol,
          }
        : null,
    codec: codecId ? (report.get(codecId)?.mimeType ?? null) : null,
  };
}

async function setIncoming(policy) {
  if (!['ring', 'answer', 'reject'].includes(policy?.mode)) throw new Error(`setIncoming: bad policy`);
  incomingPolicy = { ...policy };
  return state();
}

async function setRefer(policy) {
  if (policy !== 'accept' && policy !== 'reject') throw new Error(`setRefer: bad policy ${policy}`);
  referPolicy = policy;
  return state();
}

async function shutdown() {
  clearTimeout(incomingTimer);
  if (session && !isOver(session)) await hangup().catch((err) => log('error', `shutdown hangup: ${err}`));
  if (registered) await unregister().catch((err) => log('error', `shutdown unregister: ${err}`));
  await ua?.stop();
}

window.peer = {
  init,
  register,
  unregister,
  call,
  consult,
  completeTransfer,
  transfer: blindTransfer,
  answer,
  reject,
  hangup,
  hold,
  unhold,
  sendDtmf,
  dtmfReceived: async () => [...dtmfReceived],
  state: async () => state(),
  audioStats,
  setIncoming,
  setRefer,
  events: async () => [...events],
  shutdown,
};
statusElement.textContent = 'ready';
