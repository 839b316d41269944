import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The packaging hook flips Electron's fuses. No Electron binary can be downloaded here, so it runs
// against a fake binary that carries only the fuse wire (the sentinel @electron/fuses looks for).

type AfterPack = ((context: object) => Promise<void>) & {
  electronBinaryPath(context: object): string;
};
const require = createRequire(import.meta.url);
const afterPack = require('../../main/electron/build/after-pack.cjs') as AfterPack;

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ENABLE = 0x31;
const DISABLE = 0x30;
/** Fuse order in the wire (FuseV1Options). */
const FUSES = [
  'RunAsNode',
  'EnableCookieEncryption',
  'EnableNodeOptionsEnvironmentVariable',
  'EnableNodeCliInspectArguments',
  'EnableEmbeddedAsarIntegrityValidation',
  'OnlyLoadAppFromAsar',
  'LoadBrowserProcessSpecificV8Snapshot',
  'GrantFileProtocolExtraPrivileges',
] as const;

function fakeElectronBinary(file: string): void {
  // Electron's defaults: RunAsNode, NODE_OPTIONS, --inspect and file:// privileges on; the rest off.
  const defaults = [ENABLE, DISABLE, ENABLE, ENABLE, DISABLE, DISABLE, DISABLE, ENABLE];
  fs.writeFileSync(
    file,
    Buffer.concat([
      Buffer.from('ELF...'),
      Buffer.from(SENTINEL),
      Buffer.from([1, FUSES.length, ...defaults]),
      Buffer.from('...'),
    ]),
  );
}

function readFuses(file: string): Record<string, boolean> {
  const bytes = fs.readFileSync(file);
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length + 2;
  return Object.fromEntries(FUSES.map((name, i) => [name, bytes[at + i] === ENABLE]));
}

describe('the afterPack hook (on a fake Electron binary, since none can be downloaded here)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'softphone-pack-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('flips the fuses of the packaged Linux binary', async () => {
    const context = {
      appOutDir: dir,
      electronPlatformName: 'linux',
      arch: 1,
      packager: { executableName: 'headset-softphone', appInfo: { productFilename: 'Headset Softphone' } },
    };
    const binary = path.join(dir, 'headset-softphone');
    expect(afterPack.electronBinaryPath(context)).toBe(binary);
    fakeElectronBinary(binary);

    await afterPack(context);

    expect(readFuses(binary)).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
    });
  });

  it('finds the binary on Windows and macOS', () => {
    const packager = { executableName: 'headset-softphone', appInfo: { productFilename: 'Headset Softphone' } };
    expect(afterPack.electronBinaryPath({ appOutDir: dir, electronPlatformName: 'win32', packager })).toBe(
      path.join(dir, 'Headset Softphone.exe'),
    );
    expect(afterPack.electronBinaryPath({ appOutDir: dir, electronPlatformName: 'darwin', packager })).toBe(
      path.join(dir, 'Headset Softphone.app'),
    );
  });
});
