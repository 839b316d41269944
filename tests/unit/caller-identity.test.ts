import type { Invitation } from 'sip.js';
import { describe, expect, it } from 'vitest';
import { assertedIdentity, calledLine } from '../../src/telephony/phone.js';

/** Just the parts of an INVITE these readers look at. */
function invite(headers: Record<string, string>, toUser = '1005'): Invitation {
  return {
    request: {
      getHeader: (name: string) => headers[name.toLowerCase()],
      to: { uri: { user: toUser } },
    },
    userAgent: { configuration: { uri: { user: '1005' } } },
  } as unknown as Invitation;
}

describe('who the PBX says is calling (P-Asserted-Identity)', () => {
  it('reads the number and name of sip: and tel: identities', () => {
    expect(
      assertedIdentity(invite({ 'p-asserted-identity': '"Rossi, Mario" <sip:+393471234567@pbx.test;user=phone>' })),
    ).toEqual({
      number: '+393471234567',
      displayName: 'Rossi, Mario',
      uri: 'sip:+393471234567@pbx.test;user=phone',
    });
    expect(assertedIdentity(invite({ 'p-asserted-identity': '<tel:+302101234567>' }))).toEqual({
      number: '+302101234567',
      displayName: undefined,
      uri: 'tel:+302101234567',
    });
    expect(assertedIdentity(invite({ 'p-asserted-identity': 'Anna <sip:%2B40721234567@pbx.test>' }))?.number).toBe(
      '+40721234567',
    );
  });

  it('falls back (undefined) when there is none or it cannot be read; broken escapes do not throw', () => {
    expect(assertedIdentity(invite({}))).toBeUndefined();
    expect(assertedIdentity(invite({ 'p-asserted-identity': 'garbage' }))).toBeUndefined();
    expect(assertedIdentity(invite({ 'p-asserted-identity': '<sip:pbx.test>' }))).toBeUndefined();
    expect(assertedIdentity(invite({ 'p-asserted-identity': '<sip:%E0%A4%A@pbx.test>' }))?.number).toBe('%E0%A4%A');
  });
});

describe('the number or queue the caller dialled', () => {
  it('takes P-Called-Party-ID, else the To user unless it is the agent', () => {
    expect(calledLine(invite({ 'p-called-party-id': '<sip:800100200@pbx.test>' }))).toBe('800100200');
    expect(calledLine(invite({ 'p-called-party-id': '<tel:+39800100200>' }))).toBe('+39800100200');
    expect(calledLine(invite({}, 'support-queue'))).toBe('support-queue');
    expect(calledLine(invite({}))).toBeUndefined();
  });
});
