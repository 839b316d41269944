import fs from 'node:fs';
import { Settings, isSettingKey, settingSchema, type ConfigProblem, type SettingKey } from '../contract/settings.js';
import { DEFAULT_SETTINGS } from './defaults.js';

type Layer = ConfigProblem['layer'];

/** What one file contributed: the values it set, the keys it locks, and what was wrong in it. */
export interface LayerFile {
  values: Partial<Record<SettingKey, unknown>>;
  locked: SettingKey[];
  problems: ConfigProblem[];
  found: boolean;
  file: string;
}

const empty = (file: string): LayerFile => ({ values: {}, locked: [], problems: [], found: false, file });

function readJson(file: string, layer: Layer): { data?: unknown; problem?: ConfigProblem; found: boolean } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { found: false };
    return { found: true, problem: { layer, file, message: 'problem.unreadable', detail: code ?? 'unknown error' } };
  }
  if (text.trim() === '') return { found: true, data: {} };
  try {
    return { found: true, data: JSON.parse(text) };
  } catch (error) {
    return { found: true, problem: { layer, file, message: 'problem.notJson', detail: (error as Error).message } };
  }
}

/** Reads `{ "sip": { "user": "1001" }, ... }` key by key, so that one bad key costs only that key. */
function readValues(data: unknown, layer: Layer, file: string, where: string): Pick<LayerFile, 'values' | 'problems'> {
  const values: LayerFile['values'] = {};
  const problems: ConfigProblem[] = [];
  if (data === undefined) return { values, problems };
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    problems.push({ layer, file, key: where || undefined, message: 'problem.notObject' });
    return { values, problems };
  }
  for (const [section, fields] of Object.entries(data)) {
    const sectionName = where ? `${where}.${section}` : section;
    if (!fields || typeof fields !== 'object' || Array.isArray(fields)) {
      problems.push({ layer, file, key: sectionName, message: 'problem.sectionNotObject' });
      continue;
    }
    for (const [field, value] of Object.entries(fields)) {
      const key = `${section}.${field}`;
      const shown = where ? `${where}.${key}` : key;
      if (!isSettingKey(key)) {
        problems.push({ layer, file, key: shown, message: 'problem.unknownSetting' });
        continue;
      }
      const parsed = settingSchema(key).safeParse(value);
      if (!parsed.success) {
        problems.push({ layer, file, key: shown, message: parsed.error.issues[0]?.message ?? 'problem.invalidValue' });
        continue;
      }
      values[key] = parsed.data;
    }
  }
  return { values, problems };
}

/**
 * The machine-wide policy file IT writes:
 * `{ "settings": { "sip": { "wsUrl": "wss://…" } }, "locked": ["sip.wsUrl"] }`.
 */
export function readPolicyFile(file: string): LayerFile {
  const { data, problem, found } = readJson(file, 'policy');
  if (!found) return empty(file);
  if (problem) return { ...empty(file), found, problems: [problem] };
  return readPolicyData(data, file);
}

/**
 * A policy already parsed (the JSON file's content, or what the Windows registry or a macOS
 * configuration profile gave in the same shape), checked key by key; `source` names it in problems.
 */
export function readPolicyData(data: unknown, source: string): LayerFile {
  const file = source;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return { ...empty(file), found: true, problems: [{ layer: 'policy', file, message: 'problem.policyNotObject' }] };
  }
  const { settings, locked, ...rest } = data as Record<string, unknown>;
  const { values, problems } = readValues(settings, 'policy', file, 'settings');
  for (const key of Object.keys(rest))
    problems.push({ layer: 'policy', file, key, message: 'problem.unknownPolicyEntry' });
  const lockedKeys: SettingKey[] = [];
  if (locked !== undefined && !Array.isArray(locked)) {
    problems.push({ layer: 'policy', file, key: 'locked', message: 'problem.lockedNotList' });
  } else {
    for (const key of locked ?? []) {
      if (typeof key === 'string' && isSettingKey(key)) lockedKeys.push(key);
      else
        problems.push({ layer: 'policy', file, key: 'locked', message: 'problem.lockedUnknown', detail: String(key) });
    }
  }
  return { values, locked: lockedKeys, problems, found: true, file };
}

/** What an OS-managed policy source (registry, configuration profile) gave, as read by the host. */
export interface OsPolicy {
  /** Where it came from, as IT would name it (the registry key, the profile's file). */
  source: string;
  /** The policy file's shape; undefined when nothing could be read (see `problems`). */
  data: unknown;
  problems: string[];
}

/**
 * The machine policy: the JSON file and the OS-managed policy together. The OS policy (Group
 * Policy, a configuration profile) wins for a setting both set; a setting is locked when either
 * locks it; the problems of both are listed.
 */
export function combinePolicies(file: LayerFile, os: OsPolicy | undefined): LayerFile {
  if (!os) return file;
  const managed =
    os.data === undefined ? { ...empty(os.source), found: os.problems.length > 0 } : readPolicyData(os.data, os.source);
  const problems = [
    ...file.problems,
    ...os.problems.map((detail): ConfigProblem => ({
      layer: 'policy',
      file: os.source,
      message: 'problem.unreadable',
      detail,
    })),
    ...managed.problems,
  ];
  return {
    values: { ...file.values, ...managed.values },
    locked: [...new Set([...file.locked, ...managed.locked])],
    problems,
    found: file.found || managed.found,
    file: file.found ? file.file : managed.found ? os.source : file.file,
  };
}

/** The agent's own settings file: `{ "sip": { … }, "ui": { … } }`. */
export function readUserFile(file: string): LayerFile {
  const { data, problem, found } = readJson(file, 'user');
  if (!found) return empty(file);
  if (problem) return { ...empty(file), found, problems: [problem] };
  return { ...readValues(data, 'user', file, ''), locked: [], found, file };
}

export interface EffectiveSettings {
  values: Settings;
  locked: SettingKey[];
  problems: ConfigProblem[];
}

/** Defaults < policy < user, except that a key the policy locks keeps the policy's (or default) value. */
export function mergeLayers(policy: LayerFile, user: LayerFile): EffectiveSettings {
  const values = structuredClone(DEFAULT_SETTINGS) as Record<string, Record<string, unknown>>;
  const apply = (layer: LayerFile, skip: ReadonlySet<string>) => {
    for (const [key, value] of Object.entries(layer.values)) {
      if (skip.has(key)) continue;
      const [section, field] = key.split('.') as [string, string];
      values[section]![field] = value;
    }
  };
  const locked = new Set<string>(policy.locked);
  apply(policy, new Set());
  apply(user, locked);
  const problems = [...policy.problems, ...user.problems];
  for (const key of Object.keys(user.values)) {
    if (locked.has(key)) {
      problems.push({ layer: 'user', file: user.file, key, message: 'problem.lockedInUserFile' });
    }
  }
  return { values: Settings.parse(values), locked: [...locked] as SettingKey[], problems };
}
