/**
 * `--validate-policy <file>`: what IT runs before deploying a policy. The check reads the file as
 * the app does and names every problem with its key; the web host's command line prints it and
 * exits 1 for a broken file, 0 for a valid one (the Electron main uses the same check).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validatePolicyFile } from '../../src/config/validate-policy.js';
import { argumentValue } from '../../main/electron/arguments.js';
import { tempDir, writeJson } from '../support/tmp.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('policy-check-')));
afterEach(() => cleanup());

describe('the policy check', () => {
  it('a valid file: what it sets and locks', () => {
    const file = writeJson(path.join(dir, 'policy.json'), {
      settings: { sip: { wsUrl: 'wss://pbx.example.com/ws', domain: 'pbx.example.com' } },
      locked: ['sip.wsUrl', 'sip.domain', 'calls.autoAnswer'],
    });
    const check = validatePolicyFile(file);
    expect(check.ok).toBe(true);
    expect(check.lines[0]).toBe(
      `${file}: valid. It sets 2 settings (sip.wsUrl, sip.domain) and locks 3 (sip.wsUrl, sip.domain, calls.autoAnswer).`,
    );
    expect(check.lines[1]).toBe(
      'Note: calls.autoAnswer locked without a usable value: agents get the built-in default.',
    );
  });

  it('every problem named with its key, in plain English', () => {
    const file = writeJson(path.join(dir, 'policy.json'), {
      settings: { sip: { wsUrl: 'http://pbx' }, phone: { defaultRegion: 'Italy' }, nope: { x: 1 } },
      locked: ['sip.wsUrl', 'sip.nothing'],
      extra: true,
    });
    const check = validatePolicyFile(file);
    expect(check.ok).toBe(false);
    expect(check.lines).toEqual([
      `${file}: settings.sip.wsUrl must start with ws:// or wss://, for example wss://pbx.example.com/ws`,
      `${file}: settings.phone.defaultRegion must be a two-letter country code such as IT or GB`,
      `${file}: settings.nope.x is not a known setting`,
      `${file}: extra is not a known policy entry (only "settings" and "locked" are)`,
      `${file}: locked names an unknown setting (sip.nothing)`,
      '5 problems: the app would ignore what is named above and use the rest.',
      // The broken value is ignored, and the key is locked: agents get the default.
      'Note: sip.wsUrl locked without a usable value: agents get the built-in default.',
    ]);
  });

  it('not JSON, or no file at all', () => {
    const file = path.join(dir, 'policy.json');
    expect(validatePolicyFile(file)).toEqual({ ok: false, lines: [`${file}: there is no such file.`] });
    writeJson(file, '{ "settings": ');
    const check = validatePolicyFile(file);
    expect(check.ok).toBe(false);
    expect(check.lines[0]).toMatch(/policy\.json: is not valid JSON \(.+\)$/);
  });

  it('the switch is read as --name value or --name=value', () => {
    expect(argumentValue(['app', '--validate-policy', 'a.json'], '--validate-policy')).toBe('a.json');
    expect(argumentValue(['app', '--validate-policy=b.json'], '--validate-policy')).toBe('b.json');
    expect(argumentValue(['app', 'tel:123'], '--validate-policy')).toBeUndefined();
  });

  it('the web host’s command line prints the check and exits 1 for a broken file, 0 for a valid one', () => {
    const bad = writeJson(path.join(dir, 'bad.json'), { settings: { sip: { wsUrl: 'http://pbx' } } });
    const good = writeJson(path.join(dir, 'good.json'), { settings: { sip: { domain: 'pbx.example.com' } } });
    const run = (file: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'main/web/cli.ts', '--validate-policy', file], {
        encoding: 'utf8',
        timeout: 60_000,
      });
    const failed = run(bad);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('settings.sip.wsUrl must start with ws:// or wss://');
    const passed = run(good);
    expect(passed.status).toBe(0);
    expect(passed.stdout).toContain('valid. It sets 1 setting (sip.domain) and locks 0.');
  });
});
