import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultPolicyPath, POLICY_ENV } from '../../src/config/paths.js';
import { SettingsStore } from '../../src/config/store.js';
import { tempDir, writeJson } from '../support/tmp.js';

let dir: string;
let cleanup: () => void;
let policy: string;
let user: string;

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  policy = path.join(dir, 'policy.json');
  user = path.join(dir, 'user', 'settings.json');
});
afterEach(() => cleanup());

describe('settings layers', () => {
  it('uses the built-in defaults when no file exists', () => {
    const store = new SettingsStore({ policy, user });
    expect(store.values.ui.language).toBe('en');
    expect(store.values.sip.wsUrl).toBe('');
    expect(store.view().problems).toEqual([]);
    expect(store.view().locked).toEqual([]);
  });

  it('lets the policy override defaults and the user override the policy', () => {
    writeJson(policy, {
      settings: { sip: { wsUrl: 'wss://pbx.example.com/ws', domain: 'example.com' }, ui: { language: 'it' } },
    });
    writeJson(user, { sip: { user: '1001' }, ui: { language: 'en' } });
    const store = new SettingsStore({ policy, user });
    expect(store.values.sip).toMatchObject({ wsUrl: 'wss://pbx.example.com/ws', domain: 'example.com', user: '1001' });
    expect(store.values.ui.language).toBe('en');
  });

  it('keeps a locked key at the policy value even when the user file sets it, and says so', () => {
    writeJson(policy, { settings: { sip: { wsUrl: 'wss://pbx.example.com/ws' } }, locked: ['sip.wsUrl'] });
    writeJson(user, { sip: { wsUrl: 'ws://evil.example/ws', user: '1001' } });
    const store = new SettingsStore({ policy, user });
    expect(store.values.sip.wsUrl).toBe('wss://pbx.example.com/ws');
    expect(store.values.sip.user).toBe('1001');
    expect(store.view().locked).toEqual(['sip.wsUrl']);
    expect(store.view().problems).toEqual([
      expect.objectContaining({ layer: 'user', file: user, key: 'sip.wsUrl', message: 'problem.lockedInUserFile' }),
    ]);
  });

  it('refuses to change a locked key and writes nothing', () => {
    writeJson(policy, { settings: { sip: { domain: 'example.com' } }, locked: ['sip.domain'] });
    const store = new SettingsStore({ policy, user });
    const result = store.update({ sip: { domain: 'other.example', user: '1002' } });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('locked');
      expect(result.error.issues).toEqual([{ path: 'sip.domain', message: 'locked by the IT policy' }]);
    }
    expect(fs.existsSync(user)).toBe(false);
    expect(store.values.sip.user).toBe('');
  });

  it('saves a change to the user file, which survives a restart', () => {
    const store = new SettingsStore({ policy, user });
    const result = store.update({ sip: { user: '1001' }, agent: { name: 'Giulia' } });
    expect(result.ok).toBe(true);
    const again = new SettingsStore({ policy, user });
    expect(again.values.sip.user).toBe('1001');
    expect(again.values.agent.name).toBe('Giulia');
    expect(JSON.parse(fs.readFileSync(user, 'utf8'))).toEqual({ sip: { user: '1001' }, agent: { name: 'Giulia' } });
    expect(fs.statSync(user).mode & 0o777).toBe(0o600);
  });

  it('refuses an invalid value with the key and a reason', () => {
    const store = new SettingsStore({ policy, user });
    const result = store.update({ sip: { wsUrl: 'http://not-a-websocket' } });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid', issues: [{ path: 'sip.wsUrl', message: 'invalid.wsUrl' }] },
    });
  });
});

describe('broken files', () => {
  it('starts with a policy that is not JSON, names the file, and uses the layer below', () => {
    writeJson(policy, '{ "settings": { "sip": ');
    writeJson(user, { sip: { user: '1001' } });
    const store = new SettingsStore({ policy, user });
    expect(store.values.sip.user).toBe('1001');
    expect(store.view().problems).toEqual([
      expect.objectContaining({ layer: 'policy', file: policy, message: 'problem.notJson' }),
    ]);
  });

  it('drops only the bad key of a policy and keeps the rest', () => {
    writeJson(policy, {
      settings: { sip: { wsUrl: 'ftp://x', domain: 'example.com', colour: 'red' }, ui: { language: 'klingon' } },
      locked: ['sip.domain', 'sip.nonsense'],
      extra: true,
    });
    const store = new SettingsStore({ policy, user });
    expect(store.values.sip.domain).toBe('example.com');
    expect(store.values.sip.wsUrl).toBe('');
    expect(store.values.ui.language).toBe('en');
    expect(store.view().locked).toEqual(['sip.domain']);
    const keys = store.view().problems.map((p) => `${p.key}:${p.message}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'settings.sip.wsUrl:invalid.wsUrl',
        'settings.sip.colour:problem.unknownSetting',
        'settings.ui.language:invalid.language',
        'locked:problem.lockedUnknown',
        'extra:problem.unknownPolicyEntry',
      ]),
    );
  });

  it('keeps a broken user file aside instead of overwriting it on the next save', () => {
    writeJson(user, 'not json at all');
    const store = new SettingsStore({ policy, user });
    expect(store.view().problems[0]).toMatchObject({ layer: 'user', message: 'problem.notJson' });
    expect(store.update({ sip: { user: '1001' } }).ok).toBe(true);
    const kept = fs.readdirSync(path.dirname(user)).filter((name) => name.startsWith('settings.json.broken-'));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(path.join(path.dirname(user), kept[0]!), 'utf8')).toBe('not json at all');
  });

  it('reports a policy that is a list rather than an object', () => {
    writeJson(policy, [1, 2]);
    const store = new SettingsStore({ policy, user });
    expect(store.view().problems).toEqual([expect.objectContaining({ message: 'problem.policyNotObject' })]);
  });
});

describe('policy file location', () => {
  it('has a documented place on each system, overridable by the environment', () => {
    expect(defaultPolicyPath('linux', {})).toBe('/etc/headset-softphone/policy.json');
    expect(defaultPolicyPath('darwin', {})).toBe('/Library/Application Support/Headset Softphone/policy.json');
    expect(defaultPolicyPath('win32', { ProgramData: 'D:\\PD' })).toBe('D:\\PD\\Headset Softphone\\policy.json');
    expect(defaultPolicyPath('linux', { [POLICY_ENV]: '/tmp/p.json' })).toBe('/tmp/p.json');
  });
});
