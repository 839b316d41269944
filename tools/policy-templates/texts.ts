/** Texts for the Group Policy templates, one entry per setting. */
export interface Text {
  name: string; // policy display name
  explain: string; // explain text, paragraphs separated by \n\n
  label?: string; // element label
  items?: Record<string, string>; // enum item labels by value
}

export const CATEGORIES: Record<string, string> = {
  sip: 'Phone server (SIP account)',
  agent: 'Agent',
  ui: 'Interface',
  phone: 'Phone numbers',
  calls: 'Calls',
  audio: 'Audio devices',
  crm: 'CRM',
  guidance: 'Call guidance',
  work: 'Working day',
  desktop: 'Desktop',
  updates: 'Updates',
  practice: 'Practice mode',
};

export const TEXTS: Record<string, Text> = {
  'sip.wsUrl': {
    name: 'Phone server address (WebSocket)',
    explain:
      'The address the softphone connects to in order to sign in to the phone system (PBX) and place calls. It is the WebSocket address of the PBX, for example wss://pbx.example.com/ws, and must start with wss:// (encrypted) or ws://.',
    label: 'Server address:',
  },
  'sip.wsUrlSecondary': {
    name: 'Backup phone server address (WebSocket)',
    explain:
      'A second PBX address the softphone switches to when the first one keeps failing, for example wss://pbx2.example.com/ws. It must start with wss:// or ws://. Leave it empty when there is no backup server.',
    label: 'Backup server address:',
  },
  'sip.user': {
    name: 'SIP user (extension)',
    explain:
      "The SIP user name the softphone signs in with, usually the agent's extension number such as 1001. At most 64 characters: letters, digits and . _ ~ - and a few other URI characters.\n\nThis is normally different for every agent. Set it by policy only on computers that always use the same extension, such as a shared desk.",
    label: 'SIP user:',
  },
  'sip.authUser': {
    name: 'SIP authentication user',
    explain:
      'The name the PBX asks for when it checks the password, if it differs from the SIP user. Leave it empty when it is the same as the SIP user. At most 64 characters, with the same characters as the SIP user.',
    label: 'Authentication user:',
  },
  'sip.domain': {
    name: 'SIP domain',
    explain:
      'The SIP domain of the phone system, for example pbx.example.com. It is used in the addresses of calls and of the sign-in. It must be a host name (letters, digits, dots and hyphens) or an IP address in square brackets.',
    label: 'Domain:',
  },
  'sip.displayName': {
    name: 'Caller display name',
    explain:
      'The name shown to the people the agent calls, where the phone system passes it on. At most 64 characters. Leave it empty to send no name.',
    label: 'Display name:',
  },
  'agent.name': {
    name: "Agent's name",
    explain:
      "The agent's name as the call-guidance scripts use it in greetings. At most 80 characters.\n\nThis is normally personal. Set it by policy only on computers used by one agent.",
    label: 'Name:',
  },
  'agent.company': {
    name: 'Company name used in greetings',
    explain:
      'The company name the call-guidance scripts use in greetings, for example "Thank you for calling Example Ltd". At most 80 characters.',
    label: 'Company name:',
  },
  'ui.language': {
    name: 'Interface language',
    explain: 'The language of the softphone window.',
    label: 'Language:',
    items: { en: 'English', it: 'Italian', el: 'Greek', ru: 'Russian', ro: 'Romanian' },
  },
  'phone.defaultRegion': {
    name: 'Default country for phone numbers',
    explain:
      'The country a phone number belongs to when it is written without an international prefix. Give the two-letter country code in capitals (ISO 3166-1), for example IT, GB or DE.',
    label: 'Country code (two capital letters):',
  },
  'calls.dtmfMethod': {
    name: 'How keypad tones are sent',
    explain:
      'How the tones of the keypad (for example menu choices the agent presses during a call) reach the other side: inside the audio stream as RFC 4733 events, or as separate SIP INFO messages. Choose what your PBX expects; most expect RFC 4733.',
    label: 'Keypad tones:',
    items: { rfc4733: 'In the audio stream (RFC 4733)', info: 'As SIP INFO messages' },
  },
  'calls.declineCode': {
    name: 'Answer given to a declined call',
    explain:
      'What the PBX is told when the agent declines a call. "Busy" (486 Busy Here) lets the PBX try somewhere else, such as another agent or voicemail; "Decline" (603) refuses the call outright.',
    label: 'When the agent declines a call:',
    items: { '486': 'Busy (486 Busy Here)', '603': 'Decline (603 Decline)' },
  },
  'calls.callWaiting': {
    name: 'A second call during a call',
    explain:
      'What happens when a call comes in while the agent is already on a call. "Ring" shows the new call, and answering it puts the first call on hold; "Decline" refuses the new call at once.',
    label: 'Second call:',
    items: { ring: 'Ring (answering holds the first call)', decline: 'Decline at once' },
  },
  'calls.autoAnswer': {
    name: 'Answer automatically when the phone system asks',
    explain:
      'When this policy is enabled, the softphone answers a call by itself when the PBX asks for it in the call (the Call-Info answer-after or Alert-Info auto-answer headers). When it is disabled, the agent always answers by hand.',
  },
  'calls.confirmLinks': {
    name: 'Ask before dialling a link from another program',
    explain:
      'When this policy is enabled, a tel:, callto: or sip: link clicked in another program (a browser, the CRM) first shows the number and waits for the agent to confirm before it dials. When it is disabled, such links dial at once.',
  },
  'audio.input': {
    name: 'Microphone',
    explain:
      "The microphone to use, by the device id the operating system gives it. Leave it empty to use the system's default microphone.\n\nDevice ids differ from one computer to the next, so this is rarely worth setting by policy.",
    label: 'Microphone device id:',
  },
  'audio.output': {
    name: 'Headset or speaker for calls',
    explain:
      "Where the other side of the call is heard, by the device id the operating system gives it. Leave it empty to use the system's default output.\n\nDevice ids differ from one computer to the next, so this is rarely worth setting by policy.",
    label: 'Output device id:',
  },
  'audio.ringer': {
    name: 'Device the ringtone plays on',
    explain:
      "Where the ringtone plays, by the device id the operating system gives it; often the computer's own speaker, so that the agent hears a call without wearing the headset. Leave it empty to use the system's default output.\n\nDevice ids differ from one computer to the next, so this is rarely worth setting by policy.",
    label: 'Ringtone device id:',
  },
  'crm.url': {
    name: 'CRM sync server address',
    explain:
      "The address of the CRM service the customer list is kept in step with, for example https://crm.example.com/sync/v1. It must start with https:// or http://; at most 500 characters. Leave it empty to work without a CRM.\n\nThe access token is not a policy: each agent enters it in the settings, and it is kept in the computer's secure store.",
    label: 'Sync server address:',
  },
  'crm.pullIntervalSeconds': {
    name: 'How often to check the CRM for changes',
    explain:
      "How many seconds the softphone waits between asking the CRM for changes. The agent's own changes are sent at once regardless.",
    label: 'Seconds between checks:',
  },
  'guidance.askBeforeHold': {
    name: 'Ask before putting a caller on hold',
    explain:
      'When this policy is enabled, the first press of Hold shows what to tell the caller, and a second press puts the call on hold. When it is disabled, Hold holds the call at once.',
  },
  'guidance.holdReminderSeconds': {
    name: 'Hold reminder',
    explain: 'After how many seconds on hold the softphone reminds the agent to go back to the caller.',
    label: 'Seconds on hold before the reminder:',
  },
  'guidance.autoAdvance': {
    name: 'Move through timed script phases by themselves',
    explain:
      'When this policy is enabled, a phase of a call-guidance script that has a time limit moves on to the next phase when its time runs out. When it is disabled, the agent moves on by hand.',
  },
  'guidance.scriptsFolder': {
    name: 'Folder of call-guidance scripts',
    explain:
      'A folder of call-guidance script files (JSON or YAML) that replace the scripts built into the softphone, for example \\\\fileserver\\softphone\\scripts or C:\\ProgramData\\Headset Softphone\\scripts. Agents need read access to it. At most 1000 characters. Leave it empty to use the built-in scripts.',
    label: 'Folder:',
  },
  'work.wrapUpSeconds': {
    name: 'Wrap-up time limit',
    explain: 'How many seconds the agent has for the wrap-up after a call. 0 means no limit.',
    label: 'Seconds (0 for no limit):',
  },
  'work.wrapUpExpiry': {
    name: 'When the wrap-up time runs out',
    explain:
      'What happens when the wrap-up time limit is reached. "Stay" only warns the agent, who stays in wrap-up; "Become available" makes the agent available for calls again (the wrap-up draft is kept).',
    label: 'When the time runs out:',
    items: { stay: 'Stay in wrap-up (warn only)', available: 'Become available' },
  },
  'work.whenNotAvailable': {
    name: 'Calls while the agent is not available',
    explain:
      'What happens to a call that comes in while the agent is not Available (in wrap-up, not ready or on a break). "Decline" answers 486 Busy Here so the PBX can route the call elsewhere; "Ring" lets it ring and leaves the routing to the PBX.',
    label: 'Incoming calls while not available:',
    items: { decline: 'Decline (486 Busy Here)', ring: 'Ring' },
  },
  'work.notReadyReasons': {
    name: 'Not-ready reasons',
    explain:
      'The reasons an agent can choose from when going Not ready, one per line, for example training, meeting, coaching, admin. From 1 to 20 reasons, each at most 40 characters.',
    label: 'Reasons (one per line):',
  },
  'work.callbackReminderMinutes': {
    name: 'Callback reminder',
    explain: 'How many minutes before a scheduled callback is due the agent is reminded of it. 0 means when it is due.',
    label: 'Minutes before the callback:',
  },
  'work.breakReminderMinutes': {
    name: 'Screen-break reminder',
    explain:
      'After how many minutes of work without a break the softphone suggests a screen break. 0 turns the reminder off.',
    label: 'Minutes of work (0 for never):',
  },
  'desktop.startOnLogin': {
    name: 'Start the softphone when the agent signs in',
    explain:
      'When this policy is enabled, the softphone starts by itself when the agent signs in to the computer. When it is disabled, the agent starts it by hand.',
  },
  'desktop.raiseOnIncoming': {
    name: 'Bring the window to the front when a call rings',
    explain:
      'When this policy is enabled, the softphone window comes to the front of the other windows when a call rings. When it is disabled, the window stays where it is and the ringtone announces the call.',
  },
  'desktop.hotkeyAnswer': {
    name: 'Hotkey to answer a ringing call',
    explain:
      'A key combination that answers the ringing call from any program, even while the softphone window is in the background. Write it as modifiers and a key joined by +, for example CommandOrControl+Shift+F9 (CommandOrControl is Ctrl on Windows and Linux, Command on macOS). A letter, digit or other typing key needs at least one modifier; F1 to F24 and the media keys may be used alone. At most 100 characters. Leave it empty for no hotkey.\n\nIf another program already uses the combination, the softphone cannot take it and says so in its settings screen.',
    label: 'Key combination:',
  },
  'desktop.hotkeyHangup': {
    name: 'Hotkey to end the current call',
    explain:
      'A key combination that ends the current call from any program, even while the softphone window is in the background. Write it as modifiers and a key joined by +, for example CommandOrControl+Shift+F9 (CommandOrControl is Ctrl on Windows and Linux, Command on macOS). A letter, digit or other typing key needs at least one modifier; F1 to F24 and the media keys may be used alone. At most 100 characters. Leave it empty for no hotkey.\n\nIf another program already uses the combination, the softphone cannot take it and says so in its settings screen.',
    label: 'Key combination:',
  },
  'desktop.hotkeyHold': {
    name: 'Hotkey to hold or resume the current call',
    explain:
      'A key combination that puts the current call on hold or takes it off hold from any program, even while the softphone window is in the background. Write it as modifiers and a key joined by +, for example CommandOrControl+Shift+F9 (CommandOrControl is Ctrl on Windows and Linux, Command on macOS). A letter, digit or other typing key needs at least one modifier; F1 to F24 and the media keys may be used alone. At most 100 characters. Leave it empty for no hotkey.\n\nIf another program already uses the combination, the softphone cannot take it and says so in its settings screen.',
    label: 'Key combination:',
  },
  'desktop.hotkeyMute': {
    name: 'Hotkey to mute or unmute the microphone',
    explain:
      'A key combination that mutes or unmutes the microphone from any program, even while the softphone window is in the background. Write it as modifiers and a key joined by +, for example CommandOrControl+Shift+F9 (CommandOrControl is Ctrl on Windows and Linux, Command on macOS). A letter, digit or other typing key needs at least one modifier; F1 to F24 and the media keys may be used alone. At most 100 characters. Leave it empty for no hotkey.\n\nIf another program already uses the combination, the softphone cannot take it and says so in its settings screen.',
    label: 'Key combination:',
  },
  'updates.enabled': {
    name: 'Update the app automatically',
    explain:
      'When on, the desktop app looks for a new version on the update server, downloads it in the background and installs it the next time the app quits, so an update never interrupts a call. Turn it off where you deploy new versions with your own tooling (always for the MSI package). Nothing is checked while no update server is set.',
  },
  'updates.channel': {
    name: 'Update channel',
    explain:
      'Which versions the app takes from the update server: only released versions, or also beta versions for a pilot group of desks.',
    label: 'Channel:',
    items: { latest: 'Released versions (latest)', beta: 'Beta versions too (beta)' },
  },
  'updates.url': {
    name: 'Update server',
    explain:
      'The address of the server the app downloads new versions from (a web folder with the files electron-builder publishes: latest.yml, the installers and their blockmaps). It must start with https://. Leave it empty for no automatic updates.',
    label: 'Server address:',
  },
  'practice.enabled': {
    name: 'Practice mode',
    explain:
      'When on, the softphone works on a practice folder of its own, apart from the real settings, customers and CRM outbox, and takes simulated calls from the demo contact centre (npm run demo) on this computer. Every screen is marked as practice, each call gets a short review, and practice calls never reach a real CRM: in practice the app syncs only with a CRM on this computer. Set it off and lock it where agents must not switch to practice.',
  },
  'desktop.allowWeakKeyring': {
    name: 'Allow the weak password storage of Linux desks without a keyring',
    explain:
      'On a Linux desk with no keyring (no GNOME Keyring, KWallet or other Secret Service), the app refuses to save the SIP password, because the only storage left is a fallback whose key is the same on every computer. Turn this on only where the desks cannot have a keyring and you accept that risk; the password is then kept with that fallback. It counts only when this policy sets it and also locks it (an agent cannot allow it alone). Windows and macOS always use their own protected storage.',
  },
};
