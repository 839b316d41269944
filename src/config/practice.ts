import path from 'node:path';
import type { CommandResult } from '../contract/index.js';
import type { OsPolicy } from './layers.js';
import { SettingsStore } from './store.js';
import type { SecretName } from '../secrets/secret-store.js';

/**
 * Practice mode keeps everything of the desk apart (docs/demo.md): a `practice` folder inside the
 * data folder with its own settings, secrets, customer cache, outbox and logs. The switch itself
 * lives in the real settings (so IT's policy can lock it), and the host reads it to choose the
 * folder it starts the core on.
 */
export const PRACTICE_FOLDER = 'practice';

export interface SettingsFiles {
  policy?: string;
  user: string;
  osPolicy?: () => OsPolicy | undefined;
}

/** Whether the real settings (policy and user file) say the desk is in practice. */
export function practiceSwitch(files: SettingsFiles): boolean {
  return new SettingsStore(files).values.practice.enabled;
}

/** The folder and settings file the core runs on, in practice or not. */
export function deskFolders(
  dataDir: string,
  files: SettingsFiles,
  practice: boolean,
): { dataDir: string; files: SettingsFiles } {
  if (!practice) return { dataDir, files };
  const folder = path.join(dataDir, PRACTICE_FOLDER);
  return { dataDir: folder, files: { ...files, user: path.join(folder, 'settings.json') } };
}

/** Keeps the switch in the real user settings; refused when IT's policy locks it. */
export function savePracticeSwitch(files: SettingsFiles, enabled: boolean): CommandResult {
  return new SettingsStore(files).update({ practice: { enabled } });
}

/**
 * Secrets a development run, a test or the demo gives in the environment (never written to disk):
 * the real desk's, or in practice mode the practice desk's own, so a practice run never gets the
 * real password or token and the other way round.
 */
export function secretsFromEnvironment(env: NodeJS.ProcessEnv, practice: boolean): Partial<Record<SecretName, string>> {
  const prefix = practice ? 'HEADSET_SOFTPHONE_PRACTICE_' : 'HEADSET_SOFTPHONE_';
  const password = env[`${prefix}SIP_PASSWORD`];
  const token = env[`${prefix}CRM_TOKEN`];
  return { ...(password ? { 'sip.password': password } : {}), ...(token ? { 'crm.token': token } : {}) };
}
