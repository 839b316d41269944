import { Settings, SETTING_KEYS, isSettingKey, settingSchema, type SettingKey } from '../contract/settings.js';
import { APP_NAME } from './paths.js';

/**
 * Machine policy set with the operating system's own tools, turned into the object a policy file
 * holds, `{ "settings": { "<section>": { "<field>": value } }, "locked": ["<section>.<field>", …] }`,
 * so that the policy file's checks (readValues in layers.ts) apply to it unchanged: a value of the
 * wrong kind or an unknown key is passed through as it is, for those checks to name it.
 *
 * Pure: the host runs `reg query` or reads the plist and passes the text in. Nothing here throws on
 * bad input; what cannot be read is said in English in `problems`.
 *
 * WINDOWS (Group Policy through assets/policy/windows/HeadsetSoftphone.admx)
 *
 *   HKLM\SOFTWARE\Policies\Headset Softphone\<section>   one value per setting, named <field>:
 *     REG_SZ        text and text choices   sip\wsUrl = wss://pbx.example.com/ws, calls\dtmfMethod = info
 *     REG_DWORD     numbers                 crm\pullIntervalSeconds = 0x1e (30), calls\declineCode = 0x25b (603)
 *     REG_DWORD     on/off settings         calls\autoAnswer = 0x1 (on) or 0x0 (off)
 *     REG_MULTI_SZ  lists                   work\notReadyReasons = training\0meeting
 *   HKLM\SOFTWARE\Policies\Headset Softphone\Locked      one REG_SZ value per locked setting whose
 *     data is the setting's dotted name (sip.wsUrl). The ADMX list element names each value after
 *     its data, so the names are the dotted names too; only the data is read.
 *
 *   Section, field and Locked names are matched without regard to case, as Windows matches them.
 *   A DWORD given to a text setting is read as its decimal digits (sip\user = 1001). REG_EXPAND_SZ
 *   is read as REG_SZ (not expanded). Other types (REG_BINARY, REG_QWORD…) are refused with a problem.
 *   Values directly under the Headset Softphone key, and subkeys of Locked, are refused likewise.
 *
 * MACOS (a configuration profile for the preference domain org.headset-softphone.desktop, which
 * macOS writes to /Library/Managed Preferences/org.headset-softphone.desktop.plist)
 *
 *   The plist's top-level dict mirrors the JSON file: `settings` a dict of dicts (<string>,
 *   <integer>, <real>, <true/>/<false/>, <array> of <string>), `locked` an array of <string>.
 *   No conversion by type is made: a value of the wrong kind is named by the same checks as in JSON.
 *   Only XML plists are read; a binary one must be converted first (plutil -convert xml1 -o - <file>).
 */

/** What an OS-managed policy source gave: `data` in the policy file's shape, and what was wrong. */
export interface OsPolicyResult {
  /** The policy file's shape; undefined only when nothing at all could be read (`problems` say why). */
  data: unknown;
  /** English texts, one per problem, each naming where it is. */
  problems: string[];
}

/** The registry key the ADMX templates write to, as `reg query` takes it. */
export const POLICY_REGISTRY_KEY = `HKLM\\SOFTWARE\\Policies\\${APP_NAME}`;
/** The subkey of POLICY_REGISTRY_KEY that lists the locked settings. */
export const LOCKED_SUBKEY = 'Locked';
/** The preference domain of the macOS configuration profile (the app's bundle id). */
export const MANAGED_PREFERENCES_DOMAIN = 'org.headset-softphone.desktop';
/** Where macOS puts the machine-wide managed preferences a profile sets for that domain. */
export const MANAGED_PREFERENCES_FILE = `/Library/Managed Preferences/${MANAGED_PREFERENCES_DOMAIN}.plist`;

/** How a setting's value is stored, read from its zod schema. */
export type SettingKind = 'text' | 'number' | 'boolean' | 'list' | 'other';

interface SchemaDef {
  type: string;
  entries?: Record<string, unknown>;
  values?: unknown[];
  options?: unknown[];
  innerType?: unknown;
  in?: unknown;
}

