import fs from 'node:fs';
import path from 'node:path';
import type { ScriptProblem, ScriptsStatus } from '../contract/guidance.js';
import type { Logger } from '../log/logger.js';
import { checkScript, parseScript, type LoadedScript, type ScriptSource } from './script.js';
import en from './scripts/general.en.json';
import it from './scripts/general.it.json';
import el from './scripts/general.el.json';
import ru from './scripts/general.ru.json';
import ro from './scripts/general.ro.json';

/** The scripts shipped with the app: a general customer-service line in five languages. */
const SHIPPED: readonly unknown[] = [en, it, el, ru, ro];
/** The set a line without one of its own uses. */
export const GENERAL_SET = 'general';
const SCRIPT_FILE = /\.(json|ya?ml)$/i;
/** A script file larger than this is not a script. */
const MAX_FILE_BYTES = 1024 * 1024;

/** A script record from the CRM sync (`crm_documents`, kind "script"). */
export interface CrmScriptRecord {
  externalId: string;
  version: number;
  data: { scriptSet?: string; language?: string; body?: unknown };
}

export interface LibraryOptions {
  /** The scripts folder set by the agent or IT; empty for none. */
  folder: () => string;
  /** The scripts the CRM sent, read when a call starts (cheap: a handful of rows). */
  crmScripts: () => CrmScriptRecord[];
  logger: Logger;
  /** The list of scripts or their problems changed. */
  onChange?: (status: ScriptsStatus) => void;
}

const ORDER: Record<ScriptSource, number> = { crm: 0, folder: 1, shipped: 2 };

/**
 * Every script the desk has, from three sources: the CRM's replace a folder's, which replace the
 * shipped ones, for the same set and language. Scripts that do not pass the schema are left out
 * and listed as problems with their location.
 */
export class ScriptLibrary {
  private shipped: LoadedScript[] = [];
  private folderScripts: LoadedScript[] = [];
  private crm: LoadedScript[] = [];
  private folderProblems: ScriptProblem[] = [];
  private crmProblems: ScriptProblem[] = [];
  private crmSeen = new Map<string, { version: number; loaded?: LoadedScript; problems: ScriptProblem[] }>();

  constructor(private readonly options: LibraryOptions) {
    for (const body of SHIPPED) {
      const id = (body as { id?: string }).id ?? 'unknown';
      const result = checkScript(body, `shipped:${id}`);
      // A shipped script that fails its own schema is a bug the unit tests catch; never a crash here.
      if (result.ok) this.shipped.push({ script: result.script, source: 'shipped', origin: `shipped:${id}` });
      else options.logger.error({ id, problems: result.problems }, 'a shipped script does not pass the schema');
    }
  }

  /** Reads the scripts folder again (at start, and when the setting changes). */
  reloadFolder(): void {
    this.folderScripts = [];
    this.folderProblems = [];
    const folder = this.options.folder().trim();
    if (!folder) return;
    let names: string[];
    try {
      names = fs
        .readdirSync(folder)
        .filter((name) => SCRIPT_FILE.test(name))
        .sort();
    } catch (error) {
      this.folderProblems.push({
        source: folder,
        message: `the scripts folder cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      });
      this.report();
      return;
    }
    for (const name of names) {
      const file = path.join(folder, name);
      try {
        const size = fs.statSync(file).size;
        if (size > MAX_FILE_BYTES) {
          this.folderProblems.push({ source: file, message: `the file is too large for a script (${size} bytes)` });
          continue;
        }
        const result = parseScript(fs.readFileSync(file, 'utf8'), file);
        if (result.ok) this.folderScripts.push({ script: result.script, source: 'folder', origin: file });
        else this.folderProblems.push(...result.problems);
      } catch (error) {
        this.folderProblems.push({
          source: file,
          message: `the file cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        });
      }
    }
    this.report();
  }

  /** Reads the folder again and reports, also when it is empty or unset. */
  reload(): void {
    this.reloadFolder();
    this.refreshCrm();
    this.report();
  }

  /** Reads the CRM's scripts again; true when something changed. Parsed once per version. */
  refreshCrm(): boolean {
    let records: CrmScriptRecord[];
    try {
      records = this.options.crmScripts();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'the CRM scripts could not be read');
      return false;
    }
    let changed = records.length !== this.crmSeen.size;
    const seen = new Map<string, { version: number; loaded?: LoadedScript; problems: ScriptProblem[] }>();
    for (const record of records) {
      const known = this.crmSeen.get(record.externalId);
      if (known && known.version === record.version) {
        seen.set(record.externalId, known);
        continue;
      }
      changed = true;
      const source = `crm:${record.externalId}`;
      const result = checkScript(record.data.body, source);
      seen.set(record.externalId, {
        version: record.version,
        ...(result.ok ? { loaded: { script: result.script, source: 'crm', origin: source } } : {}),
        problems: result.ok ? [] : result.problems,
      });
    }
    this.crmSeen = seen;
    if (!changed) return false;
    this.crm = [...seen.values()].flatMap((entry) => (entry.loaded ? [entry.loaded] : []));
    this.crmProblems = [...seen.values()].flatMap((entry) => entry.problems);
    this.report();
    return true;
  }

  status(): ScriptsStatus {
    return {
      scripts: this.all().map(({ script, source }) => ({
        id: script.id,
        name: script.name,
        scriptSet: script.scriptSet,
        language: script.language,
        source,
      })),
      problems: [...this.folderProblems, ...this.crmProblems],
    };
  }

  /**
   * The script for a call: the languages in order of preference (the customer's, the line's, the
   * agent's), for each the line's set then the general one; a language matches by its primary
   * subtag too ("it-CH" finds "it"). Always returns one: the shipped English general script last.
   */
  select(scriptSet: string | undefined, languages: readonly (string | undefined)[]): LoadedScript {
    const all = this.all();
    const sets = [...new Set([scriptSet, GENERAL_SET].filter((set): set is string => Boolean(set)))];
    const wanted = [
      ...new Set([...languages, 'en'].filter((tag): tag is string => Boolean(tag)).map((tag) => tag.toLowerCase())),
    ];
    for (const language of wanted) {
      const primary = language.split('-')[0]!;
      for (const set of sets) {
        const candidates = all.filter((loaded) => loaded.script.scriptSet === set);
        const found =
          candidates.find((loaded) => loaded.script.language.toLowerCase() === language) ??
          candidates.find((loaded) => loaded.script.language.toLowerCase().split('-')[0] === primary);
        if (found) return found;
      }
    }
    return all.find((loaded) => loaded.script.scriptSet === GENERAL_SET) ?? all[0] ?? this.shipped[0]!;
  }

  /** Every usable script, the one that wins for its set and language first. */
  private all(): LoadedScript[] {
    const byKey = new Map<string, LoadedScript>();
    for (const loaded of [...this.crm, ...this.folderScripts, ...this.shipped].sort(
      (a, b) => ORDER[a.source] - ORDER[b.source],
    )) {
      const key = `${loaded.script.scriptSet}\u0000${loaded.script.language.toLowerCase()}`;
      if (!byKey.has(key)) byKey.set(key, loaded);
    }
    return [...byKey.values()];
  }

  private report(): void {
    this.options.onChange?.(this.status());
    for (const problem of [...this.folderProblems, ...this.crmProblems])
      this.options.logger.warn(
        { source: problem.source, line: problem.line, column: problem.column, path: problem.path },
        `script problem: ${problem.message}`,
      );
  }
}
