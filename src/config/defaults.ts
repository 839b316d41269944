import type { Settings } from '../contract/settings.js';

/** The bottom layer: what a fresh installation starts with before IT or the agent set anything. */
export const DEFAULT_SETTINGS: Settings = {
  sip: { wsUrl: '', wsUrlSecondary: '', user: '', authUser: '', domain: '', displayName: '' },
  agent: { name: '', company: '' },
  ui: { language: 'en' },
  phone: { defaultRegion: 'IT' },
  calls: { dtmfMethod: 'rfc4733', declineCode: 486, callWaiting: 'ring', autoAnswer: false, confirmLinks: true },
  audio: { input: '', output: '', ringer: '' },
  crm: { url: '', pullIntervalSeconds: 30 },
  guidance: { askBeforeHold: true, holdReminderSeconds: 45, autoAdvance: true, scriptsFolder: '' },
  work: {
    wrapUpSeconds: 120,
    wrapUpExpiry: 'stay',
    whenNotAvailable: 'decline',
    notReadyReasons: ['training', 'meeting', 'coaching', 'admin'],
    callbackReminderMinutes: 5,
    breakReminderMinutes: 50,
  },
  desktop: {
    startOnLogin: false,
    raiseOnIncoming: true,
    // Ctrl+Shift with the last F-keys: free in the usual office programs, and no AltGr clash
    // (Ctrl+Alt is AltGr on many European keyboards).
    hotkeyAnswer: 'CommandOrControl+Shift+F9',
    hotkeyHangup: 'CommandOrControl+Shift+F10',
    hotkeyHold: 'CommandOrControl+Shift+F11',
    hotkeyMute: 'CommandOrControl+Shift+F12',
    allowWeakKeyring: false,
  },
  updates: { enabled: true, channel: 'latest', url: '' },
  practice: { enabled: false },
};
