import type { ConfigProblem } from '../contract/settings.js';
import { readPolicyFile } from './layers.js';

/**
 * `--validate-policy <file>`: what IT runs before deploying a policy file. Reads the file exactly
 * as the app does at start and says, in English, what it sets, what it locks and every problem,
 * each with the key it is about. The app itself keeps going with a broken key (only that key is
 * ignored, and the agent's settings screen names it); this check is for catching it before then.
 */

/** The English texts of the settings' problem and validation codes (the app shows them translated). */
const TEXTS: Record<string, string> = {
  'problem.unreadable': 'cannot be read ({detail})',
  'problem.notJson': 'is not valid JSON ({detail})',
  'problem.notObject': 'must hold sections of settings',
  'problem.sectionNotObject': 'must be a section of settings',
  'problem.unknownSetting': 'is not a known setting',
  'problem.invalidValue': 'has a value that cannot be used',
  'problem.policyNotObject': 'must be an object with "settings" and "locked"',
  'problem.unknownPolicyEntry': 'is not a known policy entry (only "settings" and "locked" are)',
  'problem.lockedNotList': 'must be a list of setting names',
  'problem.lockedUnknown': 'names an unknown setting ({detail})',
  'invalid.wsUrl': 'must start with ws:// or wss://, for example wss://pbx.example.com/ws',
  'invalid.hostName': 'must be a host name such as pbx.example.com',
  'invalid.sipUser': 'may use only letters, digits and . _ -',
  'invalid.tooLong': 'is too long',
  'invalid.language': 'is not a language the app has',
  'invalid.region': 'must be a two-letter country code such as IT or GB',
  'invalid.required': 'is required',
  'invalid.dtmfMethod': 'must be one of the keypad tone methods',
  'invalid.declineCode': 'must be 486 or 603',
  'invalid.callWaiting': 'must be "ring" or "decline"',
  'invalid.boolean': 'must be true or false',
  'invalid.httpUrl': 'must be a web address starting with https://',
  'invalid.number': 'must be a whole number',
  'invalid.range': 'is outside the allowed range',
  'invalid.choice': 'is not one of the allowed choices',
  'invalid.hotkey': 'must be modifiers and one key, such as CommandOrControl+Shift+F9 (a letter needs a modifier)',
};

export function problemText(problem: Pick<ConfigProblem, 'message' | 'detail'>): string {
  const text = TEXTS[problem.message] ?? problem.message;
  return text.replace('{detail}', problem.detail ?? '');
}

export interface PolicyCheck {
  ok: boolean;
  /** What to print, line by line. */
  lines: string[];
}

export function validatePolicyFile(file: string): PolicyCheck {
  const policy = readPolicyFile(file);
  if (!policy.found) return { ok: false, lines: [`${file}: there is no such file.`] };
  const lines: string[] = [];
  const keys = Object.keys(policy.values);
  for (const problem of policy.problems) {
    lines.push(`${file}: ${problem.key ? `${problem.key} ` : ''}${problemText(problem)}`);
  }
  if (policy.problems.length === 0) {
    lines.push(
      `${file}: valid. It sets ${keys.length} setting${keys.length === 1 ? '' : 's'}` +
        (keys.length > 0 ? ` (${keys.join(', ')})` : '') +
        ` and locks ${policy.locked.length}` +
        (policy.locked.length > 0 ? ` (${policy.locked.join(', ')})` : '') +
        '.',
    );
  } else {
    lines.push(
      `${policy.problems.length} problem${policy.problems.length === 1 ? '' : 's'}: ` +
        'the app would ignore what is named above and use the rest.',
    );
  }
  const unsetLocks = policy.locked.filter((key) => !(key in policy.values));
  if (unsetLocks.length > 0) {
    lines.push(`Note: ${unsetLocks.join(', ')} locked without a usable value: agents get the built-in default.`);
  }
  return { ok: policy.problems.length === 0, lines };
}
