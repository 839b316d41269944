/**
 * Machine policy from the operating system (issue 9): Group Policy's registry values on Windows and
 * a configuration profile's managed preferences on macOS become the policy file's shape, so that the
 * policy file's own checks (readPolicyFile) apply unchanged. The Group Policy templates are checked
 * against the settings schema, so that a new setting cannot be left out of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SETTING_KEYS, settingSchema, type SettingKey } from '../../src/contract/settings.js';
import { DEFAULT_SETTINGS } from '../../src/config/defaults.js';
import { readPolicyFile } from '../../src/config/layers.js';
import {
  MANAGED_PREFERENCES_DOMAIN,
  POLICY_REGISTRY_KEY,
  parseManagedPlist,
  parseRegQuery,
  settingKind,
} from '../../src/config/os-policy.js';
import { tempDir, writeJson } from '../support/tmp.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ADMX = fs.readFileSync(path.join(ROOT, 'assets/policy/windows/HeadsetSoftphone.admx'), 'utf8');
const ADML = fs.readFileSync(path.join(ROOT, 'assets/policy/windows/en-US/HeadsetSoftphone.adml'), 'utf8');
const MOBILECONFIG = fs.readFileSync(
  path.join(ROOT, 'assets/policy/macos/org.headset-softphone.desktop.mobileconfig'),
  'utf8',
);

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('os-policy-')));
afterEach(() => cleanup());

/** What the app would make of `data` if it were the policy file: the existing checks, unchanged. */
function asPolicyFile(data: unknown) {
  const file = writeJson(path.join(dir, 'policy.json'), data);
  const { values, locked, problems } = readPolicyFile(file);
  return { values, locked, problems: problems.map(({ key, message, detail }) => ({ key, message, detail })) };
}

const HKLM = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Headset Softphone';

/** `reg query … /s` as Windows prints it: CRLF, a blank line before each key, four-space columns. */
function regOutput(keys: [string, string[]][]): string {
  return keys
    .map(([key, values]) => ['', key ? `${HKLM}\\${key}` : HKLM, ...values.map((value) => `    ${value}`)].join('\r\n'))
    .concat('', '')
    .join('\r\n');
}

// What `reg query "HKLM\SOFTWARE\Policies\Headset Softphone" /s` printed on a desk managed by Group Policy.
const DESK_REG_QUERY = [
  '',
  HKLM,
  '',
  `${HKLM}\\calls`,
  '    autoAnswer    REG_DWORD    0x1',
  '    declineCode    REG_DWORD    0x25b',
  '    dtmfMethod    REG_SZ    info',
  '    confirmLinks    REG_DWORD    0x0',
  '',
  `${HKLM}\\crm`,
  '    url    REG_SZ    https://crm.example.com/sync/v1',
  '    pullIntervalSeconds    REG_DWORD    0x3c',
  '',
  `${HKLM}\\Locked`,
  '    sip.wsUrl    REG_SZ    sip.wsUrl',
  '    sip.domain    REG_SZ    sip.domain',
  '    calls.autoAnswer    REG_SZ    calls.autoAnswer',
  '',
  `${HKLM}\\sip`,
  '    wsUrl    REG_SZ    wss://pbx.example.com/ws',
  '    wsUrlSecondary    REG_SZ    ',
  '    domain    REG_SZ    pbx.example.com',
  '',
  `${HKLM}\\work`,
  '    notReadyReasons    REG_MULTI_SZ    Training\\0Team meeting\\0Coaching',
  '    wrapUpSeconds    REG_DWORD    0x0',
  '',
  '',
].join('\r\n');

