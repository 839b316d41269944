/**
 * The core's log file rotates: a large file left by the last run is moved aside at start, and one
 * that grows past the limit while the app runs is rotated and written anew, the oldest beyond the
 * kept number removed. Masking applies to every file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLogger, rotateFiles } from '../../src/log/logger.js';
import { tempDir } from '../support/tmp.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('log-rotation-')));
afterEach(() => cleanup());

const flushed = (logger: ReturnType<typeof createLogger>) =>
  new Promise<void>((resolve) => logger.flush(() => resolve()));

it('rotates numbered files and drops the oldest beyond the kept number', () => {
  const file = path.join(dir, 'core.log');
  for (const [name, text] of [
    ['core.log', 'now'],
    ['core.1.log', 'one'],
    ['core.2.log', 'two'],
  ] as const)
    fs.writeFileSync(path.join(dir, name), text);
  rotateFiles(file, 2);
  expect(fs.readdirSync(dir).sort()).toEqual(['core.1.log', 'core.2.log']);
  expect(fs.readFileSync(path.join(dir, 'core.1.log'), 'utf8')).toBe('now');
  expect(fs.readFileSync(path.join(dir, 'core.2.log'), 'utf8')).toBe('one');
});

it('a large file from the last run is moved aside at start; one that grows while running is rotated', async () => {
  const file = path.join(dir, 'logs', 'core.log');
  fs.mkdirSync(path.dirname(file));
  fs.writeFileSync(file, 'x'.repeat(3000));
  const logger = createLogger({ file, rotation: { maxBytes: 2048, keep: 3, checkEveryMs: 20 } });
  expect(fs.readFileSync(path.join(dir, 'logs', 'core.1.log'), 'utf8')).toBe('x'.repeat(3000));

  // Past the limit while running: rotated at the next check, later lines in a new file.
  for (let i = 0; i < 40; i++) logger.info({ number: '+393471234567' }, `line ${i} with some padding to grow the file`);
  await flushed(logger);
  await expect.poll(() => fs.existsSync(path.join(dir, 'logs', 'core.2.log')), { timeout: 5000 }).toBe(true);
  logger.info('after the rotation');
  await flushed(logger);
  await expect.poll(() => fs.readFileSync(file, 'utf8'), { timeout: 5000 }).toContain('after the rotation');
  expect(fs.readFileSync(file, 'utf8')).not.toContain('line 0 ');
  // Masked in every file.
  const all = fs
    .readdirSync(path.join(dir, 'logs'))
    .map((name) => fs.readFileSync(path.join(dir, 'logs', name), 'utf8'));
  expect(all.join('\n')).not.toContain('3471234567');
});
