/**
 * The OS-managed policy in the desktop app, through fake `reg` and `plutil` runs (this is Linux):
 * Group Policy's registry values and a macOS profile's managed preferences become the same policy
 * as the JSON file, win over it where both set a key, add their locks, and report what is wrong.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsStore } from '../../src/config/store.js';
import { MANAGED_PREFERENCES_FILE, POLICY_REGISTRY_KEY } from '../../src/config/os-policy.js';
import { readOsPolicy, type OsPolicyPorts } from '../../main/electron/os-policy-reader.js';
import { tempDir, writeJson } from '../support/tmp.js';

const REG_OUTPUT = [
  '',
  `${POLICY_REGISTRY_KEY}\\sip`,
  '    wsUrl    REG_SZ    wss://gpo.example.com/ws',
  '    domain    REG_SZ    gpo.example.com',
  '',
  `${POLICY_REGISTRY_KEY}\\calls`,
  '    autoAnswer    REG_DWORD    0x1',
  '',
  `${POLICY_REGISTRY_KEY}\\Locked`,
  '    sip.wsUrl    REG_SZ    sip.wsUrl',
  '    calls.autoAnswer    REG_SZ    calls.autoAnswer',
  '',
].join('\r\n');

const PLIST = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>settings</key>
  <dict>
    <key>phone</key>
    <dict><key>defaultRegion</key><string>GB</string></dict>
    <key>desktop</key>
    <dict><key>startOnLogin</key><true/></dict>
  </dict>
  <key>locked</key>
  <array><string>desktop.startOnLogin</string></array>
</dict>
</plist>`;

function ports(
  platform: NodeJS.Platform,
  answers: Record<string, { status: number; stdout: string; stderr?: string }>,
) {
  const runs: string[] = [];
  const fake: OsPolicyPorts = {
    platform,
    run(command, args) {
      runs.push([command, ...args].join(' '));
      const answer = answers[command] ?? { status: 1, stdout: '' };
      return { stderr: '', ...answer };
    },
    exists: (file) => file === MANAGED_PREFERENCES_FILE && 'plutil' in answers,
  };
  return { fake, runs };
}

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('os-policy-')));
afterEach(() => cleanup());

describe('the OS-managed policy', () => {
  it('Windows: Group Policy wins over the JSON file for a key both set, and adds its locks', () => {
    const { fake, runs } = ports('win32', { reg: { status: 0, stdout: REG_OUTPUT } });
    const policy = writeJson(path.join(dir, 'policy.json'), {
      settings: { sip: { wsUrl: 'wss://file.example.com/ws', user: '1001' } },
      locked: ['sip.user'],
    });
    const store = new SettingsStore({
      policy,
      user: path.join(dir, 'settings.json'),
      osPolicy: () => readOsPolicy(fake),
    });
    expect(runs).toEqual([`reg query ${POLICY_REGISTRY_KEY} /s`]);
    const view = store.view();
    expect(view.values.sip).toMatchObject({
      wsUrl: 'wss://gpo.example.com/ws',
      domain: 'gpo.example.com',
      user: '1001',
    });
    expect(view.values.calls.autoAnswer).toBe(true);
    expect([...view.locked].sort()).toEqual(['calls.autoAnswer', 'sip.user', 'sip.wsUrl']);
    expect(view.problems).toEqual([]);
  });

  it('Windows without the key: the JSON file alone', () => {
    const { fake } = ports('win32', {
      reg: {
        status: 1,
        stdout: '',
        stderr: 'ERROR: The system was unable to find the specified registry key or value.',
      },
    });
    expect(readOsPolicy(fake)).toBeUndefined();
  });

  it('macOS: the profile’s managed preferences, read through plutil', () => {
    const { fake, runs } = ports('darwin', { plutil: { status: 0, stdout: PLIST } });
    const store = new SettingsStore({ user: path.join(dir, 'settings.json'), osPolicy: () => readOsPolicy(fake) });
    expect(runs).toEqual([`plutil -convert xml1 -o - ${MANAGED_PREFERENCES_FILE}`]);
    expect(store.view().values.phone.defaultRegion).toBe('GB');
    expect(store.view().values.desktop.startOnLogin).toBe(true);
    expect(store.view().locked).toEqual(['desktop.startOnLogin']);
  });

  it('a broken value in Group Policy is named with its source and key; the rest applies', () => {
    const broken = REG_OUTPUT.replace('wss://gpo.example.com/ws', 'http://not-a-websocket');
    const { fake } = ports('win32', { reg: { status: 0, stdout: broken } });
    const store = new SettingsStore({ user: path.join(dir, 'settings.json'), osPolicy: () => readOsPolicy(fake) });
    expect(store.view().problems).toEqual([
      { layer: 'policy', file: POLICY_REGISTRY_KEY, key: 'settings.sip.wsUrl', message: 'invalid.wsUrl' },
    ]);
    expect(store.view().values.sip.domain).toBe('gpo.example.com');
  });

  it('a profile plutil cannot read is reported, not ignored', () => {
    const { fake } = ports('darwin', { plutil: { status: 1, stdout: '', stderr: 'invalid file' } });
    const store = new SettingsStore({ user: path.join(dir, 'settings.json'), osPolicy: () => readOsPolicy(fake) });
    expect(store.view().problems).toEqual([
      {
        layer: 'policy',
        file: MANAGED_PREFERENCES_FILE,
        message: 'problem.unreadable',
        detail: 'plutil could not read it: invalid file',
      },
    ]);
  });

  it('Linux has no OS-managed policy: nothing is run', () => {
    const { fake, runs } = ports('linux', {});
    expect(readOsPolicy(fake)).toBeUndefined();
    expect(runs).toEqual([]);
  });
});
