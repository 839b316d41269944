import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { UserAgent } from 'sip.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/config/defaults.js';
import type { Settings } from '../../src/contract/settings.js';
import { maskLogLine, writeDiagnosticsBundle } from '../../src/diagnostics/bundle.js';
import { maskSipMessage, parseTraceLog, SipTrace } from '../../src/diagnostics/sip-trace.js';
import { tempDir } from '../support/tmp.js';

const crlf = (lines: string[]) => lines.join('\r\n');

const REGISTER = crlf([
  'REGISTER sip:pbx.example.com SIP/2.0',
  'Via: SIP/2.0/WSS 3k2j1h4g5f6d.invalid;branch=z9hG4bK1234567',
  'Max-Forwards: 70',
  'To: <sip:3471234567@pbx.example.com>',
  'From: "Mario Rossi" <sip:3471234567@pbx.example.com>;tag=8fk2ma09x1',
  'Call-ID: 5c2rkd8s1hv0u3n0q4ma',
  'CSeq: 2 REGISTER',
  'Authorization: Digest algorithm=MD5, username="3471234567", realm="pbx.example.com", ' +
    'nonce="Y2FmZWJhYmUtbm9uY2U", uri="sip:pbx.example.com", response="6629fae49393a05397450978507c4ef1", ' +
    'cnonce="0a4f113b", nc=00000001, qop=auth, opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  'Contact: <sip:ab12cd34@3k2j1h4g5f6d.invalid;transport=ws>;expires=600',
  'Expires: 600',
  'User-Agent: HeadsetSoftphone',
  'Content-Length: 0',
  '',
  '',
]);

const UNAUTHORIZED = crlf([
  'SIP/2.0 401 Unauthorized',
  'Via: SIP/2.0/WSS 3k2j1h4g5f6d.invalid;received=198.51.100.7;branch=z9hG4bK1234567;rport=53211',
  'To: <sip:3471234567@pbx.example.com>;tag=as7d9e0f1a',
  'From: <sip:3471234567@pbx.example.com>;tag=8fk2ma09x1',
  'Call-ID: 5c2rkd8s1hv0u3n0q4ma',
  'CSeq: 1 REGISTER',
  'WWW-Authenticate: Digest realm="pbx.example.com", nonce="Y2FmZWJhYmUtbm9uY2U", qop="auth", algorithm=MD5',
  'Content-Length: 0',
  '',
  '',
]);

const SDP = [
  'v=0',
  'o=root 1848395212 1848395212 IN IP4 192.0.2.10',
  's=Asterisk PBX 20.5.0',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 18642 UDP/TLS/RTP/SAVPF 111 0 8 101',
  'a=rtpmap:111 opus/48000/2',
  'a=ice-ufrag:6f3c1a2b',
  'a=ice-pwd:0b1a3c5d7e9f2a4c6e8b0d1f3a5c7e9b',
  'a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B',
  'a=setup:actpass',
  'a=candidate:1 1 udp 2130706431 192.0.2.10 18642 typ host',
  'a=candidate:842163049 1 udp 1677729535 198.51.100.7 61022 typ srflx raddr 10.0.0.5 rport 61022 generation 0 ufrag 6f3c1a2b network-cost 999',
  'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32',
  'a=sendrecv',
  '',
];

const INVITE = crlf([
  'INVITE sip:ab12cd34@3k2j1h4g5f6d.invalid;transport=ws SIP/2.0',
  'Via: SIP/2.0/WSS 192.0.2.10:8089;branch=z9hG4bK-524287-1---6a3c2f0d;rport',
  'Max-Forwards: 69',
  'From: "Giulia Bianchi" <sip:+390212345678@pbx.example.com>;tag=as5f1c2d3e',
  'To: <sip:1001@pbx.example.com>',
  'Contact: <sip:+390212345678@192.0.2.10:8089;transport=ws>',
  'Call-ID: 0f3a6b5e2c1d4e7f@192.0.2.10',
  'CSeq: 102 INVITE',
  'P-Asserted-Identity: "Giulia Bianchi" <sip:+390212345678@pbx.example.com>, <tel:+39-02-1234-5678>',
  'Remote-Party-ID: Giulia Bianchi <sip:+390212345678@pbx.example.com>;party=calling;screen=yes;privacy=off',
  'X-Caller-Number: +39 02 1234 5678',
  'Content-Type: application/sdp',
  'Content-Length: 812',
  '',
  ...SDP,
]);

