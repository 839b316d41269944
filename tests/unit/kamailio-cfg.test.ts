/**
 * The development PBX's kamailio.cfg (tools/pbx/kamailio.cfg.ts): the outside line that answers
 * for numbers beyond the PBX, as a trunk would (the demo's simulated customers register on it).
 */
import { describe, expect, it } from 'vitest';
import { PBX_DOMAIN, TEST_ACCOUNTS } from '../../tools/pbx/accounts.js';
import { renderKamailioCfg, type KamailioCfgOptions } from '../../tools/pbx/kamailio.cfg.js';

const BASE: KamailioCfgOptions = {
  wsPort: 8088,
  udpPort: 5070,
  domain: PBX_DOMAIN,
  accounts: TEST_ACCOUNTS,
  modulesDir: '/usr/lib/x86_64-linux-gnu/kamailio/modules',
};

const OUTSIDE_MATCH = 'if (is_method("INVITE") && $rU =~ "^[+]?[0-9]{5,16}$") {';

/** The body of route[LOCATION], up to the next route block. */
function locationRoute(cfg: string): string {
  const start = cfg.indexOf('route[LOCATION] {');
  expect(start).toBeGreaterThan(-1);
  const end = cfg.indexOf('\nroute[', start + 1);
  return cfg.slice(start, end === -1 ? undefined : end);
}

describe('renderKamailioCfg with an outside line', () => {
  const cfg = renderKamailioCfg({ ...BASE, outsideLine: '1006' });

  it('sends an INVITE to an outside number to where the outside line is registered', () => {
    expect(cfg).toContain(OUTSIDE_MATCH);
    expect(cfg).toContain('lookup("location", "sip:1006@pbx.test")');
    // Exactly one such block.
    expect(cfg.split('lookup("location", "sip:1006@pbx.test")')).toHaveLength(2);
  });

  it('does so only for numbers that are no account, and answers 480 when the line is not registered', () => {
    const route = locationRoute(cfg);
    const unknownUser = route.indexOf('if ($sht(accounts=>$rU) == $null) {');
    const outside = route.indexOf(OUTSIDE_MATCH);
    const notFound = route.indexOf('sl_send_reply("404", "Not Found");');
    expect(unknownUser).toBeGreaterThan(-1);
    // Inside the unknown-user branch, before its 404.
    expect(outside).toBeGreaterThan(unknownUser);
    expect(notFound).toBeGreaterThan(outside);
    const block = route.slice(outside, notFound);
    expect(block).toMatch(
      /if \(lookup\("location", "sip:1006@pbx\.test"\)\) \{\s*route\(RELAY\);\s*\}\s*sl_send_reply\("480", "Temporarily Unavailable"\);\s*exit;/,
    );
  });

  it('matches five to sixteen digits with an optional plus, as the cfg regex reads', () => {
    const pattern = new RegExp(/=~ "(\^\[\+\]\?\[0-9\]\{5,16\}\$)"/.exec(cfg)![1]!);
    expect(pattern.test('+393471234567')).toBe(true);
    expect(pattern.test('12345')).toBe(true);
    expect(pattern.test('1234567890123456')).toBe(true);
    expect(pattern.test('1006')).toBe(false);
    expect(pattern.test('12345678901234567')).toBe(false);
    expect(pattern.test('++39347')).toBe(false);
    expect(pattern.test('queue-billing')).toBe(false);
  });

  it('uses the domain it is given', () => {
    const other = renderKamailioCfg({ ...BASE, domain: 'pbx.example', outsideLine: '1001' });
    expect(other).toContain('lookup("location", "sip:1001@pbx.example")');
    expect(other).not.toContain('sip:1006@');
  });
});

describe('renderKamailioCfg without an outside line', () => {
  it('has no outside routing: an unknown user is 404', () => {
    const cfg = renderKamailioCfg(BASE);
    expect(cfg).not.toContain('lookup("location", "sip:');
    expect(cfg).not.toContain('[0-9]{5,16}');
    const route = locationRoute(cfg);
    expect(route).toMatch(/if \(\$sht\(accounts=>\$rU\) == \$null\) \{\s*sl_send_reply\("404", "Not Found"\);\s*exit;/);
  });
});

describe('renderKamailioCfg refuses', () => {
  it('an outside line that is not one of the accounts', () => {
    expect(() => renderKamailioCfg({ ...BASE, outsideLine: '1999' })).toThrow(
      'The outside line must be one of the accounts: 1999',
    );
    expect(() => renderKamailioCfg({ ...BASE, outsideLine: '' })).toThrow(/must be one of the accounts/);
    expect(() => renderKamailioCfg({ ...BASE, accounts: [], outsideLine: '1006' })).toThrow(
      /must be one of the accounts/,
    );
  });
});
