import fs from 'node:fs';
import path from 'node:path';
import type { CommandResult } from '../contract/index.js';
import type { OsPolicy } from './layers.js';
import { SettingsStore } from './store.js';
import { withDefaultSecrets, type SecretName, type SecretStore } from '../secrets/secret-store.js';

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

/**
 * Where a desk in practice finds the demo contact centre (`npm run demo`) on this computer, and the
 * demo's practice credentials: test accounts of a loopback-only stack full of invented customers,
 * public like the rest of the demo, not secrets of anyone's.
 */
export const DEMO_STACK = {
  pbxWsPort: 8089,
  pbxUdpPort: 5070,
  crmPort: 8791,
  domain: 'pbx.test',
  agent: '1001',
  agentPassword: 'secret1001',
  crmToken: 'practice-demo',
} as const;

/** The settings of a practice folder used for the first time: the demo stack on this computer. */
export function demoPracticeSettings(): Record<string, Record<string, unknown>> {
  return {
    sip: { wsUrl: `ws://127.0.0.1:${DEMO_STACK.pbxWsPort}`, user: DEMO_STACK.agent, domain: DEMO_STACK.domain },
    crm: { url: `http://127.0.0.1:${DEMO_STACK.crmPort}/sync/v1`, pullIntervalSeconds: 10 },
  };
}

/** The practice credentials for the demo stack, used where the practice desk has saved none. */
export const DEMO_PRACTICE_SECRETS: Partial<Record<SecretName, string>> = {
  'sip.password': DEMO_STACK.agentPassword,
  'crm.token': DEMO_STACK.crmToken,
};

/**
 * A practice folder used for the first time points at the demo stack, so that "Start practising"
 * works at once next to a running `npm run demo`; the trainee (or IT) may point it elsewhere.
 */
export function preparePracticeFolder(folder: string): void {
  const file = path.join(folder, 'settings.json');
  if (fs.existsSync(file)) return;
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${JSON.stringify(demoPracticeSettings(), null, 2)}\n`, { mode: 0o600 });
}

/** Whether the real settings (policy and user file) say the desk is in practice. */
export function practiceSwitch(files: SettingsFiles): boolean {
  return new SettingsStore(files).values.practice.enabled;
}

/**
 * The folder and settings file the core runs on, in practice or not; a practice folder used for
 * the first time is prepared on the way (`preparePracticeFolder`).
 */
export function deskFolders(
  dataDir: string,
  files: SettingsFiles,
  practice: boolean,
): { dataDir: string; files: SettingsFiles } {
  if (!practice) return { dataDir, files };
  const folder = path.join(dataDir, PRACTICE_FOLDER);
  preparePracticeFolder(folder);
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

/** The practice desk's secret store: what it saved, else the demo stack's practice credentials. */
export function practiceSecrets(store: SecretStore, practice: boolean): SecretStore {
  return practice ? withDefaultSecrets(store, DEMO_PRACTICE_SECRETS) : store;
}
