/**
 * Sleep and wake through a fake powerMonitor (the Electron binary cannot run here): a resume makes
 * the core check its line at once (its registration's checkNow, which registration-healing.test.ts
 * proves against a real Kamailio finds a dead connection in seconds); a suspend is only noted.
 * The registration is a stand-in: this core has no account to register.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { Core } from '../../src/core/core.js';
import { feedPowerEvents, type PowerEvents } from '../../main/electron/power.js';
import { testCore } from '../support/core.js';
import { tempDir } from '../support/tmp.js';

let core: Core;
let cleanup: () => void;
beforeEach(async () => {
  const tmp = tempDir('power-');
  cleanup = tmp.cleanup;
  core = testCore({ dataDir: tmp.dir, user: path.join(tmp.dir, 'settings.json') });
  await core.start();
});
afterEach(async () => {
  await core.stop();
  cleanup();
});

it('a resume makes the core check the line at once; a suspend does not', async () => {
  const power = new EventEmitter();
  const dispatched: unknown[] = [];
  const dispatch = vi.fn((command: Parameters<Core['dispatch']>[0]) => {
    dispatched.push(command);
    return core.dispatch(command);
  });
  const checkNow = vi.fn();
  // The registration the core would hold once the line is set up: its check is what a resume runs.
  (core as unknown as { registration: { checkNow: () => void } }).registration = { checkNow } as never;
  feedPowerEvents(power as unknown as PowerEvents, dispatch);
  power.emit('suspend');
  expect(checkNow).not.toHaveBeenCalled();
  power.emit('resume');
  await Promise.resolve();
  expect(checkNow).toHaveBeenCalledTimes(1);
  expect(dispatched).toEqual([
    { type: 'host.event', event: 'suspend' },
    { type: 'host.event', event: 'resume' },
  ]);
  (core as unknown as { registration: undefined }).registration = undefined;
});
