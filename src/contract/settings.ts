import { z } from 'zod';

/** Languages the interface is translated into. */
export const UI_LANGUAGES = ['en', 'it', 'el', 'ru', 'ro'] as const;
export const UiLanguage = z.enum(UI_LANGUAGES, { error: 'invalid.language' });

const wsUrl = z
  .string()
  .trim()
  .regex(/^$|^wss?:\/\/[^\s/]+(\/\S*)?$/, 'invalid.wsUrl');
const hostName = z
  .string()
  .trim()
  .regex(/^$|^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/, 'invalid.hostName');
const sipUser = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._~!$&'()*+,;=%-]*$/, 'invalid.sipUser');
const plainText = (max: number) => z.string().trim().max(max, 'invalid.tooLong');

export const SipSettings = z.object({
  wsUrl,
  /** A second server the line fails over to when the first keeps failing; empty for none. */
  wsUrlSecondary: wsUrl,
  user: sipUser.max(64, 'invalid.tooLong'),
  authUser: sipUser.max(64, 'invalid.tooLong'),
  domain: hostName,
  displayName: plainText(64),
});

export const AgentSettings = z.object({
  name: plainText(80),
  company: plainText(80),
});

export const UiSettings = z.object({
  language: UiLanguage,
});

export const PhoneSettings = z.object({
  defaultRegion: z
    .string()
    .trim()
    .regex(/^[A-Z]{2}$/, 'invalid.region'),
});

export const CallSettings = z.object({
  /** How keypad tones travel during a call: in the audio stream (RFC 4733) or as SIP INFO. */
  dtmfMethod: z.enum(['rfc4733', 'info'], { error: 'invalid.dtmfMethod' }),
  /** What a declined call tells the caller: 486 Busy Here (the PBX may try elsewhere) or 603 Decline. */
  declineCode: z.union([z.literal(486), z.literal(603)], { error: 'invalid.declineCode' }),
  /** A second call during a call: `ring` shows it (answering holds the first), `decline` refuses it at once. */
  callWaiting: z.enum(['ring', 'decline'], { error: 'invalid.callWaiting' }),
  /** Answer by itself when the PBX asks for it (Call-Info answer-after, Alert-Info auto-answer). */
  autoAnswer: z.boolean({ error: 'invalid.boolean' }),
  /** A tel:/sip:/callto: link from another program asks the agent before it dials. */
  confirmLinks: z.boolean({ error: 'invalid.boolean' }),
});

/** Audio devices by their ids as the OS lists them; empty means the system default. */
export const AudioSettings = z.object({
  input: plainText(256),
  output: plainText(256),
  /** Where the ringtone plays: often the PC speaker, so the agent hears it without the headset. */
  ringer: plainText(256),
});

const httpsUrl = z
  .string()
  .trim()
  .max(500, 'invalid.tooLong')
  .regex(/^$|^https?:\/\/[^\s/]+(\/\S*)?$/, 'invalid.httpUrl');

/** The CRM the customer cache syncs with (docs/sync-protocol.md); empty for none. */
export const CrmSettings = z.object({
  url: httpsUrl,
  /** How often to ask the CRM for changes; pushes of the desk's own changes go at once. */
  pullIntervalSeconds: z
    .number({ error: 'invalid.number' })
    .int('invalid.number')
    .min(5, 'invalid.range')
    .max(3600, 'invalid.range'),
});

/** Live call guidance (docs/guidance.md). */
export const GuidanceSettings = z.object({
  /** Pressing Hold first shows what to ask the caller, and holds on a second press (Enter). */
  askBeforeHold: z.boolean({ error: 'invalid.boolean' }),
  /** When the hold reminder comes: time to go back to the caller. */
  holdReminderSeconds: z
    .number({ error: 'invalid.number' })
    .int('invalid.number')
    .min(10, 'invalid.range')
    .max(600, 'invalid.range'),
  /** Phases with a time in the script move on by themselves when it runs out. */
  autoAdvance: z.boolean({ error: 'invalid.boolean' }),
  /** A folder of script files (JSON or YAML) that replace the shipped ones; empty for none. */
  scriptsFolder: plainText(1000),
});