const INFO = crlf([
  'INFO sip:+390212345678@192.0.2.10:8089;transport=ws SIP/2.0',
  'Via: SIP/2.0/WSS 3k2j1h4g5f6d.invalid;branch=z9hG4bK7654321',
  'To: <sip:+390212345678@pbx.example.com>;tag=as5f1c2d3e',
  'From: <sip:1001@pbx.example.com>;tag=8fk2ma09x1',
  'Call-ID: 0f3a6b5e2c1d4e7f@192.0.2.10',
  'CSeq: 3 INFO',
  'Content-Type: application/dtmf-relay',
  'Content-Length: 22',
  '',
  'Signal=7',
  'Duration=160',
  '',
]);

describe('masking SIP messages for the trace', () => {
  it('keeps a REGISTER readable but drops the digest credentials and the person', () => {
    const masked = maskSipMessage(REGISTER);
    for (const secret of [
      'Y2FmZWJhYmUtbm9uY2U',
      '6629fae49393a05397450978507c4ef1',
      '0a4f113b',
      '5ccc069c403ebaf9f0171e9517f40e41',
      '3471234567',
      'Mario',
      'Rossi',
    ]) {
      expect(masked).not.toContain(secret);
    }
    expect(masked).toContain('REGISTER sip:pbx.example.com SIP/2.0');
    expect(masked).toContain('Call-ID: 5c2rkd8s1hv0u3n0q4ma');
    expect(masked).toContain('CSeq: 2 REGISTER');
    expect(masked).toContain('Via: SIP/2.0/WSS 3k2j1h4g5f6d.invalid;branch=z9hG4bK1234567');
    expect(masked).toMatch(/^Authorization: Digest algorithm=MD5, username="\*+67", realm="pbx.example.com", /m);
    expect(masked).toContain('nonce="[redacted]"');
    expect(masked).toContain('response="[redacted]"');
    expect(masked).toContain('cnonce="[redacted]"');
    expect(masked).toContain('From: "[name]" <sip:********67@pbx.example.com>;tag=8fk2ma09x1');
    expect(masked).toContain('Contact: <sip:******34@3k2j1h4g5f6d.invalid;transport=ws>;expires=600');
    expect(masked).not.toContain('\r');
  });

  it('keeps the status line of a challenge and drops its nonce', () => {
    const masked = maskSipMessage(UNAUTHORIZED);
    expect(masked.split('\n')[0]).toBe('SIP/2.0 401 Unauthorized');
    expect(masked).not.toContain('Y2FmZWJhYmUtbm9uY2U');
    expect(masked).toContain(
      'WWW-Authenticate: Digest realm="pbx.example.com", nonce="[redacted]", qop="auth", algorithm=MD5',
    );
    // Addresses, ports and tags are what make the trace useful: not phone numbers.
    expect(masked).toContain('received=198.51.100.7;branch=z9hG4bK1234567;rport=53211');
    expect(masked).toContain(';tag=as7d9e0f1a');
  });

  it('masks display names, asserted identities and numbers of an INVITE, and the SDP secrets', () => {
    const masked = maskSipMessage(INVITE);
    for (const secret of [
      'Giulia',
      'Bianchi',
      '0212345678',
      '1234-5678',
      '02 1234 5678',
      '0b1a3c5d7e9f2a4c6e8b0d1f3a5c7e9b',
      '4A:AD:B9',
      'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz',
      'ufrag 6f3c1a2b',
      'ice-ufrag:6f3c1a2b',
    ]) {
      expect(masked).not.toContain(secret);
    }
    const lines = masked.split('\n');
    expect(lines[0]).toBe('INVITE sip:******34@3k2j1h4g5f6d.invalid;transport=ws SIP/2.0');
    expect(lines).toContain('Via: SIP/2.0/WSS 192.0.2.10:8089;branch=z9hG4bK-524287-1---6a3c2f0d;rport');
    expect(lines).toContain('From: "[name]" <sip:********78@pbx.example.com>;tag=as5f1c2d3e');
    expect(lines).toContain('P-Asserted-Identity: "[name]" <sip:********78@pbx.example.com>, <tel:********78>');
    expect(lines).toContain(
      'Remote-Party-ID: [name] <sip:********78@pbx.example.com>;party=calling;screen=yes;privacy=off',
    );
    expect(lines).toContain('Contact: <sip:********78@192.0.2.10:8089;transport=ws>');
    expect(lines).toContain('X-Caller-Number: ********78');
    expect(lines).toContain('Call-ID: 0f3a6b5e2c1d4e7f@192.0.2.10');
    expect(lines).toContain('CSeq: 102 INVITE');
    expect(lines).toContain('a=ice-ufrag:[redacted]');
    expect(lines).toContain('a=ice-pwd:[redacted]');
    expect(lines).toContain('a=fingerprint:sha-256 [redacted]');
    expect(lines).toContain('a=crypto:1 AES_CM_128_HMAC_SHA1_80 [redacted]');
    expect(lines).toContain('o=**ot 1848395212 1848395212 IN IP4 192.0.2.10');
    expect(lines).toContain('c=IN IP4 192.0.2.10');
    expect(lines).toContain('m=audio 18642 UDP/TLS/RTP/SAVPF 111 0 8 101');
    expect(lines).toContain('a=candidate:1 1 udp 2130706431 192.0.2.10 18642 typ host');
    expect(lines).toContain(
      'a=candidate:842163049 1 udp 1677729535 198.51.100.7 61022 typ srflx raddr 10.0.0.5 rport 61022 generation 0 ufrag [redacted] network-cost 999',
    );
  });

  it('hides the key typed in an INFO (a PIN is personal data)', () => {
    const masked = maskSipMessage(INFO);
    expect(masked).not.toContain('Signal=7');
    expect(masked).toContain('Signal=*\nDuration=160');
    expect(masked).toContain('INFO sip:********78@192.0.2.10:8089;transport=ws SIP/2.0');
    expect(masked).toContain('CSeq: 3 INFO');
    expect(maskSipMessage(INFO.replace('dtmf-relay', 'dtmf').replace('Signal=7\r\nDuration=160', '7'))).toMatch(
      /\n\n\*\n?$/,
    );
  });

  it('leaves out bodies it cannot mask, such as chat text, and masks each part of a multipart', () => {
    const message = crlf([
      'MESSAGE sip:1001@pbx.example.com SIP/2.0',
      'Call-ID: m1',
      'CSeq: 1 MESSAGE',
      'Content-Type: text/plain',
      '',
      'Call me back on +39 347 123 4567, my PIN is 4711',
    ]);
    const masked = maskSipMessage(message);
    expect(masked).not.toContain('4711');
    expect(masked).toContain('[text/plain body of 48 bytes left out]');

    const multipart = crlf([
      'INVITE sip:1001@pbx.example.com SIP/2.0',
      'Call-ID: m2',
      'CSeq: 1 INVITE',
      'Content-Type: multipart/mixed;boundary=unique-boundary-1',
      '',
      '--unique-boundary-1',
      'Content-Type: application/sdp',
      '',
      'v=0',
      'a=ice-pwd:0b1a3c5d7e9f2a4c6e8b0d1f3a5c7e9b',
      '--unique-boundary-1',
      'Content-Type: application/isup;version=itu-t92+',
      '',
      '\u0001\u0002+393471234567',
      '--unique-boundary-1--',
      '',
    ]);
    const maskedParts = maskSipMessage(multipart);
    expect(maskedParts).not.toContain('0b1a3c5d7e9f2a4c6e8b0d1f3a5c7e9b');
    expect(maskedParts).not.toContain('3471234567');
    expect(maskedParts).toContain('a=ice-pwd:[redacted]');
    expect(maskedParts).toContain('[application/isup body of');
    expect(maskedParts).toContain('--unique-boundary-1--');
  });

  it('redacts other authorization schemes and secret-looking headers whole', () => {
    const masked = maskSipMessage(
      crlf([
        'OPTIONS sip:pbx.example.com SIP/2.0',
        'Proxy-Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMDAxIn0.c2lnbmF0dXJl',
        'X-Auth-Token: 9f8e7d6c5b4a',
        'Identity: eyJhbGciOiJFUzI1NiJ9.eyJvcmlnIjp7InRuIjoiMzkzNDcxMjM0NTY3In19.sig;info=<https://cert.example.org/c.pem>;alg=ES256;ppt=shaken',
        'Call-ID: o1',
        '',
        '',
      ]),
    );
    expect(masked).toContain('Proxy-Authorization: Bearer [redacted]');
    expect(masked).toContain('X-Auth-Token: [redacted]');
    expect(masked).toContain('Identity: [redacted];info=<https://cert.example.org/c.pem>;alg=ES256;ppt=shaken');
    expect(masked).not.toMatch(/eyJ|9f8e7d6c5b4a/);
  });

  it('masks text that is not SIP as any log text', () => {
    expect(maskSipMessage('garbage from +393471234567')).toBe('garbage from ********67');
  });
});

