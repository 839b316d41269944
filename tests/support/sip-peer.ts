import { Messager, Registerer, UserAgent, type SessionDescriptionHandler, type UserAgentDelegate } from 'sip.js';
import { installNodeWebSocket } from '../../src/telephony/websocket.js';
import { getTestAccount } from '../../tools/pbx/accounts.js';
import type { Pbx } from '../../tools/pbx/pbx.js';

installNodeWebSocket();

// No WebRTC in Node: a fixed SDP is enough to prove signalling.
const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n';
export const fakeSessionDescriptionHandler = (): SessionDescriptionHandler => ({
  close: () => undefined,
  getDescription: async () => ({ body: SDP, contentType: 'application/sdp' }),
  hasDescription: (contentType) => contentType === 'application/sdp',
  setDescription: async () => undefined,
  sendDtmf: () => false,
});

type Final = { message: { statusCode?: number } };

/**
 * A second SIP party for tests: a plain sip.js UserAgent in Node that registers a test account
 * and resolves with the REGISTER's final status code.
 */
export async function registerPeer(
  pbx: Pbx,
  user: string,
  options: { password?: string; delegate?: UserAgentDelegate } = {},
): Promise<{ ua: UserAgent; status: number }> {
  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${user}@${pbx.domain}`),
    authorizationUsername: user,
    authorizationPassword: options.password ?? getTestAccount(user).password,
    transportOptions: { server: pbx.wsUrl, connectionTimeout: 5 },
    sessionDescriptionHandlerFactory: fakeSessionDescriptionHandler,
    logBuiltinEnabled: false,
    delegate: options.delegate,
  });
  await ua.start();
  const status = await new Promise<number>((resolve, reject) => {
    const done = (r: Final) => resolve(r.message.statusCode ?? 0);
    new Registerer(ua, { expires: 300 })
      .register({ requestDelegate: { onAccept: done, onReject: done } })
      .catch(reject);
  });
  return { ua, status };
}

/** Sends a SIP MESSAGE and resolves with the final status code (200 when someone is registered there). */
export function sendMessage(ua: UserAgent, target: string, body = 'ping'): Promise<number> {
  return new Promise((resolve, reject) => {
    const done = (r: Final) => resolve(r.message.statusCode ?? 0);
    new Messager(ua, UserAgent.makeURI(target)!, body)
      .message({ requestDelegate: { onAccept: done, onReject: done } })
      .catch(reject);
  });
}