function kindOfSchema(schema: unknown): SettingKind {
  const def = (schema as { def?: SchemaDef }).def;
  switch (def?.type) {
    case 'string':
      return 'text';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return 'list';
    case 'enum':
    case 'literal': {
      const values = def.type === 'enum' ? Object.values(def.entries ?? {}) : (def.values ?? []);
      if (values.length > 0 && values.every((value) => typeof value === 'number')) return 'number';
      if (values.length > 0 && values.every((value) => typeof value === 'string')) return 'text';
      return 'other';
    }
    case 'union': {
      const kinds = new Set((def.options ?? []).map(kindOfSchema));
      return kinds.size === 1 ? [...kinds][0]! : 'other';
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return kindOfSchema(def.innerType);
    case 'pipe':
      return kindOfSchema(def.in);
    default:
      return 'other';
  }
}

/** The kind of a setting's value: what the registry type and the ADMX element must match. */
export function settingKind(key: SettingKey): SettingKind {
  return kindOfSchema(settingSchema(key));
}

const lower = (text: string) => text.toLowerCase();

/** The section's own spelling, matched without regard to case; the name as given when unknown. */
function sectionName(name: string): string {
  return Object.keys(Settings.shape).find((section) => lower(section) === lower(name)) ?? name;
}

/** The setting's own spelling, matched without regard to case; the name as given when unknown. */
function fieldName(section: string, name: string): string {
  const known = SETTING_KEYS.find((key) => lower(key) === lower(`${section}.${name}`));
  return known ? known.slice(section.length + 1) : name;
}

function settingKeyName(name: string): string {
  return SETTING_KEYS.find((key) => lower(key) === lower(name)) ?? name;
}

// ---------------------------------------------------------------------------------------------
// Windows: the text of `reg query "HKLM\SOFTWARE\Policies\Headset Softphone" /s`
// ---------------------------------------------------------------------------------------------

interface RegValue {
  name: string;
  type: string;
  data: string;
  line: number;
}

interface RegKey {
  /** The path below the queried key, e.g. `sip` or `Locked` ('' for the queried key itself). */
  path: string;
  name: string;
  values: RegValue[];
  children: Map<string, RegKey>;
}

/** `HKEY_LOCAL_MACHINE\SOFTWARE\…`, as reg prints a key, flush left. */
const KEY_LINE = /^(HKEY_[A-Z_]+|HKLM|HKCU|HKCR|HKU|HKCC)(\\.*)?$/;
/** `    wsUrl    REG_SZ    wss://…`: four spaces before the name, between the parts. */
const VALUE_LINE = /^[ \t]+(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/;

const HIVES: Record<string, string> = {
  HKLM: 'HKEY_LOCAL_MACHINE',
  HKCU: 'HKEY_CURRENT_USER',
  HKCR: 'HKEY_CLASSES_ROOT',
  HKU: 'HKEY_USERS',
  HKCC: 'HKEY_CURRENT_CONFIG',
};

/** `HKLM\SOFTWARE\…` as reg prints it: `HKEY_LOCAL_MACHINE\SOFTWARE\…`. */
function fullKeyName(key: string): string {
  const [hive = '', ...rest] = key.trim().replace(/\\+$/, '').split('\\');
  return [HIVES[hive.toUpperCase()] ?? hive, ...rest].join('\\');
}

/**
 * Reads what `reg query "HKLM\SOFTWARE\Policies\Headset Softphone" /s` prints (its standard output,
 * decoded) into the policy file's shape. `key` is the key that was queried; keys printed outside it
 * are ignored with a problem. Empty output (reg prints nothing to stdout when there is no such key)
 * gives an empty policy.
 */
export function parseRegQuery(output: string, key: string = POLICY_REGISTRY_KEY): OsPolicyResult {
  const problems: string[] = [];
  if (typeof output !== 'string') {
    return { data: undefined, problems: ['The output of reg query is not text.'] };
  }
  const rootName = fullKeyName(key);
  const root: RegKey = { path: '', name: '', values: [], children: new Map() };
  let current: RegKey | undefined;
  let sawKey = false;
  const lines = output.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '');
    const number = index + 1;
    if (line.trim() === '' || /^End of search:/i.test(line.trim())) continue;
    if (/^ERROR:/i.test(line.trim())) {
      return { data: undefined, problems: [`reg query reported an error: ${line.trim()}`] };
    }
    if (KEY_LINE.test(line)) {
      sawKey = true;
      const header = fullKeyName(line);
      if (lower(header) === lower(rootName)) {
        current = root;
      } else if (lower(header).startsWith(`${lower(rootName)}\\`)) {
        let node: RegKey = root;
        let path = '';
        for (const part of header.slice(rootName.length + 1).split('\\')) {
          path = path ? `${path}\\${part}` : part;
          let child: RegKey | undefined = node.children.get(lower(part));
          if (!child) {
            child = { path, name: part, values: [], children: new Map() };
            node.children.set(lower(part), child);
          }
          node = child;
        }
        current = node;
      } else {
        problems.push(`Line ${number}: the key ${header} is not below ${rootName}; its values were ignored.`);
        current = undefined;
      }
      continue;
    }
    const value = VALUE_LINE.exec(line);
    if (value) {
      if (current) current.values.push({ name: value[1]!, type: value[2]!, data: value[3] ?? '', line: number });
      else if (!sawKey) problems.push(`Line ${number}: a value comes before any registry key; it was ignored.`);
      continue;
    }
    problems.push(`Line ${number} is not a registry key or value as reg query prints them: "${shorten(line)}".`);
  }

  const settings: Record<string, Record<string, unknown>> = {};
  const locked: unknown[] = [];
  for (const value of root.values) {
    if (isUnsetDefault(value)) continue;
    problems.push(
      `${rootName} has a value "${value.name}" of its own: settings belong in a subkey named after their ` +
        'section (for example sip), so it was ignored.',
    );
  }
  for (const child of root.children.values()) {
    if (lower(child.name) === lower(LOCKED_SUBKEY)) {
      readLocked(child, locked, problems);
      continue;
    }
    const section = sectionName(child.name);
    const fields: Record<string, unknown> = Object.hasOwn(settings, section) ? settings[section]! : {};
    put(settings, section, fields);
    for (const value of child.values) {
      if (isUnsetDefault(value)) continue;
      const field = fieldName(section, value.name);
      const key = `${section}.${field}`;
      const read = readRegValue(value, child, isSettingKey(key) ? settingKind(key) : 'other');
      if ('problem' in read) problems.push(read.problem);
      else put(fields, field, read.value);
    }
    // A subkey below a section is no setting: passed on as one, for the checks to name it.
    for (const grandchild of child.children.values()) put(fields, grandchild.name, plainValues(grandchild, problems));
  }
  return { data: { settings, locked }, problems };
}

