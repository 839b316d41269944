import fs from 'node:fs';
import path from 'node:path';
import { SettingsPatch, type SettingKey, type Settings, type SettingsView } from '../contract/settings.js';
import type { ContractError } from '../contract/messages.js';
import {
  combinePolicies,
  mergeLayers,
  readPolicyFile,
  readUserFile,
  type EffectiveSettings,
  type OsPolicy,
} from './layers.js';

export type UpdateResult =
  | { ok: true; view: Omit<SettingsView, 'hasSipPassword' | 'hasCrmToken' | 'hotkeyProblems'> }
  | { ok: false; error: ContractError };

/** Writes a file so that a crash leaves either the old or the new content, never half of it. */
export function writeFileAtomic(file: string, content: string, mode = 0o600): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/**
 * The layered settings: built-in defaults < the machine-wide policy file (IT) < the user's file.
 * A broken file never stops the app: its problems are reported and the layer below is used.
 */
export class SettingsStore {
  private current: EffectiveSettings;
  private userValues: Record<string, Record<string, unknown>> = {};
  /** The user file exists but could not be read as a whole; it is kept aside before the next write. */
  private userFileBroken = false;

  constructor(readonly files: { policy?: string; user: string; osPolicy?: () => OsPolicy | undefined }) {
    this.current = this.load();
  }

  /** Re-reads both files (the policy may have been changed by IT while the app runs). */
  load(): EffectiveSettings {
    const file = this.files.policy ? readPolicyFile(this.files.policy) : readPolicyFile('');
    const policy = combinePolicies(file, this.files.osPolicy?.());
    const user = readUserFile(this.files.user);
    this.userFileBroken = user.problems.some((problem) => problem.key === undefined);
    this.userValues = {};
    for (const [key, value] of Object.entries(user.values)) {
      const [section, field] = key.split('.') as [string, string];
      (this.userValues[section] ??= {})[field] = value;
    }
    this.current = mergeLayers(policy, user);
    return this.current;
  }

  get values(): Settings {
    return this.current.values;
  }

  view(): Omit<SettingsView, 'hasSipPassword' | 'hasCrmToken' | 'hotkeyProblems'> {
    return {
      values: this.current.values,
      locked: this.current.locked,
      problems: this.current.problems,
      policyFile: this.files.policy,
      userFile: this.files.user,
    };
  }

  isLocked(key: SettingKey): boolean {
    return this.current.locked.includes(key);
  }

  /** Applies a change from the agent; refuses it whole if any key is locked or invalid. */
  update(rawPatch: unknown): UpdateResult {
    const parsed = SettingsPatch.safeParse(rawPatch);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'invalid',
          message: 'Some settings have values that cannot be used',
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
      };
    }
    const changed: Array<[string, string, unknown]> = [];
    for (const [section, fields] of Object.entries(parsed.data)) {
      for (const [field, value] of Object.entries(fields ?? {})) {
        const current = (this.current.values as Record<string, Record<string, unknown>>)[section]?.[field];
        if (value === current) continue;
        changed.push([section, field, value]);
      }
    }
    const locked = changed.map(([s, f]) => `${s}.${f}` as SettingKey).filter((key) => this.isLocked(key));
    if (locked.length > 0) {
      return {
        ok: false,
        error: {
          code: 'locked',
          message: 'These settings are locked by your IT policy',
          issues: locked.map((key) => ({ path: key, message: 'locked by the IT policy' })),
        },
      };
    }
    if (changed.length === 0) return { ok: true, view: this.view() };
    const next = structuredClone(this.userValues);
    for (const [section, field, value] of changed) (next[section] ??= {})[field] = value;
    if (this.userFileBroken) {
      // Never overwrite what we could not read: the agent or IT may want to recover it.
      fs.copyFileSync(this.files.user, `${this.files.user}.broken-${Date.now()}`);
    }
    writeFileAtomic(this.files.user, `${JSON.stringify(next, null, 2)}\n`);
    this.load();
    return { ok: true, view: this.view() };
  }
}
