import path from 'node:path';

export const APP_ID = 'headset-softphone';
export const APP_NAME = 'Headset Softphone';
/** Points the app at another policy file, for IT testing a policy and for tests. */
export const POLICY_ENV = 'HEADSET_SOFTPHONE_POLICY';

/**
 * Where IT puts the machine-wide policy file on each system. Only administrators can write there;
 * the environment variable overrides it.
 */
export function defaultPolicyPath(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const override = env[POLICY_ENV];
  if (override) return override;
  switch (platform) {
    case 'win32':
      return path.win32.join(env.ProgramData ?? 'C:\\ProgramData', APP_NAME, 'policy.json');
    case 'darwin':
      return path.posix.join('/Library/Application Support', APP_NAME, 'policy.json');
    default:
      return path.posix.join('/etc', APP_ID, 'policy.json');
  }
}

/** The per-user data folder for the web host (the Electron host uses app.getPath('userData')). */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const home = env.HOME ?? env.USERPROFILE ?? '.';
  switch (platform) {
    case 'win32':
      return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), APP_NAME);
    case 'darwin':
      return path.posix.join(home, 'Library', 'Application Support', APP_NAME);
    default:
      return path.posix.join(env.XDG_DATA_HOME ?? path.posix.join(home, '.local', 'share'), APP_ID);
  }
}

/** The local customer cache (SQLite) inside the data folder. */
export const CUSTOMER_DB_FILE = 'customers.sqlite';