/** Sets an own property, so that a name such as "__proto__" stays an ordinary key. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function shorten(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 80 ? `${trimmed.slice(0, 77)}...` : trimmed;
}

/** reg prints `(Default)    REG_SZ    (value not set)` for a key whose default value is empty. */
function isUnsetDefault(value: RegValue): boolean {
  return value.name === '(Default)' && value.data === '(value not set)';
}

function where(key: RegKey, value: RegValue): string {
  return `The registry value ${key.path}\\${value.name} (line ${value.line})`;
}

type Read = { value: unknown } | { problem: string };

/** One value, converted by the kind of setting it is for ('other' for an unknown one). */
function readRegValue(value: RegValue, key: RegKey, kind: SettingKind): Read {
  switch (value.type) {
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
      return { value: value.data };
    case 'REG_DWORD': {
      if (!/^0x[0-9a-f]{1,8}$/i.test(value.data)) {
        return { problem: `${where(key, value)} is REG_DWORD but "${shorten(value.data)}" is not a number.` };
      }
      const number = Number.parseInt(value.data.slice(2), 16);
      if (kind === 'boolean' && (number === 0 || number === 1)) return { value: number === 1 };
      if (kind === 'text') return { value: String(number) };
      return { value: number };
    }
    case 'REG_MULTI_SZ': {
      const items = value.data === '' ? [] : value.data.split('\\0');
      while (items.length > 0 && items[items.length - 1] === '') items.pop();
      return { value: items };
    }
    default:
      return {
        problem:
          `${where(key, value)} is ${value.type}: only REG_SZ, REG_DWORD and REG_MULTI_SZ values are read, ` +
          'so it was ignored.',
      };
  }
}

function plainValues(key: RegKey, problems: string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const value of key.values) {
    if (isUnsetDefault(value)) continue;
    const read = readRegValue(value, key, 'other');
    if ('problem' in read) problems.push(read.problem);
    else put(values, value.name, read.value);
  }
  for (const child of key.children.values()) put(values, child.name, plainValues(child, problems));
  return values;
}

function readLocked(key: RegKey, locked: unknown[], problems: string[]): void {
  for (const value of key.values) {
    if (isUnsetDefault(value)) continue;
    if (!['REG_SZ', 'REG_EXPAND_SZ', 'REG_MULTI_SZ'].includes(value.type)) {
      problems.push(
        `${where(key, value)} is ${value.type}: a locked setting is a REG_SZ value whose data is its name ` +
          '(for example sip.wsUrl), so it was ignored.',
      );
      continue;
    }
    // A REG_MULTI_SZ of names is taken too, one name per line of it.
    const read = readRegValue(value, key, 'list') as { value: string | string[] };
    const names = typeof read.value === 'string' ? [read.value] : read.value;
    for (const name of names) {
      if (name.trim() === '') {
        problems.push(`${where(key, value)} is empty: its data must be the name of a setting, such as sip.wsUrl.`);
        continue;
      }
      locked.push(settingKeyName(name.trim()));
    }
  }
  for (const child of key.children.values()) {
    problems.push(`The registry key ${child.path} is not read: ${key.path} holds values only, so it was ignored.`);
  }
}

