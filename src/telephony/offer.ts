/**
 * Audio codecs a WebRTC engine (Chromium, Electron) can decode, by their SDP encoding names.
 * telephone-event, CN, red and the like carry no voice and do not count.
 */
const PLAYABLE = new Set(['opus', 'pcmu', 'pcma', 'g722', 'isac', 'ilbc']);
const STATIC_PAYLOADS: Record<string, string> = { '0': 'pcmu', '8': 'pcma', '9': 'g722' };

export type OfferProblem = 'no-audio' | 'not-webrtc' | 'no-common-codec';

/**
 * Whether a caller's SDP offer is one our WebRTC media can answer, checked before the agent's
 * phone rings: an offer we cannot answer gets a 488 at once (RFC 3261 §13.3.1.1) instead of a
 * call the agent picks up and that then fails. An INVITE without SDP (late offer) is fine: we
 * make the offer in our answer.
 */
export function offerProblem(sdp: string | undefined): OfferProblem | undefined {
  if (!sdp || !sdp.trim()) return undefined;
  const sections = sdp.split(/\r?\n(?=m=)/).slice(1);
  const audio = sections.filter((section) => /^m=audio [1-9]/.test(section));
  if (audio.length === 0) return 'no-audio';
  let secure = false;
  for (const section of audio) {
    const [mline = ''] = section.split(/\r?\n/);
    const [, , proto = '', ...payloads] = mline.trim().split(/\s+/);
    // WebRTC only speaks DTLS-SRTP: a plain RTP/AVP offer is from a phone a media gateway must bridge.
    if (!/SAVPF?$/.test(proto) || !/a=fingerprint:/.test(sdp)) continue;
    secure = true;
    const names = new Map<string, string>();
    for (const match of section.matchAll(/a=rtpmap:(\d+) ([^/\s]+)/g)) names.set(match[1]!, match[2]!.toLowerCase());
    const playable = payloads.some((pt) => PLAYABLE.has(names.get(pt) ?? STATIC_PAYLOADS[pt] ?? ''));
    if (playable) return undefined;
  }
  return secure ? 'no-common-codec' : 'not-webrtc';
}
