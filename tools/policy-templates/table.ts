/* eslint-disable @typescript-eslint/no-explicit-any -- reads zod's internal definitions of the settings schema */
/** The settings table of docs/deployment.md, from the schema, the defaults and meanings.ts. */
import fs from 'node:fs';
import { SETTING_KEYS, settingSchema } from '../../src/contract/settings.js';
import { DEFAULT_SETTINGS } from '../../src/config/defaults.js';
import { settingKind } from '../../src/config/os-policy.js';
import { MEANINGS } from './meanings.js';

const START = '<!-- settings-table:start (written by npm run policy-templates) -->';
const END = '<!-- settings-table:end -->';
const rows = ['| Key | Type and allowed values | Default | Registry | Meaning |', '| --- | --- | --- | --- | --- |'];
const missing = SETTING_KEYS.filter((k) => !MEANINGS[k]);
if (missing.length) throw new Error('no meaning for ' + missing.join(', '));
for (const key of SETTING_KEYS) {
  const s: any = settingSchema(key);
  const def = s.def;
  const [sec, f] = key.split('.') as [string, string];
  const dv = (DEFAULT_SETTINGS as any)[sec][f];
  let type: string;
  const kind = settingKind(key);
  if (def.type === 'enum')
    type =
      'text: ' +
      Object.values(def.entries)
        .map((v) => `\`${v}\``)
        .join(', ');
  else if (def.type === 'union') type = 'number: ' + def.options.map((o: any) => `\`${o.def.values[0]}\``).join(' or ');
  else if (kind === 'boolean') type = 'true/false';
  else if (kind === 'number') type = `whole number, ${s.minValue} to ${s.maxValue}`;
  else if (kind === 'list')
    type = `list of 1 to ${def.checks?.find?.((c: any) => c._zod.def.check === 'max_length')?._zod.def.maximum ?? 20} texts, each up to ${def.element.maxLength} characters`;
  else type = 'text' + (s.maxLength ? `, up to ${s.maxLength} characters` : '');
  const shown = Array.isArray(dv)
    ? dv.map((v) => `\`${v}\``).join(', ')
    : dv === ''
      ? '(empty)'
      : `\`${JSON.stringify(dv)}\``;
  const reg =
    kind === 'boolean'
      ? 'REG_DWORD 1/0'
      : kind === 'number'
        ? 'REG_DWORD'
        : kind === 'list'
          ? 'REG_MULTI_SZ'
          : 'REG_SZ';
  rows.push(`| \`${key}\` | ${type} | ${shown} | ${reg} | ${MEANINGS[key]} |`);
}

/** The table between the markers of docs/deployment.md, written anew (prettier formats it after). */
export function writeSettingsTable(doc: string): void {
  const text = fs.readFileSync(doc, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${doc} has no settings-table markers`);
  fs.writeFileSync(doc, `${text.slice(0, start + START.length)}\n\n${rows.join('\n')}\n\n${text.slice(end)}`);
}
