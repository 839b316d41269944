/* eslint-disable @typescript-eslint/no-explicit-any -- reads zod's internal definitions of the settings schema */
/**
 * `npm run policy-templates`: writes the Group Policy templates (assets/policy/windows) from the
 * settings schema, its defaults and the texts in texts.ts, and the settings table of
 * docs/deployment.md (table.ts). Run it after adding or changing a setting: the unit tests
 * (tests/unit/os-policy.test.ts) fail while the templates miss a key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Settings, SETTING_KEYS, settingSchema, type SettingKey } from '../../src/contract/settings.js';
import { DEFAULT_SETTINGS } from '../../src/config/defaults.js';
import { settingKind } from '../../src/config/os-policy.js';
import { writeSettingsTable } from './table.js';
import { CATEGORIES, TEXTS } from './texts.js';

const ROOT = 'SOFTWARE\\Policies\\Headset Softphone';
const REQUIRED = new Set(['sip.wsUrl', 'sip.user', 'sip.domain', 'phone.defaultRegion']);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const escText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const id = (key: string) => key.replace('.', '_');

function choices(key: SettingKey): (string | number)[] | undefined {
  const def = (settingSchema(key) as any).def;
  if (def.type === 'enum') return Object.values(def.entries);
  if (def.type === 'union') return def.options.map((o: any) => o.def.values[0]);
  return undefined;
}
function defaultOf(key: SettingKey): unknown {
  const [s, f] = key.split('.') as [string, string];
  return (DEFAULT_SETTINGS as any)[s][f];
}

const admxPolicies: string[] = [];
const strings: [string, string][] = [];
const presentations: string[] = [];

strings.push(['HeadsetSoftphone', 'Headset Softphone']);
strings.push(['SUPPORTED_HeadsetSoftphone_0_1', 'Headset Softphone 0.1 and later']);
for (const [section, name] of Object.entries(CATEGORIES)) strings.push([`HeadsetSoftphone_${section}`, name]);
const sections = Object.keys(Settings.shape);
for (const s of sections) if (!CATEGORIES[s]) throw new Error(`no category text for ${s}`);

const missing = SETTING_KEYS.filter((k) => !TEXTS[k]);
if (missing.length) throw new Error(`no texts for ${missing.join(', ')}`);

for (const key of SETTING_KEYS) {
  const [section, field] = key.split('.') as [string, string];
  const t = TEXTS[key]!;
  const kind = settingKind(key);
  const schema = settingSchema(key) as any;
  const pid = id(key);
  const def = defaultOf(key);
  const keyAttr = `${ROOT}\\${section}`;
  let defaultText: string;
  let element = '';
  let presentation = '';
  let registryType: string;
  const opts = choices(key);
  if (kind === 'boolean') {
    defaultText = def ? 'on' : 'off';
    registryType = 'REG_DWORD, 1 when enabled and 0 when disabled';
  } else if (opts) {
    if (!t.items) throw new Error(`no item texts for ${key}`);
    const items = opts.map((v) => {
      const label = t.items![String(v)];
      if (!label) throw new Error(`no item text for ${key} ${v}`);
      const sid = `${pid}_${v}`;
      strings.push([sid, label]);
      const val = typeof v === 'number' ? `<decimal value="${v}" />` : `<string>${esc(v)}</string>`;
      return `          <item displayName="$(string.${sid})"><value>${val}</value></item>`;
    });
    element = `        <enum id="${pid}" valueName="${field}" required="true">\n${items.join('\n')}\n        </enum>`;
    const index = opts.indexOf(def as never);
    presentation = `      <dropdownList refId="${pid}" noSort="true" defaultItem="${index}">${esc(t.label!)}</dropdownList>`;
    defaultText = `"${t.items[String(def)]}"`;
    registryType = typeof opts[0] === 'number' ? 'REG_DWORD' : 'REG_SZ';
  } else if (kind === 'number') {
    element = `        <decimal id="${pid}" valueName="${field}" required="true" minValue="${schema.minValue}" maxValue="${schema.maxValue}" />`;
    presentation = `      <decimalTextBox refId="${pid}" defaultValue="${def}">${esc(t.label!)}</decimalTextBox>`;
    defaultText = String(def);
    registryType = 'REG_DWORD';
  } else if (kind === 'list') {
    element = `        <multiText id="${pid}" valueName="${field}" required="true" />`;
    presentation = `      <multiTextBox refId="${pid}">${esc(t.label!)}</multiTextBox>`;
    defaultText = (def as string[]).join(', ');
    registryType = 'REG_MULTI_SZ';
  } else if (kind === 'text') {
    const max = key === 'phone.defaultRegion' ? 2 : schema.maxLength;
    element = `        <text id="${pid}" valueName="${field}"${REQUIRED.has(key) ? ' required="true"' : ''}${max ? ` maxLength="${max}"` : ''} />`;
    const dv = def ? `<defaultValue>${esc(String(def))}</defaultValue>` : '';
    presentation = `      <textBox refId="${pid}">\n        <label>${esc(t.label!)}</label>${dv ? `\n        ${dv}` : ''}\n      </textBox>`;
    defaultText = def === '' ? 'empty' : String(def);
    registryType = 'REG_SZ';
  } else throw new Error(`kind ${kind} of ${key}`);

  const lockNote =
    'Agents can still change it in the settings unless it is also listed in the policy "Settings the agent cannot change".';
  const tail =
    kind === 'boolean'
      ? `The built-in default is ${defaultText}.\n\nIf this policy is not configured, the agent's own choice is used, or the built-in default. ${lockNote}`
      : `The built-in default is ${defaultText}.\n\nIf this policy is disabled or not configured, the agent's own value is used, or the built-in default. ${lockNote}`;
  const explain = `${t.explain}\n\n${tail}\n\nSetting name: ${key} (the same name as in policy.json). Registry: HKLM\\${keyAttr}, value ${field} (${registryType}).`;
  strings.push([pid, t.name]);
  strings.push([`${pid}_Explain`, explain]);
  const head = `    <policy name="${pid}" class="Machine" displayName="$(string.${pid})" explainText="$(string.${pid}_Explain)"${presentation ? ` presentation="$(presentation.${pid})"` : ''} key="${esc(keyAttr)}"${kind === 'boolean' ? ` valueName="${field}"` : ''}>`;
  const body = [
    `      <parentCategory ref="HeadsetSoftphone_${section}" />`,
    `      <supportedOn ref="SUPPORTED_HeadsetSoftphone_0_1" />`,
  ];
  if (kind === 'boolean') {
    body.push(
      '      <enabledValue>',
      '        <decimal value="1" />',
      '      </enabledValue>',
      '      <disabledValue>',
      '        <decimal value="0" />',
      '      </disabledValue>',
    );
  } else {
    body.push('      <elements>', element, '      </elements>');
  }
  admxPolicies.push([head, ...body, '    </policy>'].join('\n'));
  if (presentation) presentations.push(`    <presentation id="${pid}">\n${presentation}\n    </presentation>`);
}

// The locked list.
strings.push(['LockedSettings', 'Settings the agent cannot change']);
strings.push([
  'LockedSettings_Explain',
  'Lists the settings agents cannot change in the softphone. Enter one setting name per line, as shown at the end of the explanation of each policy, for example sip.wsUrl or calls.autoAnswer.\n\nA locked setting keeps the value a policy gives it (here in Group Policy, or in a policy.json file on the computer). If no policy gives it a value, agents get the built-in default. The settings screen shows a locked setting as set by IT and does not let agents edit it.\n\nIf this policy is disabled or not configured, Group Policy locks no settings (a policy.json file on the computer may still lock some).\n\nRegistry: HKLM\\SOFTWARE\\Policies\\Headset Softphone\\Locked, one REG_SZ value per locked setting, whose name and data are the setting name.',
]);
admxPolicies.unshift(
  [
    `    <policy name="LockedSettings" class="Machine" displayName="$(string.LockedSettings)" explainText="$(string.LockedSettings_Explain)" presentation="$(presentation.LockedSettings)" key="${ROOT}\\Locked">`,
    '      <parentCategory ref="HeadsetSoftphone" />',
    '      <supportedOn ref="SUPPORTED_HeadsetSoftphone_0_1" />',
    '      <elements>',
    `        <list id="LockedSettings_List" key="${ROOT}\\Locked" />`,
    '      </elements>',
    '    </policy>',
  ].join('\n'),
);
presentations.unshift(
  '    <presentation id="LockedSettings">\n      <listBox refId="LockedSettings_List">Setting names (one per line):</listBox>\n    </presentation>',
);

const categories = [
  '    <category name="HeadsetSoftphone" displayName="$(string.HeadsetSoftphone)" />',
  ...sections.map(
    (s) =>
      `    <category name="HeadsetSoftphone_${s}" displayName="$(string.HeadsetSoftphone_${s})">\n      <parentCategory ref="HeadsetSoftphone" />\n    </category>`,
  ),
];

const admx = `<?xml version="1.0" encoding="utf-8"?>
<!--
  Group Policy template for Headset Softphone (machine policies).
  Copy this file to C:\\Windows\\PolicyDefinitions (or the domain's central store,
  \\\\<domain>\\SYSVOL\\<domain>\\Policies\\PolicyDefinitions) and en-US\\HeadsetSoftphone.adml
  to the en-US folder there. See docs/deployment.md.

  Every policy writes under HKLM\\${ROOT}: one subkey per section of settings
  (sip, calls, ...), one value per setting named as in policy.json; the "Locked"
  subkey lists the settings agents cannot change. Keep it in step with
  src/contract/settings.ts: tests/unit/os-policy.test.ts fails when a setting is missing.
-->
<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">
  <policyNamespaces>
    <target prefix="headsetsoftphone" namespace="HeadsetSoftphone.Policies" />
  </policyNamespaces>
  <resources minRequiredRevision="1.0" />
  <supportedOn>
    <definitions>
      <definition name="SUPPORTED_HeadsetSoftphone_0_1" displayName="$(string.SUPPORTED_HeadsetSoftphone_0_1)" />
    </definitions>
  </supportedOn>
  <categories>
${categories.join('\n')}
  </categories>
  <policies>
${admxPolicies.join('\n')}
  </policies>
</policyDefinitions>
`;

const adml = `<?xml version="1.0" encoding="utf-8"?>
<!-- English (United States) texts for HeadsetSoftphone.admx. -->
<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">
  <displayName>Headset Softphone</displayName>
  <description>Machine policies for the Headset Softphone desktop app: the phone server, calls, call guidance and the agent's working day.</description>
  <resources>
    <stringTable>
${strings.map(([k, v]) => `      <string id="${k}">${escText(v)}</string>`).join('\n')}
    </stringTable>
    <presentationTable>
${presentations.join('\n')}
    </presentationTable>
  </resources>
</policyDefinitionResources>
`;

const windows = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'assets', 'policy', 'windows');
fs.mkdirSync(path.join(windows, 'en-US'), { recursive: true });
fs.writeFileSync(path.join(windows, 'HeadsetSoftphone.admx'), admx);
fs.writeFileSync(path.join(windows, 'en-US', 'HeadsetSoftphone.adml'), adml);
writeSettingsTable(path.join(windows, '..', '..', '..', 'docs', 'deployment.md'));
console.log(
  `Written: the Group Policy templates and the settings table of docs/deployment.md (${SETTING_KEYS.length} settings). Run prettier on docs/deployment.md.`,
);