describe('reading the trace out of sip.js', () => {
  it('matches the exact strings sip.js 0.21 logs, through a real UserAgent', async () => {
    const trace = new SipTrace();
    const ua = new UserAgent({
      uri: UserAgent.makeURI('sip:1001@pbx.example.com'),
      transportOptions: { server: 'wss://pbx.example.com:8089/ws', traceSip: true },
      logBuiltinEnabled: false,
      logLevel: 'warn',
      logConnector: (_level, category, _label, content) => {
        trace.fromLogContent(category, content);
      },
    });
    // Not connected: sip.js logs the message, then refuses to send it.
    await expect(ua.transport.send(REGISTER)).rejects.toThrow('Not connected');
    // The transport's WebSocket handler, as if the server had answered on an open socket.
    const transport = ua.transport as unknown as {
      _ws: unknown;
      onWebSocketMessage(event: { data: unknown }, ws: unknown): void;
    };
    const socket = {};
    transport._ws = socket;
    transport.onWebSocketMessage({ data: UNAUTHORIZED }, socket);
    transport.onWebSocketMessage({ data: new TextEncoder().encode(INFO).buffer }, socket);
    transport.onWebSocketMessage({ data: '\r\n' }, socket); // keep-alive pong: not a message
    transport._ws = undefined;

    const entries = trace.entries();
    expect(entries.map((entry) => entry.direction)).toEqual(['sent', 'received', 'received']);
    expect(entries[0]!.message).toBe(maskSipMessage(REGISTER));
    expect(entries[1]!.message.split('\n')[0]).toBe('SIP/2.0 401 Unauthorized');
    expect(entries[2]!.message).toContain('Signal=*');
    expect(JSON.stringify(entries)).not.toMatch(/Y2FmZWJhYmUtbm9uY2U|3471234567|Signal=7|Mario/);
  });

  it('ignores other categories, other transport lines and keep-alives', () => {
    expect(parseTraceLog('sip.UserAgent', `Sending WebSocket message:\n\n${REGISTER}\n`)).toBeUndefined();
    expect(parseTraceLog('sip.Transport', 'Connecting wss://pbx.example.com')).toBeUndefined();
    expect(parseTraceLog('sip.Transport', 'Received WebSocket message with CRLF Keep Alive response')).toBeUndefined();
    expect(parseTraceLog('sip.Transport', 'Sending WebSocket message:\n\n\r\n\r\n\n')).toBeUndefined();
    expect(parseTraceLog('sip.Transport', { not: 'a string' })).toBeUndefined();
    expect(parseTraceLog('sip.Transport', `Received WebSocket message:\n\n${INFO}\n`)).toEqual({
      direction: 'received',
      message: INFO,
    });
  });
});