describe('Group Policy: reg query output', () => {
  it('reads sections, numbers, on/off values, lists and the locked settings', () => {
    const { data, problems } = parseRegQuery(DESK_REG_QUERY);
    expect(problems).toEqual([]);
    expect(data).toEqual({
      settings: {
        calls: { autoAnswer: true, declineCode: 603, dtmfMethod: 'info', confirmLinks: false },
        crm: { url: 'https://crm.example.com/sync/v1', pullIntervalSeconds: 60 },
        sip: { wsUrl: 'wss://pbx.example.com/ws', wsUrlSecondary: '', domain: 'pbx.example.com' },
        work: { notReadyReasons: ['Training', 'Team meeting', 'Coaching'], wrapUpSeconds: 0 },
      },
      locked: ['sip.wsUrl', 'sip.domain', 'calls.autoAnswer'],
    });
    // The policy file's checks accept it as it is.
    const policy = asPolicyFile(data);
    expect(policy.problems).toEqual([]);
    expect(policy.values).toMatchObject({
      'calls.autoAnswer': true,
      'calls.declineCode': 603,
      'work.wrapUpSeconds': 0,
    });
    expect(policy.locked).toEqual(['sip.wsUrl', 'sip.domain', 'calls.autoAnswer']);
  });

  it('takes LF endings, the short hive name, an "End of search" line and names in any case', () => {
    const output = [
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\POLICIES\\HEADSET SOFTPHONE\\SIP',
      '    WSURL    REG_SZ    wss://pbx.example.com/ws',
      '    User    REG_DWORD    0x3e9',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Headset Softphone\\LOCKED',
      '    1    REG_SZ    SIP.WSURL',
      'End of search: 3 match(es) found.',
    ].join('\n');
    const { data, problems } = parseRegQuery(output, 'HKLM\\Software\\Policies\\Headset Softphone');
    expect(problems).toEqual([]);
    // A DWORD for a text setting is read as its digits: an extension typed as a number still works.
    expect(data).toEqual({
      settings: { sip: { wsUrl: 'wss://pbx.example.com/ws', user: '1001' } },
      locked: ['sip.wsUrl'],
    });
    expect(asPolicyFile(data).problems).toEqual([]);
  });

  it('passes unknown sections, settings and locked names on, for the checks to name them', () => {
    const output = regOutput([
      ['sip', ['transport    REG_SZ    tcp']],
      ['video', ['codec    REG_SZ    vp8']],
      ['sip\\extra', ['x    REG_DWORD    0x1']],
      ['Locked', ['sip.nothing    REG_SZ    sip.nothing']],
    ]);
    const { data, problems } = parseRegQuery(output);
    expect(problems).toEqual([]);
    expect(data).toEqual({
      settings: { sip: { transport: 'tcp', extra: { x: 1 } }, video: { codec: 'vp8' } },
      locked: ['sip.nothing'],
    });
    expect(asPolicyFile(data).problems).toEqual([
      { key: 'settings.sip.transport', message: 'problem.unknownSetting' },
      { key: 'settings.sip.extra', message: 'problem.unknownSetting' },
      { key: 'settings.video.codec', message: 'problem.unknownSetting' },
      { key: 'locked', message: 'problem.lockedUnknown', detail: 'sip.nothing' },
    ]);
  });

  it("converts by the setting's type only where it fits, and leaves the rest to the checks", () => {
    const output = regOutput([
      ['calls', ['autoAnswer    REG_DWORD    0x2', 'declineCode    REG_SZ    603']],
      ['crm', ['pullIntervalSeconds    REG_SZ    30']],
      ['guidance', ['holdReminderSeconds    REG_DWORD    0x5']],
      ['work', ['notReadyReasons    REG_MULTI_SZ    ', 'wrapUpExpiry    REG_DWORD    0x1']],
    ]);
    const { data, problems } = parseRegQuery(output);
    expect(problems).toEqual([]);
    expect(data).toEqual({
      settings: {
        calls: { autoAnswer: 2, declineCode: '603' },
        crm: { pullIntervalSeconds: '30' },
        guidance: { holdReminderSeconds: 5 },
        work: { notReadyReasons: [], wrapUpExpiry: '1' },
      },
      locked: [],
    });
    expect(asPolicyFile(data).problems).toEqual([
      { key: 'settings.calls.autoAnswer', message: 'invalid.boolean' },
      { key: 'settings.calls.declineCode', message: 'invalid.declineCode' },
      { key: 'settings.crm.pullIntervalSeconds', message: 'invalid.number' },
      { key: 'settings.guidance.holdReminderSeconds', message: 'invalid.range' },
      { key: 'settings.work.notReadyReasons', message: 'invalid.required' },
      { key: 'settings.work.wrapUpExpiry', message: 'invalid.choice' },
    ]);
  });

  it('names what it cannot read, with its line, and keeps the rest', () => {
    const output = [
      '    stray    REG_SZ    x', // 1: before any key
      HKLM, // 2
      '    wsUrl    REG_SZ    wss://misplaced.example/ws', // 3: a value of the policy key itself
      '    (Default)    REG_SZ    (value not set)', // 4: what reg prints for an empty default: skipped
      `${HKLM}\\sip`, // 5
      '    domain    REG_SZ    pbx.example.com', // 6
      '    user    REG_BINARY    31303031', // 7
      '    authUser    REG_DWORD    lots', // 8
      'this is not reg output', // 9
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Other', // 10
      '    wsUrl    REG_SZ    wss://other.example/ws', // 11: under a foreign key: ignored with it
      `${HKLM}\\Locked`, // 12
      '    sip.domain    REG_DWORD    0x1', // 13
      '    empty    REG_SZ    ', // 14
      `${HKLM}\\Locked\\deeper`, // 15
    ].join('\r\n');
    const { data, problems } = parseRegQuery(output);
    expect(data).toEqual({ settings: { sip: { domain: 'pbx.example.com' } }, locked: [] });
    expect(problems).toEqual([
      'Line 1: a value comes before any registry key; it was ignored.',
      'Line 9 is not a registry key or value as reg query prints them: "this is not reg output".',
      `Line 10: the key HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Other is not below ${HKLM}; its values were ignored.`,
      `${HKLM} has a value "wsUrl" of its own: settings belong in a subkey named after their section (for example sip), so it was ignored.`,
      'The registry value sip\\user (line 7) is REG_BINARY: only REG_SZ, REG_DWORD and REG_MULTI_SZ values are read, so it was ignored.',
      'The registry value sip\\authUser (line 8) is REG_DWORD but "lots" is not a number.',
      'The registry value Locked\\sip.domain (line 13) is REG_DWORD: a locked setting is a REG_SZ value whose data is its name (for example sip.wsUrl), so it was ignored.',
      'The registry value Locked\\empty (line 14) is empty: its data must be the name of a setting, such as sip.wsUrl.',
      'The registry key Locked\\deeper is not read: Locked holds values only, so it was ignored.',
    ]);
  });

  it('a value or key named __proto__ stays an ordinary name', () => {
    const { data } = parseRegQuery(
      regOutput([
        ['__proto__', ['polluted    REG_SZ    yes']],
        ['sip', ['__proto__    REG_SZ    x']],
      ]),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys((data as { settings: object }).settings)).toEqual(['__proto__', 'sip']);
    const plist = parseManagedPlist(
      '<plist><dict><key>__proto__</key><dict><key>polluted</key><true/></dict></dict></plist>',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(plist.data as object)).toEqual(['__proto__']);
  });

  it('an error from reg, empty output and no text at all: no policy, never a throw', () => {
    expect(parseRegQuery('ERROR: The system was unable to find the specified registry key or value.\r\n')).toEqual({
      data: undefined,
      problems: [
        'reg query reported an error: ERROR: The system was unable to find the specified registry key or value.',
      ],
    });
    expect(parseRegQuery('')).toEqual({ data: { settings: {}, locked: [] }, problems: [] });
    expect(parseRegQuery('\r\n\r\n')).toEqual({ data: { settings: {}, locked: [] }, problems: [] });
    expect(parseRegQuery(undefined as unknown as string)).toEqual({
      data: undefined,
      problems: ['The output of reg query is not text.'],
    });
    for (let cut = 0; cut < DESK_REG_QUERY.length; cut += 7) {
      expect(() => parseRegQuery(DESK_REG_QUERY.slice(0, cut))).not.toThrow();
    }
  });
});

