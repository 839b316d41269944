/**
 * Practice mode (src/config/practice.ts, docs/demo.md): the folders a practice desk runs on, the
 * switch kept in the real settings under IT's lock, the environment's secrets of each mode, and the
 * core's side: the practice.set command through the host's port and the guard that keeps a practice
 * desk away from a real CRM.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandResult } from '../../src/contract/index.js';
import {
  DEMO_STACK,
  demoPracticeSettings,
  deskFolders,
  practiceSecrets,
  practiceSwitch,
  savePracticeSwitch,
  secretsFromEnvironment,
  type SettingsFiles,
} from '../../src/config/practice.js';
import { Core, isLoopbackUrl, type PracticePort } from '../../src/core/core.js';
import { silentLogger } from '../../src/log/logger.js';
import { MemorySecretStore } from '../../src/secrets/file-secret-store.js';
import { tempDir, writeJson } from '../support/tmp.js';

let dir: string;
let cleanup: () => void;
let files: SettingsFiles;
const cores: Core[] = [];

beforeEach(() => {
  ({ dir, cleanup } = tempDir('practice-mode-'));
  files = { user: path.join(dir, 'settings.json'), policy: path.join(dir, 'policy.json') };
});

afterEach(async () => {
  for (const core of cores.splice(0)) await core.stop();
  cleanup();
});

const LOCKED_OFF = { settings: { practice: { enabled: false } }, locked: ['practice.enabled'] };

describe('deskFolders', () => {
  it('leaves the folders alone outside practice', () => {
    const result = deskFolders(dir, files, false);
    expect(result.dataDir).toBe(dir);
    expect(result.files).toBe(files);
  });

  it('moves the data and the user settings into the practice folder, keeping the policy', () => {
    const osPolicy = () => undefined;
    const result = deskFolders(dir, { ...files, osPolicy }, true);
    expect(result.dataDir).toBe(path.join(dir, 'practice'));
    expect(result.files.user).toBe(path.join(dir, 'practice', 'settings.json'));
    expect(result.files.policy).toBe(files.policy);
    expect(result.files.osPolicy).toBe(osPolicy);
  });

  it('points a practice folder used for the first time at the demo stack, and never rewrites it', () => {
    deskFolders(dir, files, true);
    const first = JSON.parse(fs.readFileSync(path.join(dir, 'practice', 'settings.json'), 'utf8'));
    expect(first).toEqual(demoPracticeSettings());
    expect(first.sip.wsUrl).toBe(`ws://127.0.0.1:${DEMO_STACK.pbxWsPort}`);
    expect(first.crm.url).toBe(`http://127.0.0.1:${DEMO_STACK.crmPort}/sync/v1`);
    // The trainee pointed it elsewhere: the next start keeps that.
    writeJson(path.join(dir, 'practice', 'settings.json'), { sip: { wsUrl: 'ws://127.0.0.1:9999' } });
    deskFolders(dir, files, true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'practice', 'settings.json'), 'utf8'))).toEqual({
      sip: { wsUrl: 'ws://127.0.0.1:9999' },
    });
    // Outside practice nothing is written.
    const other = tempDir('practice-mode-real-');
    try {
      deskFolders(other.dir, { user: path.join(other.dir, 'settings.json') }, false);
      expect(fs.existsSync(path.join(other.dir, 'practice'))).toBe(false);
    } finally {
      other.cleanup();
    }
  });
});

describe('practiceSecrets', () => {
  it('answers with the demo stack’s practice credentials until the practice desk saves its own', async () => {
    const store = practiceSecrets(new MemorySecretStore(), true);
    expect(await store.get('sip.password')).toBe(DEMO_STACK.agentPassword);
    expect(await store.get('crm.token')).toBe(DEMO_STACK.crmToken);
    await store.set('sip.password', 'own-password');
    expect(await store.get('sip.password')).toBe('own-password');
  });

  it('gives the real desk no such default', async () => {
    const store = practiceSecrets(new MemorySecretStore(), false);
    expect(await store.get('sip.password')).toBeUndefined();
    expect(await store.get('crm.token')).toBeUndefined();
  });
});

describe('the practice switch', () => {
  it('is off by default', () => {
    expect(practiceSwitch(files)).toBe(false);
    expect(fs.existsSync(files.user)).toBe(false);
  });

  it('is kept in the real user settings file', () => {
    expect(savePracticeSwitch(files, true)).toMatchObject({ ok: true });
    expect(JSON.parse(fs.readFileSync(files.user, 'utf8'))).toEqual({ practice: { enabled: true } });
    expect(practiceSwitch(files)).toBe(true);
    // Not in the practice folder's own settings.
    expect(fs.existsSync(path.join(dir, 'practice', 'settings.json'))).toBe(false);

    expect(savePracticeSwitch(files, false)).toMatchObject({ ok: true });
    expect(practiceSwitch(files)).toBe(false);
  });

  it('keeps the other user settings when it is written', () => {
    writeJson(files.user, { agent: { name: 'Anna' } });
    expect(savePracticeSwitch(files, true).ok).toBe(true);
    expect(JSON.parse(fs.readFileSync(files.user, 'utf8'))).toEqual({
      agent: { name: 'Anna' },
      practice: { enabled: true },
    });
  });

  it('is refused when IT’s policy locks it off, and stays off', () => {
    writeJson(files.policy!, LOCKED_OFF);
    const result = savePracticeSwitch(files, true);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('locked');
    expect(practiceSwitch(files)).toBe(false);
    expect(fs.existsSync(files.user)).toBe(false);
  });

  it('follows the lock even when the user file says on', () => {
    writeJson(files.user, { practice: { enabled: true } });
    expect(practiceSwitch(files)).toBe(true);
    writeJson(files.policy!, LOCKED_OFF);
    expect(practiceSwitch(files)).toBe(false);
  });
});

describe('secretsFromEnvironment', () => {
  const env = {
    HEADSET_SOFTPHONE_SIP_PASSWORD: 'real-password',
    HEADSET_SOFTPHONE_CRM_TOKEN: 'real-token',
    HEADSET_SOFTPHONE_PRACTICE_SIP_PASSWORD: 'practice-password',
    HEADSET_SOFTPHONE_PRACTICE_CRM_TOKEN: 'practice-token',
  };

  it('gives each mode its own secrets only', () => {
    expect(secretsFromEnvironment(env, false)).toEqual({ 'sip.password': 'real-password', 'crm.token': 'real-token' });
    expect(secretsFromEnvironment(env, true)).toEqual({
      'sip.password': 'practice-password',
      'crm.token': 'practice-token',
    });
  });

  it('never falls back on the other mode’s secrets', () => {
    const realOnly = { HEADSET_SOFTPHONE_SIP_PASSWORD: 'real-password', HEADSET_SOFTPHONE_CRM_TOKEN: 'real-token' };
    expect(secretsFromEnvironment(realOnly, true)).toEqual({});
    const practiceOnly = { HEADSET_SOFTPHONE_PRACTICE_CRM_TOKEN: 'practice-token' };
    expect(secretsFromEnvironment(practiceOnly, false)).toEqual({});
    expect(secretsFromEnvironment(practiceOnly, true)).toEqual({ 'crm.token': 'practice-token' });
  });

  it('leaves out empty values', () => {
    expect(secretsFromEnvironment({ HEADSET_SOFTPHONE_SIP_PASSWORD: '' }, false)).toEqual({});
  });
});

describe('isLoopbackUrl', () => {
  it.each([
    'http://127.0.0.1:8787/sync/v1',
    'http://127.1.2.3/sync',
    'http://localhost:3000/',
    'https://localhost/sync/v1',
    'http://[::1]:8787/sync/v1',
  ])('%s is on this computer', (url) => {
    expect(isLoopbackUrl(url)).toBe(true);
  });

  it.each([
    'http://10.0.0.1/sync',
    'https://crm.example.com/sync/v1',
    'https://localhost.example.com/',
    'https://127.0.0.1.example.com/',
    'not a url',
    '',
  ])('%s is not', (url) => {
    expect(isLoopbackUrl(url)).toBe(false);
  });
});

describe('the core in practice mode', () => {
  function core(options: { practice?: PracticePort; settings?: unknown; policy?: unknown; crmToken?: string }): {
    core: Core;
    secrets: MemorySecretStore;
  } {
    if (options.settings) writeJson(files.user, options.settings);
    if (options.policy) writeJson(files.policy!, options.policy);
    const secrets = new MemorySecretStore();
    const created = new Core({
      app: { name: 'Test', version: '0.0.0', host: 'electron' },
      dataDir: dir,
      settingsFiles: { user: files.user, ...(options.policy ? { policy: files.policy } : {}) },
      secrets,
      logger: silentLogger(),
      ...(options.practice ? { practice: options.practice } : {}),
    });
    cores.push(created);
    return { core: created, secrets };
  }

  it('refuses the switch on a host without practice mode', async () => {
    const { core: desk } = core({});
    const result = await desk.dispatch({ type: 'practice.set', enabled: true });
    expect(result).toEqual({ ok: false, error: { code: 'invalid', message: 'practice-unavailable' } });
    expect(desk.snapshot().practice.enabled).toBe(false);
  });

  it('hands the switch to the host and returns what the host answers', async () => {
    const answer: CommandResult = { ok: true };
    const switchTo = vi.fn(async (_enabled: boolean): Promise<CommandResult> => answer);
    const { core: desk } = core({ practice: { active: false, switchTo } });
    expect(desk.snapshot().practice.enabled).toBe(false);
    const result = await desk.dispatch({ type: 'practice.set', enabled: true });
    expect(switchTo).toHaveBeenCalledTimes(1);
    expect(switchTo).toHaveBeenCalledWith(true);
    expect(result).toBe(answer);
  });

  it('passes on the host’s refusal', async () => {
    const refusal: CommandResult = { ok: false, error: { code: 'invalid', message: 'restart failed' } };
    const switchTo = vi.fn(async (): Promise<CommandResult> => refusal);
    const { core: desk } = core({ practice: { active: false, switchTo } });
    expect(await desk.dispatch({ type: 'practice.set', enabled: true })).toEqual(refusal);
  });

  it('does nothing when the desk is already where it is asked to be', async () => {
    const switchTo = vi.fn(async (): Promise<CommandResult> => ({ ok: true }));
    const { core: desk } = core({ practice: { active: true, switchTo } });
    expect(await desk.dispatch({ type: 'practice.set', enabled: true })).toEqual({ ok: true });
    expect(switchTo).not.toHaveBeenCalled();
  });

  it('refuses the switch when IT locks it, without asking the host', async () => {
    const switchTo = vi.fn(async (): Promise<CommandResult> => ({ ok: true }));
    const { core: desk } = core({ practice: { active: false, switchTo }, policy: LOCKED_OFF });
    const result = await desk.dispatch({ type: 'practice.set', enabled: true });
    expect(result).toEqual({ ok: false, error: { code: 'locked', message: 'practice-locked' } });
    expect(switchTo).not.toHaveBeenCalled();
  });

  it('shows in its snapshot whether it runs in practice', () => {
    const switchTo = vi.fn(async (): Promise<CommandResult> => ({ ok: true }));
    expect(core({ practice: { active: true, switchTo } }).core.snapshot().practice).toMatchObject({
      enabled: true,
      reviews: [],
    });
    expect(core({ practice: { active: false, switchTo } }).core.snapshot().practice.enabled).toBe(false);
  });

  const realCrm = { crm: { url: 'https://crm.example.com/sync/v1' } };

  it('does not sync with a CRM on another computer in practice', async () => {
    const switchTo = vi.fn(async (): Promise<CommandResult> => ({ ok: true }));
    const { core: desk, secrets } = core({ practice: { active: true, switchTo }, settings: realCrm });
    await secrets.set('crm.token', 'a-real-token');
    await desk.start();
    const sync = desk.snapshot().sync;
    expect(sync.state).toBe('off');
    expect(sync.error?.code).toBe('practice-crm');
    expect(sync.server).toBeUndefined();
  });

  it('syncs with the same CRM outside practice', async () => {
    const switchTo = vi.fn(async (): Promise<CommandResult> => ({ ok: true }));
    const { core: desk, secrets } = core({ practice: { active: false, switchTo }, settings: realCrm });
    await secrets.set('crm.token', 'a-real-token');
    await desk.start();
    const sync = desk.snapshot().sync;
    expect(sync.error?.code).not.toBe('practice-crm');
    // The worker for crm.example.com was started (it may already be failing to reach it).
    expect(sync.state).not.toBe('off');
  });
});
