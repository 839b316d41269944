import { describe, expect, it } from 'vitest';
import { maskText, maskValue } from '../../src/log/mask.js';

describe('masking personal data for logs', () => {
  it('masks phone numbers in any common format, keeping the last two digits', () => {
    for (const number of ['+39 347 123 4567', '0039-347-1234567', '(020) 7946 0958', '+306912345678']) {
      const masked = maskText(`caller ${number} rang`);
      expect(masked).not.toMatch(/\d{3}/);
      expect(masked).toMatch(/\d{2} rang$/);
    }
  });

  it('leaves short numbers alone: ports, status codes, years', () => {
    expect(maskText('SIP/2.0 401 Unauthorized on port 5060 in 2026')).toBe(
      'SIP/2.0 401 Unauthorized on port 5060 in 2026',
    );
  });

  it('masks SIP user parts and display names, and removes credentials', () => {
    const sip = [
      'From: "Mario Rossi" <sip:mario.rossi@pbx.test>;tag=1',
      'To: <sip:+393471234567@pbx.test>',
      'Authorization: Digest username="1001", realm="pbx.test", response="abc"',
      'password=hunter2&user=x',
    ].join('\r\n');
    const masked = maskText(sip);
    expect(masked).not.toContain('Mario');
    expect(masked).not.toContain('mario.rossi');
    expect(masked).not.toContain('3471234567');
    expect(masked).not.toContain('hunter2');
    expect(masked).not.toContain('response="abc"');
    expect(masked).toContain('Authorization: [redacted]');
    expect(masked).toContain('@pbx.test');
  });

  it('redacts secret-looking keys in structured values', () => {
    expect(maskValue({ password: 'x', nested: { token: 'y', caller: '+393471234567' } })).toEqual({
      password: '[redacted]',
      nested: { token: '[redacted]', caller: '********67' },
    });
  });
});