/** The agent's working day: wrap-up, states, callbacks, breaks. */
export const WorkSettings = z.object({
  /** The wrap-up's time limit in seconds; 0 for none. */
  wrapUpSeconds: z
    .number({ error: 'invalid.number' })
    .int('invalid.number')
    .min(0, 'invalid.range')
    .max(3600, 'invalid.range'),
  /** When the wrap-up's time runs out: `stay` warns only; `available` moves on (the draft is kept). */
  wrapUpExpiry: z.enum(['stay', 'available'], { error: 'invalid.choice' }),
  /** An incoming call while not Available: `decline` answers 486 Busy Here; `ring` leaves it to the PBX. */
  whenNotAvailable: z.enum(['decline', 'ring'], { error: 'invalid.choice' }),
  /** The reasons Not ready may have. */
  notReadyReasons: z
    .array(plainText(40).min(1, 'invalid.required'))
    .min(1, 'invalid.required')
    .max(20, 'invalid.range'),
  /** How long before a callback is due its reminder comes, in minutes. */
  callbackReminderMinutes: z
    .number({ error: 'invalid.number' })
    .int('invalid.number')
    .min(0, 'invalid.range')
    .max(240, 'invalid.range'),
  /** A screen break is suggested after this many minutes of work without one; 0 for never. */
  breakReminderMinutes: z
    .number({ error: 'invalid.number' })
    .int('invalid.number')
    .min(0, 'invalid.range')
    .max(480, 'invalid.range'),
});

/**
 * A global hotkey as an Electron accelerator ("CommandOrControl+Shift+F9"): modifiers, then one key.
 * A letter, digit or punctuation key needs a modifier (alone it would steal typing from every app);
 * F-keys and media keys may stand alone. Empty for none.
 */
const MODIFIER = '(?:CommandOrControl|CmdOrCtrl|Command|Cmd|Control|Ctrl|Alt|Option|AltGr|Shift|Super|Meta)';
const FREE_KEY = '(?:F(?:[1-9]|1[0-9]|2[0-4])|MediaPlayPause|MediaNextTrack|MediaPreviousTrack|MediaStop)';
const KEY =
  '(?:[A-Z0-9]|Space|Tab|Backspace|Delete|Insert|Return|Enter|Up|Down|Left|Right|Home|End|PageUp|PageDown|Escape|Esc|Plus|num[0-9])';
const accelerator = z
  .string()
  .trim()
  .max(100, 'invalid.tooLong')
  .regex(new RegExp(`^$|^(?:${MODIFIER}\\+)*${FREE_KEY}$|^(?:${MODIFIER}\\+)+${KEY}$`), 'invalid.hotkey');

/** The desktop app's place on the computer (the web host has none of these). */
export const DesktopSettings = z.object({
  /** Start the app when the agent logs in to the computer. */
  startOnLogin: z.boolean({ error: 'invalid.boolean' }),
  /** Bring the window to the front when a call rings. */
  raiseOnIncoming: z.boolean({ error: 'invalid.boolean' }),
  /** Global hotkeys that work while another program has the focus. */
  hotkeyAnswer: accelerator,
  hotkeyHangup: accelerator,
  hotkeyHold: accelerator,
  hotkeyMute: accelerator,
  /**
   * Linux desks without a keyring: keep the SIP password with Chromium's weak "basic_text" fallback
   * instead of refusing to store it. Counts only when IT's policy sets it and locks it.
   */
  allowWeakKeyring: z.boolean({ error: 'invalid.boolean' }),
});

/**
 * Updates of the desktop app (electron-updater, generic server). IT sets the server and the channel
 * and may turn updates off (MSI deployments update through IT's own tooling). An update is
 * downloaded in the background and installed when the app quits: never during a call.
 */
export const UpdateSettings = z.object({
  enabled: z.boolean({ error: 'invalid.boolean' }),
  channel: z.enum(['latest', 'beta'], { error: 'invalid.choice' }),
  /** The update server's address; empty: no updates (this build has no server of its own). */
  url: httpsUrl,
});