// ---------------------------------------------------------------------------------------------
// macOS: an XML property list
// ---------------------------------------------------------------------------------------------

class PlistError extends Error {}

/**
 * Reads a managed-preferences plist (XML) into the policy file's shape: the top-level dict is
 * passed on as it is. Only the plist subset a policy needs is accepted: dict, array, string,
 * integer, real, true and false. Blank text gives an empty policy, like an empty JSON file.
 */
export function parseManagedPlist(xml: string): OsPolicyResult {
  if (typeof xml !== 'string') return { data: undefined, problems: ['The property list is not text.'] };
  if (xml.startsWith('bplist')) {
    return {
      data: undefined,
      problems: [
        'The property list is in the binary format; only XML property lists are read ' +
          '(convert it with: plutil -convert xml1 -o - <file>).',
      ],
    };
  }
  const text = xml.replace(/^\uFEFF/, '');
  if (text.trim() === '') return { data: {}, problems: [] };
  try {
    return { data: new PlistReader(text).document(), problems: [] };
  } catch (error) {
    if (error instanceof PlistError) return { data: undefined, problems: [`The property list ${error.message}.`] };
    return { data: undefined, problems: [`The property list cannot be read (${(error as Error).message}).`] };
  }
}

/** `<name attr="…">`, `</name>` or `<name/>` at the reader's position. */
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/y;
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

interface Tag {
  name: string;
  closing: boolean;
  empty: boolean;
  at: number;
}

class PlistReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  /** `<?xml…?>`, `<!DOCTYPE plist…>`, `<plist version="1.0">` one value `</plist>`. */
  document(): unknown {
    this.skipProlog();
    if (this.pos >= this.text.length) this.fail('holds no <plist> element');
    const open = this.tag();
    if (open.closing || open.name !== 'plist') this.fail(`must start with <plist>, not <${tagText(open)}>`, open.at);
    if (open.empty) this.fail('holds no value: <plist/> is empty', open.at);
    const value = this.value();
    this.skipSpace();
    const close = this.tag();
    if (!close.closing || close.name !== 'plist') {
      this.fail(`must hold one value only: found <${tagText(close)}> where </plist> was expected`, close.at);
    }
    this.skipProlog();
    if (this.pos < this.text.length) this.fail('has text after </plist>');
    return value;
  }

  private value(): unknown {
    this.skipSpace();
    if (this.pos >= this.text.length) this.fail('ends where a value was expected');
    const tag = this.tag();
    if (tag.closing) this.fail(`has </${tag.name}> where a value was expected`, tag.at);
    switch (tag.name) {
      case 'dict':
        return tag.empty ? {} : this.dict(tag);
      case 'array':
        return tag.empty ? [] : this.array();
      case 'string':
        return tag.empty ? '' : this.textOf('string');
      case 'integer': {
        const text = tag.empty ? '' : this.textOf('integer').trim();
        const number = Number(text);
        if (!/^[+-]?[0-9]+$/.test(text) || !Number.isSafeInteger(number)) {
          this.fail(`has an <integer> that is not a whole number: "${shorten(text)}"`, tag.at);
        }
        return number;
      }
      case 'real': {
        const text = tag.empty ? '' : this.textOf('real').trim();
        const number = Number(text);
        if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text) || !Number.isFinite(number)) {
          this.fail(`has a <real> that is not a number: "${shorten(text)}"`, tag.at);
        }
        return number;
      }
      case 'true':
      case 'false':
        if (!tag.empty) {
          this.skipSpace();
          if (!this.text.startsWith(`</${tag.name}>`, this.pos))
            this.fail(`has <${tag.name}> that is not closed`, tag.at);
          this.pos += tag.name.length + 3;
        }
        return tag.name === 'true';
      case 'date':
      case 'data':
        return this.fail(`has a <${tag.name}> value, which no setting uses`, tag.at);
      case 'key':
        return this.fail('has a <key> outside a <dict>', tag.at);
      default:
        return this.fail(`has an element <${tag.name}> that is not part of a property list`, tag.at);
    }
  }

  private dict(open: Tag): Record<string, unknown> {
    const entries: [string, unknown][] = [];
    const seen = new Set<string>();
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) this.fail('has a <dict> that is not closed', open.at);
      const tag = this.tag();
      if (tag.closing && tag.name === 'dict') break;
      if (tag.closing || tag.name !== 'key') {
        this.fail(`has <${tagText(tag)}> in a <dict> where a <key> was expected`, tag.at);
      }
      const key = tag.empty ? '' : this.textOf('key');
      if (seen.has(key)) this.fail(`has the key "${shorten(key)}" twice in one <dict>`, tag.at);
      seen.add(key);
      this.skipSpace();
      if (this.text.startsWith('</dict>', this.pos)) this.fail(`has the key "${shorten(key)}" without a value`, tag.at);
      entries.push([key, this.value()]);
    }
    // fromEntries defines own properties, so a key such as "__proto__" stays an ordinary key.
    return Object.fromEntries(entries);
  }

  private array(): unknown[] {
    const items: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text.startsWith('</array>', this.pos)) {
        this.pos += '</array>'.length;
        return items;
      }
      if (this.pos >= this.text.length) this.fail('has an <array> that is not closed');
      items.push(this.value());
    }
  }

  /** The text up to `</name>`, with its entities decoded. */
  private textOf(name: string): string {
    const start = this.pos;
    const end = this.text.indexOf('<', start);
    if (end < 0) this.fail(`has a <${name}> that is not closed`, start);
    this.pos = end;
    if (this.text.startsWith('<![CDATA[', end)) this.fail('has a CDATA section, which is not supported', end);
    const close = this.tag();
    if (!close.closing || close.name !== name) {
      this.fail(`has <${tagText(close)}> inside a <${name}>, where only text may be`, close.at);
    }
    return this.decode(this.text.slice(start, end), start);
  }

  private decode(raw: string, at: number): string {
    let out = '';
    let i = 0;
    while (i < raw.length) {
      const amp = raw.indexOf('&', i);
      if (amp < 0) {
        out += raw.slice(i);
        break;
      }
      out += raw.slice(i, amp);
      ENTITY.lastIndex = amp;
      const match = ENTITY.exec(raw);
      if (!match) this.fail(`has an "&" that does not start a known entity such as &amp;`, at + amp);
      const name = match[1]!;
      if (name.startsWith('#')) {
        const code = name[1] === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || code === 0) {
          this.fail(`has a character reference &${name}; that is not a character`, at + amp);
        }
        out += String.fromCodePoint(code);
      } else {
        out += NAMED_ENTITIES[name];
      }
      i = amp + match[0].length;
    }
    return out;
  }

  private tag(): Tag {
    TAG.lastIndex = this.pos;
    const match = TAG.exec(this.text);
    if (!match) {
      const found = this.text.slice(this.pos, this.pos + 20).split('\n')[0]!;
      this.fail(`has "${found}" where an element was expected`);
    }
    const at = this.pos;
    this.pos += match[0].length;
    const closing = match[1] === '/';
    const empty = match[4] === '/';
    if (closing && (empty || match[3]!.trim() !== '')) this.fail(`has a malformed closing tag ${match[0]}`, at);
    return { name: match[2]!, closing, empty, at };
  }

  /** Whitespace and comments. */
  private skipSpace(): void {
    for (;;) {
      while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos += 1;
      if (!this.text.startsWith('<!--', this.pos)) return;
      const end = this.text.indexOf('-->', this.pos + 4);
      if (end < 0) this.fail('has a comment that is not closed');
      this.pos = end + 3;
    }
  }

  /** Whitespace, comments, the XML declaration and the document type. */
  private skipProlog(): void {
    for (;;) {
      this.skipSpace();
      if (this.text.startsWith('<?', this.pos)) {
        const end = this.text.indexOf('?>', this.pos);
        if (end < 0) this.fail('has an XML declaration that is not closed');
        this.pos = end + 2;
      } else if (this.text.startsWith('<!DOCTYPE', this.pos)) {
        const end = this.text.indexOf('>', this.pos);
        if (end < 0) this.fail('has a document type that is not closed');
        if (this.text.slice(this.pos, end).includes('[')) this.fail('has a document type with its own declarations');
        this.pos = end + 1;
      } else {
        return;
      }
    }
  }

  private fail(message: string, at: number = this.pos): never {
    const line = this.text.slice(0, at).split('\n').length;
    throw new PlistError(`${message} (line ${line})`);
  }
}

function tagText(tag: Tag): string {
  return `${tag.closing ? '/' : ''}${tag.name}${tag.empty ? '/' : ''}`;
}
