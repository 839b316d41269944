import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CoreMessage,
  parseCoreMessage,
  parseUiMessage,
  type CoreMessage as CoreMessageType,
} from '../../src/contract/index.js';
import { Core } from '../../src/core/core.js';
import { ContractEndpoint } from '../../src/core/endpoint.js';
import { silentLogger } from '../../src/log/logger.js';
import { MemorySecretStore } from '../../src/secrets/file-secret-store.js';
import { SecretStoreUnavailableError } from '../../src/secrets/secret-store.js';
import { tempDir } from '../support/tmp.js';

describe('contract validation', () => {
  it('accepts a well-formed command', () => {
    const parsed = parseUiMessage(JSON.stringify({ kind: 'command', id: '1', command: { type: 'line.connect' } }));
    expect(parsed).toEqual({ ok: true, value: { kind: 'command', id: '1', command: { type: 'line.connect' } } });
  });

  it.each([
    ['not JSON', '{oops', 'The message from the UI is not valid JSON', undefined],
    ['an unknown command', { kind: 'command', id: 'a', command: { type: 'format.disk' } }, 'does not match', 'a'],
    [
      'a command with a bad field',
      { kind: 'command', id: 'b', command: { type: 'settings.update', changes: { sip: { wsUrl: 42 } } } },
      'does not match',
      'b',
    ],
    [
      'an unknown setting',
      { kind: 'command', id: 'c', command: { type: 'settings.update', changes: { sip: { shell: 'x' } } } },
      'does not match',
      'c',
    ],
    ['no kind', { id: 'd' }, 'does not match', 'd'],
    ['a number', 42, 'does not match', undefined],
    ['null', null, 'does not match', undefined],
  ])('refuses %s with a typed error that keeps the id', (_what, raw, text, id) => {
    const parsed = parseUiMessage(raw);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe('malformed');
    expect(parsed.error.message).toContain(text);
    expect(parsed.id).toBe(id);
  });

  it('validates every kind of message from the core', () => {
    const messages: CoreMessageType[] = [
      { kind: 'result', id: '1', ok: true, value: { any: 'thing' } },
      { kind: 'result', id: '2', ok: false, error: { code: 'locked', message: 'no' } },
      { kind: 'event', event: { type: 'line', line: { status: 'registering', server: 'ws://x', attempt: 0 } } },
      { kind: 'error', error: { code: 'malformed', message: 'bad' } },
      { kind: 'media-request', id: '3', request: { op: 'offer', callId: 'c1' } },
    ];
    for (const message of messages)
      expect(parseCoreMessage(JSON.stringify(message))).toEqual({ ok: true, value: message });
    expect(parseCoreMessage({ kind: 'result', id: '4', ok: false }).ok).toBe(false);
    expect(CoreMessage.safeParse({ kind: 'event', event: { type: 'line', line: { status: 'flying' } } }).success).toBe(
      false,
    );
  });
});

describe('a host endpoint', () => {
  let cleanup: () => void;
  let core: Core;
  let sent: CoreMessageType[];
  let endpoint: ContractEndpoint;

  beforeEach(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    core = new Core({
      app: { name: 'Test', version: '0.0.0', host: 'web' },
      dataDir: tmp.dir,
      settingsFiles: { user: path.join(tmp.dir, 'settings.json') },
      secrets: new MemorySecretStore(),
      logger: silentLogger(),
    });
    await core.start();
    sent = [];
    endpoint = new ContractEndpoint(core, (message) => sent.push(message), silentLogger());
  });
  afterEach(async () => {
    endpoint.close();
    await core.stop();
    cleanup();
  });

  it('sends the whole state first, then answers a valid command', async () => {
    expect(sent[0]).toMatchObject({
      kind: 'event',
      event: { type: 'state', state: { line: { status: 'failed', reason: 'not-configured' } } },
    });
    await endpoint.receive({ kind: 'command', id: 'q', command: { type: 'state.get' } });
    expect(sent.at(-1)).toMatchObject({ kind: 'result', id: 'q', ok: true });
  });

  it('answers garbage with a typed error and keeps working', async () => {
    await endpoint.receive('\u0000\u0001garbage');
    await endpoint.receive({ kind: 'command', id: 'z', command: { type: 'settings.update', changes: 'all' } });
    await endpoint.receive({ kind: 'command', id: 'y', command: { type: 'state.get' } });
    expect(sent.slice(1)).toEqual([
      { kind: 'error', error: expect.objectContaining({ code: 'malformed' }) },
      { kind: 'result', id: 'z', ok: false, error: expect.objectContaining({ code: 'malformed' }) },
      expect.objectContaining({ kind: 'result', id: 'y', ok: true }),
    ]);
  });

  it('turns a locked setting into a typed "locked" answer', async () => {
    // No policy file here, so nothing is locked: a valid change is saved and announced.
    await endpoint.receive({
      kind: 'command',
      id: 's',
      command: { type: 'settings.update', changes: { agent: { name: 'Ana' } } },
    });
    expect(sent.find((m) => m.kind === 'event' && m.event.type === 'settings')).toBeDefined();
    expect(sent.at(-1)).toMatchObject({ kind: 'result', id: 's', ok: true });
  });
});

describe('a password that cannot be kept safely', () => {
  it('changes nothing and tells the agent why, with a typed error', async () => {
    const tmp = tempDir();
    const secrets = new MemorySecretStore();
    secrets.set = async () => {
      throw new SecretStoreUnavailableError('the system keyring is locked');
    };
    const core = new Core({
      app: { name: 'Test', version: '0.0.0', host: 'electron' },
      dataDir: tmp.dir,
      settingsFiles: { user: path.join(tmp.dir, 'settings.json') },
      secrets,
      logger: silentLogger(),
    });
    await core.start();
    const result = await core.dispatch({
      type: 'settings.update',
      changes: { sip: { user: '1001' } },
      sipPassword: 'pw',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'secrets-unavailable' } });
    expect(core.snapshot().settings.values.sip.user).toBe('');
    expect(core.snapshot().settings.hasSipPassword).toBe(false);
    await core.stop();
    tmp.cleanup();
  });
});