describe('the SIP trace ring buffer', () => {
  it('keeps the last N messages, oldest first, and says how many fell out', () => {
    let clock = Date.parse('2026-11-25T14:00:00Z');
    const trace = new SipTrace({ capacity: 3, now: () => new Date((clock += 1000)) });
    for (let i = 1; i <= 5; i += 1) {
      trace.record(i % 2 ? 'sent' : 'received', `OPTIONS sip:pbx.example.com SIP/2.0\r\nCSeq: ${i} OPTIONS\r\n\r\n`);
    }
    expect(trace.size).toBe(3);
    expect(trace.dropped).toBe(2);
    expect(trace.entries().map((entry) => /CSeq: (\d+)/.exec(entry.message)?.[1])).toEqual(['3', '4', '5']);
    const text = trace.toText();
    expect(text).toContain('2 older messages are not kept (the trace holds the last 3)');
    expect(text).toContain(
      '=== 2026-11-25T14:00:03.000Z sent ===\nOPTIONS sip:pbx.example.com SIP/2.0\nCSeq: 3 OPTIONS\n',
    );
    expect(text.indexOf('CSeq: 3')).toBeLessThan(text.indexOf('CSeq: 5'));
    trace.clear();
    expect(trace.entries()).toEqual([]);
  });

  it('holds 500 messages unless told otherwise, and refuses a capacity below 1', () => {
    expect(new SipTrace().capacity).toBe(500);
    expect(() => new SipTrace({ capacity: 0 })).toThrow(RangeError);
  });
});

