export const MEANINGS: Record<string, string> = {
  'sip.wsUrl':
    'WebSocket address of the PBX, `ws://` or `wss://`, for example `wss://pbx.example.com/ws`. Empty: the line cannot sign in.',
  'sip.wsUrlSecondary': 'A backup PBX address used when the first keeps failing; empty for none.',
  'sip.user':
    "The SIP user, usually the agent's extension. Letters, digits and `. _ ~ -` (and a few other URI characters).",
  'sip.authUser': 'The name used to authenticate, when it differs from `sip.user`; empty to use `sip.user`.',
  'sip.domain': 'The SIP domain, a host name such as `pbx.example.com` or an IP address in brackets.',
  'sip.displayName': 'The name shown to people the agent calls; empty for none.',
  'agent.name': "The agent's name, for the call-guidance scripts.",
  'agent.company': 'The company name the call-guidance scripts use in greetings.',
  'ui.language': 'Interface language: English, Italian, Greek, Russian, Romanian.',
  'phone.defaultRegion':
    'Country for numbers dialled without an international prefix: two capital letters (`IT`, `GB`, `DE`).',
  'calls.dtmfMethod': 'How keypad tones are sent: in the audio (RFC 4733) or as SIP INFO.',
  'calls.declineCode': 'Reply to a declined call: `486` Busy Here (the PBX may route it elsewhere) or `603` Decline.',
  'calls.callWaiting':
    'A second call during a call: `ring` shows it (answering holds the first), `decline` refuses it.',
  'calls.autoAnswer': 'Answer by itself when the PBX asks for it (Call-Info answer-after, Alert-Info auto-answer).',
  'calls.confirmLinks': 'A `tel:`, `callto:` or `sip:` link from another program asks the agent before it dials.',
  'audio.input': 'Microphone device id; empty for the system default. Ids differ per computer.',
  'audio.output': 'Call audio device id; empty for the system default. Ids differ per computer.',
  'audio.ringer': 'Device id the ringtone plays on; empty for the system default. Ids differ per computer.',
  'crm.url': 'CRM sync address, `https://` (or `http://`); empty for no CRM. The access token is not a policy.',
  'crm.pullIntervalSeconds': 'Seconds between checks for CRM changes.',
  'guidance.askBeforeHold': 'The first press of Hold shows what to tell the caller; the second holds.',
  'guidance.holdReminderSeconds': 'Seconds on hold before the agent is reminded to go back to the caller.',
  'guidance.autoAdvance': 'Timed phases of a guidance script move on by themselves.',
  'guidance.scriptsFolder':
    'A folder of guidance scripts (JSON or YAML) that replace the built-in ones; empty for the built-in ones.',
  'work.wrapUpSeconds': 'Wrap-up time limit in seconds; `0` for none.',
  'work.wrapUpExpiry':
    'When the wrap-up time runs out: `stay` only warns, `available` makes the agent available (the draft is kept).',
  'work.whenNotAvailable':
    'A call while the agent is not Available: `decline` answers 486 Busy Here, `ring` leaves it to the PBX.',
  'work.notReadyReasons': 'The reasons offered for Not ready.',
  'work.callbackReminderMinutes': 'Minutes before a callback is due that its reminder comes; `0` when it is due.',
  'work.breakReminderMinutes': 'Minutes of work without a break before a screen break is suggested; `0` for never.',
  'desktop.startOnLogin': 'Start the app when the agent signs in to the computer.',
  'desktop.raiseOnIncoming': 'Bring the window to the front when a call rings.',
  'desktop.hotkeyAnswer':
    'Global hotkey that answers the ringing call, for example `CommandOrControl+Shift+F9`; empty for none.',
  'desktop.hotkeyHangup': 'Global hotkey that ends the current call; empty for none.',
  'desktop.hotkeyHold': 'Global hotkey that holds or resumes the current call; empty for none.',
  'desktop.hotkeyMute': 'Global hotkey that mutes or unmutes the microphone; empty for none.',
  'updates.enabled':
    'Download new versions in the background and install them when the app quits (never during a call); off for MSI deployments.',
  'updates.channel': '`latest` for released versions, `beta` for a pilot group.',
  'updates.url': 'The update server (https, the files electron-builder publishes); empty: no automatic updates.',
  'practice.enabled':
    'Practice mode: a separate practice folder, simulated calls from the demo stack, a review after each call; never a real CRM. Lock it off where agents must not practise.',
  'desktop.allowWeakKeyring':
    'Linux desks without a keyring may keep the SIP password with the weak fallback; counts only when the policy sets **and locks** it.',
};
