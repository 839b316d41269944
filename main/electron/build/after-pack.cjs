// electron-builder afterPack hook: flips Electron's fuses in the packaged binary, before signing.
// CommonJS because electron-builder require()s its hooks.
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';

const path = require('node:path');
const { flipFuses, FuseV1Options, FuseVersion } = require('@electron/fuses');

/** electron-builder's Arch enum value for arm64. */
const ARCH_ARM64 = 3;

/**
 * The fuses, each closing a way to run our binary as something else:
 * - RunAsNode off: ELECTRON_RUN_AS_NODE cannot turn the signed app into a general Node.
 * - NODE_OPTIONS and --inspect off: no code injection or debugger through the environment or flags.
 * - Cookie encryption on: the session's cookies are encrypted with the OS keychain.
 * - Embedded asar integrity and asar-only: the app code that runs is the code we signed.
 * - No extra file:// privileges: the renderer is served from app://, never file://.
 */
function fuseConfig(platform, arch) {
  return {
    version: FuseVersion.V1,
    strictlyRequireAllFuses: false,
    // Changing the binary breaks the ad-hoc signature arm64 macOS needs; re-sign ad hoc.
    resetAdHocDarwinSignature: platform === 'darwin' && arch === ARCH_ARM64,
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
}

/** Where the packaged Electron binary is, as electron-builder names it on each platform. */
function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case 'linux':
      return path.join(appOutDir, packager.executableName);
    default:
      throw new Error(`after-pack: unknown platform "${electronPlatformName}"`);
  }
}

async function afterPack(context) {
  const binary = electronBinaryPath(context);
  await flipFuses(binary, fuseConfig(context.electronPlatformName, context.arch));
  console.log(`  • fuses flipped  file=${binary}`);
}

module.exports = afterPack;
module.exports.afterPack = afterPack;
module.exports.default = afterPack;
module.exports.fuseConfig = fuseConfig;
module.exports.electronBinaryPath = electronBinaryPath;
