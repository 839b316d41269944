import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// electron-builder cannot produce installers here (no Electron binary), so its configuration is
// checked with electron-builder's own loader and schema validation.

interface BuilderConfig {
  appId?: string;
  productName?: string;
  asar?: boolean;
  /** Normalised by getConfig to [{ filter: [...] }]. */
  files?: (string | { filter?: string[] })[];
  afterPack?: string;
  protocols?: { schemes: string[] }[];
  linux?: { target?: string[] };
  win?: { target?: string[] };
  mac?: { target?: string[] };
  nsis?: { perMachine?: boolean; oneClick?: boolean };
  msi?: { perMachine?: boolean };
}
interface ConfigModule {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: null): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, debugLogger: unknown): Promise<void>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as ConfigModule;
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper.js') as {
  LinuxTargetHelper: new (packager: object) => {
    computeDesktopEntry(options: unknown, exec: string | undefined, extra: object): Promise<string>;
  };
};

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own validation and asks for the installers we ship', async () => {
    const config = await getConfig(root, path.join(root, 'electron-builder.yml'), null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();

    expect(config.productName).toBe('Headset Softphone');
    expect(config.asar).toBe(true);
    const files = (config.files ?? []).flatMap((entry) => (typeof entry === 'string' ? [entry] : (entry.filter ?? [])));
    expect(files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(config.linux?.target).toEqual(['deb', 'rpm', 'AppImage']);
    expect(config.win?.target).toEqual(['nsis', 'msi']);
    expect(config.mac?.target).toEqual(['dmg', 'zip']);
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false });
    expect(config.msi).toMatchObject({ perMachine: true });
    expect(config.protocols?.flatMap((protocol) => protocol.schemes).sort()).toEqual(['callto', 'sip', 'tel']);
  }, 30_000);

  it('lets electron-builder put the link schemes in the Linux .desktop entry, link as %U', async () => {
    // The MimeType comes from `protocols` alone (an explicit linux.desktop.entry.MimeType would be
    // overwritten), so the .desktop file electron-builder would write is computed from the config.
    const config = await getConfig(root, path.join(root, 'electron-builder.yml'), null);
    const metadata = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as object;
    const packager = {
      appInfo: { productName: config.productName, sanitizedProductName: config.productName, description: '' },
      executableName: 'headset-softphone',
      info: { metadata },
      config,
      platformSpecificBuildOptions: config.linux,
      fileAssociations: [],
    };
    const helper = new LinuxTargetHelper(packager);
    const entry = await helper.computeDesktopEntry(config.linux, undefined, {});
    const field = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(entry)?.[1];
    expect(field('MimeType')?.split(';').filter(Boolean).sort()).toEqual([
      'x-scheme-handler/callto',
      'x-scheme-handler/sip',
      'x-scheme-handler/tel',
    ]);
    expect(field('Exec')).toMatch(/ %U$/);
  }, 30_000);

  it('points afterPack at the fuse hook, which exists', async () => {
    const config = await getConfig(root, path.join(root, 'electron-builder.yml'), null);
    expect(config.afterPack).toBeDefined();
    expect(fs.existsSync(path.resolve(root, config.afterPack!))).toBe(true);
  });
});
