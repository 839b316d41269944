import { describe, expect, it } from 'vitest';
import { audioDirection } from '../../src/telephony/media.js';
import { causeOfRejection } from '../../src/telephony/phone.js';
import { dialTarget } from '../../src/telephony/target.js';

const plan = { domain: 'pbx.test', defaultRegion: 'IT' };

describe('what the agent types or pastes becomes an address to call', () => {
  it.each([
    ['1002', 'sip:1002@pbx.test', '1002'],
    [' 347 123 4567 ', 'sip:+393471234567@pbx.test', '+393471234567'],
    ['(347) 123-4567', 'sip:+393471234567@pbx.test', '+393471234567'],
    ['0039 347 1234567', 'sip:+393471234567@pbx.test', '+393471234567'],
    ['+44 20 7946 0958', 'sip:+442079460958@pbx.test', '+442079460958'],
    ['tel:+30-210-123-4567', 'sip:+302101234567@pbx.test', '+302101234567'],
    ['callto:1003', 'sip:1003@pbx.test', '1003'],
    ['sip:queue-sales@pbx.test', 'sip:queue-sales@pbx.test', 'queue-sales'],
    ['anna@example.com', 'sip:anna@example.com', 'anna'],
    ['*97#', 'sip:*97%23@pbx.test', '*97#'],
  ])('%s → %s', (input, uri, number) => {
    expect(dialTarget(input, plan)).toEqual({ uri, number });
  });

  it.each(['', 'hello', '12ab34', 'a@b@c', 'sip:nouser'])('refuses %j', (input) => {
    expect(dialTarget(input, plan)).toBeUndefined();
  });
});

describe('reading hold from the far end’s SDP', () => {
  const sdp = (attrs: string, port = 9) =>
    `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio ${port} UDP/TLS/RTP/SAVPF 111\r\n${attrs}`;
  it.each([
    ['a=sendrecv\r\n', 'sendrecv'],
    ['a=sendonly\r\n', 'sendonly'],
    ['a=inactive\r\n', 'inactive'],
    ['', 'sendrecv'],
  ])('%j → %s', (attrs, direction) => {
    expect(audioDirection(sdp(attrs))).toBe(direction);
  });
  it('treats a disabled audio section (port 0) as inactive', () => {
    expect(audioDirection(sdp('a=sendrecv\r\n', 0))).toBe('inactive');
  });
});

describe('why an outgoing call failed, in the agent’s words', () => {
  it.each([
    [486, 'busy'],
    [600, 'busy'],
    [404, 'not-found'],
    [480, 'unavailable'],
    [408, 'no-answer'],
    [603, 'rejected'],
    [487, 'cancelled'],
    [500, 'failed'],
  ])('%i → %s', (code, cause) => expect(causeOfRejection(code)).toBe(cause));
});