// /Library/Managed Preferences/org.headset-softphone.desktop.plist, as a profile leaves it.
const MANAGED_PLIST = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>locked</key>
	<array>
		<string>sip.wsUrl</string>
		<string>sip.domain</string>
		<string>phone.defaultRegion</string>
	</array>
	<key>settings</key>
	<dict>
		<key>calls</key>
		<dict>
			<key>autoAnswer</key>
			<false/>
			<key>declineCode</key>
			<integer>603</integer>
		</dict>
		<key>phone</key>
		<dict>
			<key>defaultRegion</key>
			<string>GB</string>
		</dict>
		<key>sip</key>
		<dict>
			<key>displayName</key>
			<string>Smith &amp; Sons &#x2014; Sales</string>
			<key>domain</key>
			<string>pbx.example.com</string>
			<key>wsUrl</key>
			<string>wss://pbx.example.com/ws</string>
		</dict>
		<key>work</key>
		<dict>
			<key>breakReminderMinutes</key>
			<real>45.0</real>
			<key>notReadyReasons</key>
			<array>
				<string>Training</string>
				<string>Meeting</string>
			</array>
		</dict>
	</dict>
</dict>
</plist>
`;

describe('macOS: managed preferences plist', () => {
  it('reads the JSON shape, with entities, reals and booleans', () => {
    const { data, problems } = parseManagedPlist(MANAGED_PLIST);
    expect(problems).toEqual([]);
    expect(data).toEqual({
      locked: ['sip.wsUrl', 'sip.domain', 'phone.defaultRegion'],
      settings: {
        calls: { autoAnswer: false, declineCode: 603 },
        phone: { defaultRegion: 'GB' },
        sip: { displayName: 'Smith & Sons — Sales', domain: 'pbx.example.com', wsUrl: 'wss://pbx.example.com/ws' },
        work: { breakReminderMinutes: 45, notReadyReasons: ['Training', 'Meeting'] },
      },
    });
    const policy = asPolicyFile(data);
    expect(policy.problems).toEqual([]);
    expect(policy.locked).toEqual(['sip.wsUrl', 'sip.domain', 'phone.defaultRegion']);
  });

  it('empty elements, comments, negative integers and a byte-order mark', () => {
    const xml =
      '\uFEFF<?xml version="1.0"?><plist version="1.0"><!-- c --><dict><key>a</key><string/>' +
      '<key>b</key><dict/><key>c</key><array/><key>d</key><integer>-4</integer><key>e</key><true></true></dict></plist>';
    expect(parseManagedPlist(xml)).toEqual({ data: { a: '', b: {}, c: [], d: -4, e: true }, problems: [] });
    expect(parseManagedPlist('  \n')).toEqual({ data: {}, problems: [] });
  });

  it('passes unknown entries and wrong types on, for the checks to name them', () => {
    const xml = `<plist version="1.0"><dict>
      <key>settings</key><dict>
        <key>calls</key><dict><key>autoAnswer</key><integer>1</integer></dict>
        <key>video</key><dict><key>codec</key><string>vp8</string></dict>
      </dict>
      <key>locked</key><array><string>calls.nothing</string></array>
      <key>PayloadUUID</key><string>x</string>
    </dict></plist>`;
    const { data, problems } = parseManagedPlist(xml);
    expect(problems).toEqual([]);
    expect(asPolicyFile(data).problems).toEqual([
      { key: 'settings.calls.autoAnswer', message: 'invalid.boolean' },
      { key: 'settings.video.codec', message: 'problem.unknownSetting' },
      { key: 'PayloadUUID', message: 'problem.unknownPolicyEntry' },
      { key: 'locked', message: 'problem.lockedUnknown', detail: 'calls.nothing' },
    ]);
    // A top-level array is passed on too: the checks say the policy must be an object.
    expect(asPolicyFile(parseManagedPlist('<plist><array/></plist>').data).problems).toEqual([
      { message: 'problem.policyNotObject' },
    ]);
  });

  it.each([
    [
      'bplist00\u0000\u0001',
      'is in the binary format; only XML property lists are read (convert it with: plutil -convert xml1 -o - <file>).',
    ],
    ['{ "settings": {} }', 'has "{ "settings": {} }" where an element was expected (line 1).'],
    ['<?xml version="1.0"?>\n<dict></dict>', 'must start with <plist>, not <dict> (line 2).'],
    ['<plist version="1.0">\n<dict>\n<key>a</key>\n<string>x</string>\n', 'has a <dict> that is not closed (line 2).'],
    ['<plist><dict><key>a</key></dict></plist>', 'has the key "a" without a value (line 1).'],
    [
      '<plist><dict><key>a</key><true/><key>a</key><false/></dict></plist>',
      'has the key "a" twice in one <dict> (line 1).',
    ],
    ['<plist><dict><string>a</string></dict></plist>', 'has <string> in a <dict> where a <key> was expected (line 1).'],
    [
      '<plist><dict><key>a</key><date>2026-01-01T00:00:00Z</date></dict></plist>',
      'has a <date> value, which no setting uses (line 1).',
    ],
    ['<plist><data>AAEC</data></plist>', 'has a <data> value, which no setting uses (line 1).'],
    ['<plist><integer>3.5</integer></plist>', 'has an <integer> that is not a whole number: "3.5" (line 1).'],
    [
      '<plist><integer>99999999999999999999</integer></plist>',
      'has an <integer> that is not a whole number: "99999999999999999999" (line 1).',
    ],
    ['<plist><real>fast</real></plist>', 'has a <real> that is not a number: "fast" (line 1).'],
    [
      '<plist><string>a &nbsp; b</string></plist>',
      'has an "&" that does not start a known entity such as &amp; (line 1).',
    ],
    ['<plist><string>a<b/></string></plist>', 'has <b/> inside a <string>, where only text may be (line 1).'],
    ['<plist><string>open', 'has a <string> that is not closed (line 1).'],
    ['<plist><true>x</true></plist>', 'has <true> that is not closed (line 1).'],
    ['<plist><widget/></plist>', 'has an element <widget> that is not part of a property list (line 1).'],
    [
      '<plist><string>a</string><string>b</string></plist>',
      'must hold one value only: found <string> where </plist> was expected (line 1).',
    ],
    ['<plist><string>a</string></plist>\ntrailing', 'has text after </plist> (line 2).'],
    ['<plist/>', 'holds no value: <plist/> is empty (line 1).'],
    ['<plist><!-- never closed <string>a</string></plist>', 'has a comment that is not closed (line 1).'],
  ])('refuses %j with a clear problem', (xml, problem) => {
    expect(parseManagedPlist(xml)).toEqual({ data: undefined, problems: [`The property list ${problem}`] });
  });

  it('never throws, wherever the text is cut', () => {
    for (let cut = 0; cut < MANAGED_PLIST.length; cut += 3) {
      const result = parseManagedPlist(MANAGED_PLIST.slice(0, cut));
      // Either something was read, or exactly one problem says why not.
      expect(result.data !== undefined || result.problems.length === 1, `cut at ${cut}`).toBe(true);
    }
    expect(parseManagedPlist(42 as unknown as string)).toEqual({
      data: undefined,
      problems: ['The property list is not text.'],
    });
  });
});

// ---------------------------------------------------------------------------------------------

/** The attributes of an XML start tag. */
function attributes(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([\w:]+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
}

interface AdmxPolicy {
  attrs: Record<string, string>;
  body: string;
}

const POLICY_KEY = 'SOFTWARE\\Policies\\Headset Softphone';
const policies: AdmxPolicy[] = [...ADMX.matchAll(/<policy\s([^>]*)>([\s\S]*?)<\/policy>/g)].map((match) => ({
  attrs: attributes(match[1]!),
  body: match[2]!,
}));
const settingPolicies = policies.filter((policy) => policy.attrs.name !== 'LockedSettings');

/** The setting a policy writes, from its key (the section) and its value name. */
function settingOf(policy: AdmxPolicy): {
  key: string;
  element?: { kind: string; attrs: Record<string, string>; body: string };
} {
  const section = policy.attrs.key!.slice(POLICY_KEY.length + 1);
  if (policy.attrs.valueName) return { key: `${section}.${policy.attrs.valueName}` };
  const element = /<(text|decimal|enum|multiText|boolean|list)\s([^>]*?)\/?>([\s\S]*?<\/enum>)?/.exec(policy.body)!;
  const attrs = attributes(element[2]!);
  return { key: `${section}.${attrs.valueName}`, element: { kind: element[1]!, attrs, body: element[3] ?? '' } };
}

function defaultOf(key: SettingKey): unknown {
  const [section, field] = key.split('.') as [keyof typeof DEFAULT_SETTINGS, string];
  return (DEFAULT_SETTINGS[section] as Record<string, unknown>)[field];
}

describe('the Group Policy templates', () => {
  it('have a policy for every setting, and for nothing else', () => {
    const keys = settingPolicies.map((policy) => settingOf(policy).key);
    expect([...keys].sort()).toEqual([...SETTING_KEYS].sort());
    for (const policy of policies) {
      expect(policy.attrs.class).toBe('Machine');
      expect(policy.attrs.key === POLICY_KEY || policy.attrs.key!.startsWith(`${POLICY_KEY}\\`)).toBe(true);
    }
  });

  it("write each setting with the element its type needs, within the schema's limits", () => {
    for (const policy of settingPolicies) {
      const { key, element } = settingOf(policy);
      const schema = settingSchema(key as SettingKey) as unknown as {
        def: { type: string; entries?: Record<string, string>; options?: { def: { values: unknown[] } }[] };
        minValue?: number;
        maxValue?: number;
        maxLength?: number | null;
      };
      const kind = settingKind(key as SettingKey);
      const choices =
        schema.def.type === 'enum'
          ? Object.values(schema.def.entries!)
          : schema.def.type === 'union'
            ? schema.def.options!.map((option) => option.def.values[0])
            : undefined;
      if (kind === 'boolean') {
        // On/off settings are the policy's own state: Enabled writes 1, Disabled 0.
        expect(policy.body, key).toMatch(/<enabledValue>\s*<decimal value="1" \/>\s*<\/enabledValue>/);
        expect(policy.body, key).toMatch(/<disabledValue>\s*<decimal value="0" \/>\s*<\/disabledValue>/);
        expect(element, key).toBeUndefined();
      } else if (choices) {
        expect(element?.kind, key).toBe('enum');
        const written = [
          ...element!.body.matchAll(/<value>\s*(?:<string>([^<]*)<\/string>|<decimal value="(\d+)" \/>)/g),
        ].map((match) => (match[1] !== undefined ? match[1] : Number(match[2])));
        expect(written, key).toEqual(choices);
      } else if (kind === 'number') {
        expect(element?.kind, key).toBe('decimal');
        expect(Number(element!.attrs.minValue), key).toBe(schema.minValue);
        expect(Number(element!.attrs.maxValue), key).toBe(schema.maxValue);
      } else if (kind === 'list') {
        expect(element?.kind, key).toBe('multiText');
      } else {
        expect(kind, key).toBe('text');
        expect(element?.kind, key).toBe('text');
        if (schema.maxLength) expect(Number(element!.attrs.maxLength), key).toBeLessThanOrEqual(schema.maxLength);
      }
    }
  });

  it('lock settings through a list that writes the Locked subkey, value names as the data', () => {
    const locked = policies.find((policy) => policy.attrs.name === 'LockedSettings')!;
    const list = attributes(/<list\s([^>]*)\/>/.exec(locked.body)![1]!);
    expect(list.key).toBe(`${POLICY_KEY}\\Locked`);
    // Without valuePrefix or explicitValue Group Policy names each value after its data.
    expect(list.valuePrefix).toBeUndefined();
    expect(list.explicitValue).toBeUndefined();
    expect(`HKLM\\${POLICY_KEY}`).toBe(POLICY_REGISTRY_KEY);
  });

  it('give every string and presentation the template refers to an English text', () => {
    const strings = new Set([...ADML.matchAll(/<string id="([^"]+)">/g)].map((match) => match[1]));
    const presentations = new Map(
      [...ADML.matchAll(/<presentation id="([^"]+)">([\s\S]*?)<\/presentation>/g)].map((match) => [
        match[1],
        match[2]!,
      ]),
    );
    for (const [, id] of ADMX.matchAll(/\$\(string\.([^)]+)\)/g)) expect(strings.has(id), id).toBe(true);
    for (const policy of policies) {
      const presentation = /\$\(presentation\.([^)]+)\)/.exec(policy.attrs.presentation ?? '')?.[1];
      const ids = [...policy.body.matchAll(/<(?:text|decimal|enum|multiText|list)\s[^>]*id="([^"]+)"/g)].map(
        (m) => m[1],
      );
      if (!presentation) {
        expect(ids, policy.attrs.name).toEqual([]);
        continue;
      }
      const refs = [...presentations.get(presentation)!.matchAll(/refId="([^"]+)"/g)].map((match) => match[1]);
      expect(refs, policy.attrs.name).toEqual(ids);
    }
    expect(ADMX).toContain('schemaVersion="1.0"');
    expect(ADMX).toContain('namespace="HeadsetSoftphone.Policies"');
  });

  it('round trip: what the templates write with every setting at its default reads back as the defaults', () => {
    const keys = new Map<string, string[]>();
    const add = (section: string, line: string) => keys.set(section, [...(keys.get(section) ?? []), line]);
    for (const policy of settingPolicies) {
      const { key, element } = settingOf(policy);
      const [section, field] = key.split('.') as [string, string];
      const value = defaultOf(key as SettingKey);
      const hex = (n: number) => `0x${n.toString(16)}`;
      if (!element) add(section, `${field}    REG_DWORD    ${hex(value ? 1 : 0)}`);
      else if (element.kind === 'multiText')
        add(section, `${field}    REG_MULTI_SZ    ${(value as string[]).join('\\0')}`);
      else if (typeof value === 'number') add(section, `${field}    REG_DWORD    ${hex(value)}`);
      else add(section, `${field}    REG_SZ    ${String(value)}`);
    }
    add('Locked', 'sip.wsUrl    REG_SZ    sip.wsUrl');
    const { data, problems } = parseRegQuery(regOutput([['', []], ...keys]));
    expect(problems).toEqual([]);
    const policy = asPolicyFile(data);
    expect(policy.problems).toEqual([]);
    expect(Object.keys(policy.values).sort()).toEqual([...SETTING_KEYS].sort());
    for (const key of SETTING_KEYS) expect(policy.values[key], key).toEqual(defaultOf(key));
    expect(policy.locked).toEqual(['sip.wsUrl']);
  });
});

describe('the macOS configuration profile example', () => {
  it('is a plist whose preferences for the app are a valid policy', () => {
    const { data, problems } = parseManagedPlist(MOBILECONFIG);
    expect(problems).toEqual([]);
    const profile = data as {
      PayloadType: string;
      PayloadUUID: string;
      PayloadContent: {
        PayloadType: string;
        PayloadUUID: string;
        PayloadContent: Record<string, { Forced: { mcx_preference_settings: unknown }[] }>;
      }[];
    };
    expect(profile.PayloadType).toBe('Configuration');
    const payload = profile.PayloadContent[0]!;
    expect(payload.PayloadType).toBe('com.apple.ManagedClient.preferences');
    const uuid = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
    expect(profile.PayloadUUID).toMatch(uuid);
    expect(payload.PayloadUUID).toMatch(uuid);
    expect(payload.PayloadUUID).not.toBe(profile.PayloadUUID);
    const preferences = payload.PayloadContent[MANAGED_PREFERENCES_DOMAIN]!.Forced[0]!.mcx_preference_settings;
    const policy = asPolicyFile(preferences);
    expect(policy.problems).toEqual([]);
    expect(policy.values).toMatchObject({
      'sip.wsUrl': 'wss://pbx.example.com/ws',
      'sip.domain': 'pbx.example.com',
      'phone.defaultRegion': 'GB',
    });
    expect(policy.locked).toEqual(expect.arrayContaining(['sip.wsUrl', 'sip.domain', 'phone.defaultRegion']));
  });
});

describe('the deployment guide', () => {
  it('lists every setting', () => {
    const guide = fs.readFileSync(path.join(ROOT, 'docs/deployment.md'), 'utf8');
    // A row of the table of settings: | `sip.wsUrl` | … (prettier pads the cells).
    const rows = new Set([...guide.matchAll(/^\|\s*`([\w.]+)`\s*\|/gm)].map((match) => match[1]));
    for (const key of SETTING_KEYS) expect(rows.has(key), key).toBe(true);
  });
});
