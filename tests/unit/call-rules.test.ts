import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Call } from '../../src/contract/index.js';
import { createLogger } from '../../src/log/logger.js';
import { autoAnswerDelay } from '../../src/telephony/auto-answer.js';
import { CallHistoryStore } from '../../src/telephony/history.js';
import { offerProblem } from '../../src/telephony/offer.js';
import { tempDir } from '../support/tmp.js';

const webrtcOffer = (payloads: string, rtpmaps: string[], proto = 'UDP/TLS/RTP/SAVPF') =>
  [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=fingerprint:sha-256 AB:CD',
    `m=audio 40000 ${proto} ${payloads}`,
    'c=IN IP4 127.0.0.1',
    ...rtpmaps,
    '',
  ].join('\r\n');

describe('offerProblem', () => {
  it('accepts a late offer (no SDP) and a WebRTC offer with opus or G.711', () => {
    expect(offerProblem(undefined)).toBeUndefined();
    expect(offerProblem('')).toBeUndefined();
    expect(
      offerProblem(webrtcOffer('111 126', ['a=rtpmap:111 opus/48000/2', 'a=rtpmap:126 telephone-event/8000'])),
    ).toBeUndefined();
    // Static payload types need no rtpmap.
    expect(offerProblem(webrtcOffer('0 101', ['a=rtpmap:101 telephone-event/8000']))).toBeUndefined();
  });

  it('refuses an offer whose only voice codec a browser cannot decode', () => {
    expect(offerProblem(webrtcOffer('18 101', ['a=rtpmap:18 G729/8000', 'a=rtpmap:101 telephone-event/8000']))).toBe(
      'no-common-codec',
    );
  });

  it('refuses plain RTP from a phone that does not speak WebRTC, and an offer without audio', () => {
    expect(offerProblem(webrtcOffer('0', [], 'RTP/AVP').replace('a=fingerprint:sha-256 AB:CD\r\n', ''))).toBe(
      'not-webrtc',
    );
    expect(offerProblem('v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n')).toBe(
      'no-audio',
    );
    // A rejected audio stream (port 0) is no audio either.
    expect(offerProblem(webrtcOffer('111', ['a=rtpmap:111 opus/48000/2']).replace('m=audio 40000', 'm=audio 0'))).toBe(
      'no-audio',
    );
  });
});

describe('autoAnswerDelay', () => {
  it('reads Call-Info answer-after and the Alert-Info auto-answer forms', () => {
    expect(autoAnswerDelay({ callInfo: ['<sip:pbx.test>;answer-after=0'], alertInfo: [] })).toBe(0);
    expect(autoAnswerDelay({ callInfo: ['<http://x>;purpose=icon', '<sip:x>; answer-after="2"'], alertInfo: [] })).toBe(
      2,
    );
    expect(autoAnswerDelay({ callInfo: [], alertInfo: ['<http://x>;info=alert-autoanswer'] })).toBe(0);
    expect(autoAnswerDelay({ callInfo: [], alertInfo: ['<http://x>;info=alert-autoanswer;delay=3'] })).toBe(3);
    expect(autoAnswerDelay({ callInfo: [], alertInfo: ['<http://x/intercom>'] })).toBe(0);
  });

  it('says no when nothing asks for it, and never waits longer than a minute', () => {
    expect(
      autoAnswerDelay({ callInfo: ['<http://x/photo.png>;purpose=icon'], alertInfo: ['<http://x/ring.wav>'] }),
    ).toBe(undefined);
    expect(autoAnswerDelay({ callInfo: ['<sip:x>;answer-after=3600'], alertInfo: [] })).toBe(60);
  });
});

describe('CallHistoryStore', () => {
  const call = (id: string, patch: Partial<Call>): Call => ({
    id,
    direction: 'in',
    state: 'ended',
    remote: { number: '+390212345678', uri: 'sip:+390212345678@pbx.test' },
    startedAt: 1,
    endedAt: 2,
    hold: { local: false, remote: false },
    muted: false,
    end: { cause: 'missed' },
    ...patch,
  });

  it('keeps the recent calls across a restart and counts missed ones until seen', () => {
    const { dir, cleanup } = tempDir('history-');
    try {
      const file = path.join(dir, 'call-history.json');
      const logger = createLogger({ level: 'silent' });
      const store = new CallHistoryStore(file, logger);
      store.add(call('a', { endedAt: 10 }));
      store.add(call('b', { endedAt: 20, answeredAt: 15, end: { cause: 'remote-hangup' } }));
      store.add(call('c', { endedAt: 30, end: { cause: 'auto-declined' } }));
      expect(store.view().unseenMissed).toBe(2);

      const again = new CallHistoryStore(file, logger);
      expect(again.view().calls.map((c) => c.id)).toEqual(['c', 'b', 'a']);
      again.markSeen(25);
      expect(again.view().unseenMissed).toBe(1);
      again.markSeen(30);
      expect(new CallHistoryStore(file, logger).view().unseenMissed).toBe(0);
    } finally {
      cleanup();
    }
  });

  it('sets a damaged file aside and starts a new list', () => {
    const { dir, cleanup } = tempDir('history-');
    try {
      const file = path.join(dir, 'call-history.json');
      fs.writeFileSync(file, '{ not json');
      const store = new CallHistoryStore(file, createLogger({ level: 'silent' }));
      expect(store.view()).toEqual({ calls: [], unseenMissed: 0 });
      expect(fs.readdirSync(dir).some((name) => name.startsWith('call-history.json.broken-'))).toBe(true);
    } finally {
      cleanup();
    }
  });
});

describe('translations', () => {
  const keys = (value: unknown, prefix = ''): string[] =>
    typeof value === 'object' && value
      ? Object.entries(value).flatMap(([key, inner]) => keys(inner, prefix ? `${prefix}.${key}` : key))
      : [prefix.replace(/_(one|other|few|many)$/, '')];
  const load = (language: string) =>
    JSON.parse(fs.readFileSync(`renderer/src/i18n/locales/${language}.json`, 'utf8')) as unknown;

  it('Italian has every text English has, and no extra', () => {
    expect(new Set(keys(load('it')))).toEqual(new Set(keys(load('en'))));
  });
});