describe('the diagnostics bundle', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir('softphone-diag-')));
  afterEach(() => cleanup());

  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    sip: {
      wsUrl: 'wss://192.0.2.10:8089/ws',
      wsUrlSecondary: 'wss://192.0.2.11:8089/ws',
      user: '3471234567',
      authUser: 'mario.rossi',
      domain: 'pbx.example.com',
      displayName: 'Mario Rossi',
    },
    agent: { name: 'Mario Rossi', company: 'Acme Support' },
  };
  const app = { name: 'Headset Softphone', version: '0.1.0', host: 'web' };
  const now = () => new Date('2026-11-25T14:30:05.250Z');

  function filledTrace(): SipTrace {
    const trace = new SipTrace({ now });
    trace.fromLogContent('sip.Transport', `Sending WebSocket message:\n\n${REGISTER}\n`);
    trace.fromLogContent('sip.Transport', `Received WebSocket text message:\n\n${INVITE}\n`);
    trace.fromLogContent('sip.Transport', `Sending WebSocket message:\n\n${INFO}\n`);
    return trace;
  }

  function writeLogs(): string {
    const logFile = path.join(dir, 'data', 'logs', 'core.log');
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    fs.writeFileSync(
      logFile,
      [
        '{"level":30,"time":1795617005000,"pid":4242,"hostname":"marios-laptop","name":"core","msg":"line registered"}',
        '{"level":20,"time":1795617006000,"name":"core","msg":"dialling +39 347 123 4567","password":"hunter2"}',
        'plain stderr: caller 00393471234567 failed, sipPassword=hunter2',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(`${logFile}.1`, '{"level":30,"time":1795610000000,"msg":"from sip:3471234567@pbx.example.com"}\n');
    return logFile;
  }

  async function unpack(file: string): Promise<Record<string, string>> {
    const files = unzipSync(fs.readFileSync(file));
    return Object.fromEntries(Object.entries(files).map(([name, data]) => [name, strFromU8(data)]));
  }

  it('writes one zip with every listed file, named after the time, atomically', async () => {
    const logFile = writeLogs();
    const { file, bytes } = await writeDiagnosticsBundle({
      dir: path.join(dir, 'out'),
      app,
      settings,
      lineHealth: { status: 'registered', server: 'wss://pbx.example.com/ws', aor: 'sip:3471234567@pbx.example.com' },
      calls: [{ id: 'c1', direction: 'in', remote: { number: '+393471234567', displayName: 'Giulia Bianchi' } }],
      logFile,
      trace: filledTrace(),
      now,
    });
    expect(path.basename(file)).toBe('diagnostics-20261125-143005.zip');
    expect(fs.statSync(file).size).toBe(bytes);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['diagnostics-20261125-143005.zip']);

    const files = await unpack(file);
    expect(Object.keys(files).sort()).toEqual([
      'README.txt',
      'core.log',
      'core.log.1',
      'line-health.json',
      'recent-calls.json',
      'settings.json',
      'sip-trace.txt',
      'versions.json',
    ]);
    expect(files['README.txt']).toContain('sip-trace.txt:');
    expect(files['README.txt']).toContain('The SIP password is never put in this file.');

    const versions = JSON.parse(files['versions.json']!);
    const sipJs = createRequire(import.meta.url)('sip.js/package.json') as { version: string };
    expect(versions).toMatchObject({
      app,
      node: process.versions.node,
      sipJs: sipJs.version,
      os: { platform: process.platform, arch: process.arch },
    });
    expect(versions.cpus.count).toBeGreaterThan(0);
    expect(versions.memory.totalBytes).toBeGreaterThan(0);

    expect(JSON.parse(files['line-health.json']!)).toEqual({
      status: 'registered',
      server: 'wss://pbx.example.com/ws',
      aor: 'sip:********67@pbx.example.com',
    });
    expect(JSON.parse(files['recent-calls.json']!)).toEqual([
      { id: 'c1', direction: 'in', remote: { number: '********67', displayName: '[redacted]' } },
    ]);

    const trace = files['sip-trace.txt']!;
    expect(trace).toContain('=== 2026-11-25T14:30:05.250Z sent ===\nREGISTER sip:pbx.example.com SIP/2.0');
    expect(trace).toContain('=== 2026-11-25T14:30:05.250Z received ===\nINVITE sip:');
    expect(trace).toContain('Signal=*');

    const everything = Object.values(files).join('\n');
    for (const secret of ['hunter2', '3471234567', 'Mario', 'mario.rossi', 'Giulia', 'marios-laptop', 'Signal=7']) {
      expect(everything).not.toContain(secret);
    }
  });

  it('masks who the agent is in the settings, and keeps the server', async () => {
    const leaky = { ...settings, sip: { ...settings.sip, password: 's3cr3t!' } } as unknown as Settings;
    const { file } = await writeDiagnosticsBundle({ dir, app, settings: leaky, trace: new SipTrace(), now });
    const masked = JSON.parse((await unpack(file))['settings.json']!);
    expect(masked.sip).toEqual({
      wsUrl: 'wss://192.0.2.10:8089/ws',
      wsUrlSecondary: 'wss://192.0.2.11:8089/ws',
      user: '********67',
      authUser: '********si',
      domain: 'pbx.example.com',
      displayName: '[name]',
      password: '[redacted]',
    });
    expect(masked.agent).toEqual({ name: '[name]', company: 'Acme Support' });
    expect(masked.calls).toEqual(settings.calls);
    expect(masked.phone).toEqual({ defaultRegion: 'IT' });
  });

  it('masks the log lines again: a raw phone number and a password field come out masked', async () => {
    const logFile = writeLogs();
    const { file } = await writeDiagnosticsBundle({ dir, app, settings, logFile, trace: new SipTrace(), now });
    const files = await unpack(file);
    const lines = files['core.log']!.split('\n');
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 30,
      time: 1795617005000,
      pid: 4242,
      hostname: '[redacted]',
      name: 'core',
      msg: 'line registered',
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({
      time: 1795617006000,
      msg: 'dialling ********67',
      password: '[redacted]',
    });
    expect(lines[2]).toBe('plain stderr: caller ********67 failed, sipPassword=[redacted]');
    expect(files['core.log.1']).toContain('sip:********67@pbx.example.com');
    expect(files['core.log']! + files['core.log.1']!).not.toMatch(/hunter2|3471234567/);
  });

  it('takes only the last part of a long log, from a whole line on', async () => {
    const logFile = path.join(dir, 'core.log');
    const line = (i: number) =>
      `{"level":30,"time":${1795617000000 + i},"msg":"event ${i} from +39347123${String(i).padStart(4, '0')}"}`;
    fs.writeFileSync(logFile, `${Array.from({ length: 2000 }, (_, i) => line(i)).join('\n')}\n`);
    const { file } = await writeDiagnosticsBundle({
      dir,
      app,
      settings,
      logFile,
      trace: new SipTrace(),
      now,
      maxLogBytes: 10_000,
    });
    const log = (await unpack(file))['core.log']!;
    expect(Buffer.byteLength(log)).toBeLessThanOrEqual(10_000);
    const lines = log.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(50);
    for (const kept of lines) expect(() => JSON.parse(kept)).not.toThrow();
    expect(JSON.parse(lines.at(-1)!).time).toBe(1795617000000 + 1999);
    expect(log).not.toMatch(/347123\d{4}/);
  });

  it('never reads the secrets file, works without a log, and does not overwrite an earlier bundle', async () => {
    fs.writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({ sipPassword: 'top-secret-pw' }));
    const first = await writeDiagnosticsBundle({ dir, app, settings, trace: new SipTrace(), now });
    const second = await writeDiagnosticsBundle({
      dir,
      app,
      settings,
      logFile: path.join(dir, 'missing.log'),
      trace: new SipTrace(),
      now,
    });
    expect(path.basename(second.file)).toBe('diagnostics-20261125-143005-2.zip');
    for (const { file } of [first, second]) {
      const files = await unpack(file);
      expect(Object.keys(files).sort()).toEqual([
        'README.txt',
        'line-health.json',
        'recent-calls.json',
        'settings.json',
        'sip-trace.txt',
        'versions.json',
      ]);
      expect(Object.values(files).join('\n')).not.toContain('top-secret-pw');
      expect(files['README.txt']).toContain('Not included: the app log');
      expect(files['line-health.json']).toBe('null\n');
      expect(files['recent-calls.json']).toBe('[]\n');
    }
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('masks a log line that is not JSON as text', () => {
    expect(maskLogLine('token=abc123 for +393471234567')).toBe('token=[redacted] for ********67');
  });
});