/**
 * Practice mode (docs/demo.md): the desk works on a practice folder of its own (settings, secrets,
 * customer cache and outbox kept apart from the real ones), points at the demo stack, marks every
 * screen as practice and reviews each call. IT may lock it off.
 */
export const PracticeSettings = z.object({
  enabled: z.boolean({ error: 'invalid.boolean' }),
});

/** Every setting the softphone knows, as stored in files and shown in the settings screen. */
export const Settings = z.object({
  sip: SipSettings,
  agent: AgentSettings,
  ui: UiSettings,
  phone: PhoneSettings,
  calls: CallSettings,
  audio: AudioSettings,
  crm: CrmSettings,
  guidance: GuidanceSettings,
  work: WorkSettings,
  desktop: DesktopSettings,
  updates: UpdateSettings,
  practice: PracticeSettings,
});
export type Settings = z.infer<typeof Settings>;

/** A change to some settings: every section and every key is optional. */
export const SettingsPatch = z
  .object({
    sip: SipSettings.partial().strict(),
    agent: AgentSettings.partial().strict(),
    ui: UiSettings.partial().strict(),
    phone: PhoneSettings.partial().strict(),
    calls: CallSettings.partial().strict(),
    audio: AudioSettings.partial().strict(),
    crm: CrmSettings.partial().strict(),
    guidance: GuidanceSettings.partial().strict(),
    work: WorkSettings.partial().strict(),
    desktop: DesktopSettings.partial().strict(),
    updates: UpdateSettings.partial().strict(),
    practice: PracticeSettings.partial().strict(),
  })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/** Dotted names of every setting, e.g. "sip.wsUrl". */
export type SettingKey = {
  [S in keyof Settings]: `${S & string}.${keyof Settings[S] & string}`;
}[keyof Settings];

export const SETTING_KEYS: readonly SettingKey[] = Object.entries(Settings.shape).flatMap(([section, schema]) =>
  Object.keys(schema.shape).map((key) => `${section}.${key}` as SettingKey),
);

export function isSettingKey(key: string): key is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(key);
}

/** The zod schema of one setting, by its dotted name. */
export function settingSchema(key: SettingKey): z.ZodType {
  const [section, field] = key.split('.') as [keyof Settings, string];
  return (Settings.shape[section].shape as Record<string, z.ZodType>)[field]!;
}

/** A complete SIP account is needed before the line can register. */
export function missingAccountFields(settings: Settings): SettingKey[] {
  const required: SettingKey[] = ['sip.wsUrl', 'sip.user', 'sip.domain'];
  return required.filter((key) => {
    const [section, field] = key.split('.') as [keyof Settings, string];
    return !(settings[section] as Record<string, string>)[field];
  });
}

/**
 * Where a configuration problem was found and what is wrong. `message` is a key of the UI's
 * translations (`problem.*` or `invalid.*`), `detail` the parser's own words where there are some.
 */
export const ConfigProblem = z.object({
  layer: z.enum(['policy', 'user']),
  file: z.string(),
  key: z.string().optional(),
  message: z.string(),
  detail: z.string().optional(),
});
export type ConfigProblem = z.infer<typeof ConfigProblem>;

/** What the settings screen shows: the effective values, which are locked by policy, and what was wrong. */
export const SettingsView = z.object({
  values: Settings,
  locked: z.array(z.string()),
  problems: z.array(ConfigProblem),
  hasSipPassword: z.boolean(),
  /** A CRM sync token is in the secret store. */
  hasCrmToken: z.boolean(),
  policyFile: z.string().optional(),
  userFile: z.string(),
  /**
   * Global hotkeys the desktop app could not take: `taken` by another program (or the system),
   * or a `duplicate` of another hotkey of ours. Empty in the web host.
   */
  hotkeyProblems: z.array(z.object({ key: z.string(), reason: z.enum(['taken', 'duplicate']) })).default([]),
});
export type SettingsView = z.infer<typeof SettingsView>;
