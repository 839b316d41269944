import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export interface DialTarget {
  /** The SIP request URI to call. */
  uri: string;
  /** What the agent sees: E.164 for a phone number, the extension or user part otherwise. */
  number: string;
}

/** Short digit strings are extensions on the PBX, not phone numbers. */
const MAX_EXTENSION_DIGITS = 6;

/**
 * Reads what the agent typed or pasted (a number in any common format, an extension, a tel: or
 * sip: address) into the address to call. Numbers are normalised to E.164 with the default region.
 */
export function dialTarget(input: string, options: { domain: string; defaultRegion: string }): DialTarget | undefined {
  let text = input.trim();
  if (/^sips?:/i.test(text)) {
    const user = /^sips?:([^@;]+)@/i.exec(text)?.[1];
    return user ? { uri: text, number: decodeURIComponent(user) } : undefined;
  }
  if (/^(tel|callto):/i.test(text)) text = text.replace(/^(tel|callto):(\/\/)?/i, '').split(';')[0] ?? '';
  if (text.includes('@')) return /^[^@\s]+@[^@\s]+$/.test(text) ? dialTarget(`sip:${text}`, options) : undefined;

  const compact = text.replace(/[\s().\-/]/g, '');
  if (!/^\+?[0-9*#]+$/.test(compact)) return undefined;
  let number = compact;
  const digits = compact.replace(/^\+/, '');
  if (/^\d+$/.test(digits) && (compact.startsWith('+') || digits.length > MAX_EXTENSION_DIGITS)) {
    const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
    const parsed = parsePhoneNumberFromString(international, options.defaultRegion as CountryCode);
    if (parsed?.isValid()) number = parsed.number;
  }
  return { uri: `sip:${encodeURIComponent(number).replace(/%2B/g, '+')}@${options.domain}`, number };
}
