/**
 * Click-to-dial links (tel:, callto:, sip:) from other programs: read strictly (parameters and
 * headers of a SIP link never reach the dial), held for the agent's confirmation in the core, and
 * routed by the desktop app's inbox from its command line, a second instance's or macOS open-url.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { checkedLinkTarget, linkFromArgs, linkTarget } from '../../src/core/dial-links.js';
import { LinkInbox } from '../../main/electron/links.js';
import { testCore } from '../support/core.js';
import { tempDir, writeJson } from '../support/tmp.js';

describe('reading a link', () => {
  it('takes the number of tel: and callto: links, with their separators, and drops parameters', () => {
    expect(linkTarget('tel:+39-06-1234-5678')).toBe('+39-06-1234-5678');
    expect(linkTarget('tel:+390612345678;ext=12;phone-context=example.com')).toBe('+390612345678');
    expect(linkTarget('tel:%2B39%20347%20123%204567')).toBe('+39 347 123 4567');
    expect(linkTarget('callto://+442071234567')).toBe('+442071234567');
    expect(linkTarget('callto:1003')).toBe('1003');
  });

  it('takes user@host of a SIP link, never its parameters or headers', () => {
    expect(linkTarget('sip:1003@pbx.example.com')).toBe('sip:1003@pbx.example.com');
    expect(linkTarget('sip:1003@pbx.example.com:5060;transport=tcp?Replaces=abc%3Bto-tag%3D1')).toBe(
      'sip:1003@pbx.example.com',
    );
    expect(linkTarget('sips:anna@[2001:db8::1]')).toBe('sips:anna@[2001:db8::1]');
  });

  it('refuses what is not a dial link or holds nothing callable', () => {
    for (const link of [
      'https://example.com',
      'javascript:alert(1)',
      'tel:',
      'tel:call-me-maybe',
      'sip:nobody',
      'tel:+39%0a0612345678',
      'tel:%E0%A4%A',
      `tel:+${'1'.repeat(600)}`,
    ]) {
      expect(linkTarget(link), link).toBeUndefined();
    }
  });

  it('is checked like a number the agent types: a phone number in E.164 with the default region', () => {
    const plan = { domain: 'pbx.test', defaultRegion: 'IT' };
    expect(checkedLinkTarget('tel:06 1234 5678', plan)).toEqual({ target: '06 1234 5678', number: '+390612345678' });
    expect(checkedLinkTarget('sip:1003@pbx.test', plan)).toEqual({ target: 'sip:1003@pbx.test', number: '1003' });
  });

  it('finds the link among the command-line arguments the OS passes', () => {
    expect(linkFromArgs(['--no-sandbox', 'tel:+390612345678'])).toBe('tel:+390612345678');
    expect(linkFromArgs(['--flag', 'file.txt'])).toBeUndefined();
  });
});

describe('the desktop app’s link inbox', () => {
  it('keeps links until the core runs, then hands them over in order; later ones at once', () => {
    const inbox = new LinkInbox();
    inbox.fromArgs(['/opt/Headset Softphone/headset-softphone', 'tel:+390612345678']);
    inbox.add('sip:1003@pbx.test'); // macOS open-url before ready
    inbox.fromArgs(['/opt/Headset Softphone/headset-softphone', '--hidden']); // no link: nothing
    const opened: string[] = [];
    inbox.attach((link) => opened.push(link));
    expect(opened).toEqual(['tel:+390612345678', 'sip:1003@pbx.test']);
    // A link clicked while the app runs: the second instance's command line.
    inbox.fromArgs(['headset-softphone', 'callto:1004']);
    expect(opened.at(-1)).toBe('callto:1004');
  });
});

describe('in the core', () => {
  let core: Core;
  let cleanup: () => void;
  let dir: string;
  const events: unknown[] = [];

  async function startCore(confirmLinks: boolean) {
    writeJson(path.join(dir, 'settings.json'), {
      sip: { domain: 'pbx.test' },
      phone: { defaultRegion: 'IT' },
      calls: { confirmLinks },
    });
    core = testCore({ dataDir: dir, user: path.join(dir, 'settings.json') });
    core.onEvent((event) => events.push(event));
    await core.start();
  }

  beforeEach(() => {
    ({ dir, cleanup } = tempDir('dial-links-'));
    events.length = 0;
  });
  afterEach(async () => {
    await core.stop();
    cleanup();
  });

  it('asks the agent first: the prompt says what would be called; No dials nothing', async () => {
    await startCore(true);
    expect(await core.dispatch({ type: 'link.open', link: 'tel:06%201234%205678' })).toEqual({ ok: true });
    expect(core.snapshot().dialLink).toMatchObject({
      kind: 'confirm',
      target: '06 1234 5678',
      number: '+390612345678',
    });
    expect(events).toContainEqual({ type: 'dialLink', dialLink: expect.objectContaining({ kind: 'confirm' }) });
    expect(await core.dispatch({ type: 'link.answer', call: false })).toEqual({ ok: true });
    expect(core.snapshot().dialLink).toBeNull();
    expect(core.snapshot().calls).toEqual([]);
  });

  it('an unusable link is shown as such and dials nothing', async () => {
    await startCore(true);
    const result = await core.dispatch({ type: 'link.open', link: 'tel:call-me-maybe' });
    expect(result).toMatchObject({ ok: false, error: { message: 'link-unusable' } });
    expect(core.snapshot().dialLink).toMatchObject({ kind: 'unusable', link: 'tel:call-me-maybe' });
    expect(await core.dispatch({ type: 'link.answer', call: true })).toEqual({ ok: true });
    expect(core.snapshot().dialLink).toBeNull();
  });

  it('with confirmation off, the link goes straight to the phone (here: no line, so it says so)', async () => {
    await startCore(false);
    const result = await core.dispatch({ type: 'link.open', link: 'tel:+390612345678' });
    // The phone answered, not the link handling: the line is not registered in this test.
    expect(result).toMatchObject({ ok: false });
    expect(result.ok || result.error.message).not.toBe('link-unusable');
    expect(core.snapshot().dialLink).toBeNull();
  });
});
