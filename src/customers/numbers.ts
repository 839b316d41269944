import { isSupportedCountry, parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js';

/** Up to this many digits without a "+" is an extension on the PBX, never a customer's number. */
const MAX_EXTENSION_DIGITS = 6;

/** User parts that PBXs and carriers send for a caller who withheld the number (RFC 3323 and others). */
const WITHHELD = new Set(['', 'anonymous', 'unavailable', 'restricted', 'private', 'withheld', 'unknown']);

/** The user part of what the PBX sends as a number: a bare number, a sip:/tel: URI, `<…>`. */
export function userPart(raw: string): string {
  const text = raw
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .replace(/^(sips?|tel):/i, '');
  const user = text.split(/[@;]/)[0] ?? '';
  try {
    return decodeURIComponent(user).trim();
  } catch {
    return user.trim();
  }
}

/** The caller withheld the number, or the network does not know it: there is nothing to look up. */
export function isWithheld(raw: string | undefined): boolean {
  if (raw === undefined) return true;
  return /@anonymous\.invalid\b/i.test(raw) || WITHHELD.has(userPart(raw).toLowerCase());
}

/** The number as digits with an optional leading "+", or undefined when it is not a number. */
function dialable(raw: string): string | undefined {
  const compact = userPart(raw).replace(/[\s().\-/]/g, '');
  return /^\+?\d+$/.test(compact) ? compact : undefined;
}

function parse(text: string, region: string): PhoneNumber | undefined {
  return text.startsWith('+') || !isSupportedCountry(region)
    ? parsePhoneNumberFromString(text)
    : parsePhoneNumberFromString(text, region);
}

/** E.164 forms of the parses, valid numbers first, then those only of a possible length. */
function ranked(parses: (PhoneNumber | undefined)[]): string[] {
  const found = parses.filter((parsed): parsed is PhoneNumber => parsed?.isPossible() === true);
  const valid = found.filter((parsed) => parsed.isValid());
  return [...new Set([...valid, ...found].map((parsed) => parsed.number))];
}

/**
 * A number as the CRM holds it ("+39 347 …", "0039 347 …", "06 1234 5678") in E.164, national
 * numbers read in `region` (the setting `phone.defaultRegion`). Undefined when it is not one.
 */
export function normaliseNumber(raw: string, region: string): string | undefined {
  const text = dialable(raw);
  if (!text) return undefined;
  return ranked([parse(text, region), text.startsWith('00') ? parse(`+${text.slice(2)}`, region) : undefined])[0];
}

/**
 * The E.164 numbers a caller's number as the PBX sends it may stand for, most likely first. PBXs
 * send it in E.164, or without the "+" ("393471234567"), with an international prefix ("0039…",
 * "011…" from the US), in national form with or without the trunk 0 ("030 1234567",
 * "301234567"), and some put their outside-line 0 in front of any of these. Empty for a withheld
 * caller, an extension or anything that is not a number.
 */
export function numberCandidates(raw: string, region: string): string[] {
  const text = dialable(raw);
  if (!text || (!text.startsWith('+') && text.length <= MAX_EXTENSION_DIGITS)) return [];
  if (text.startsWith('+')) return ranked([parse(text, region)]);
  const forms = text.startsWith('0') ? [text, text.slice(1)] : [text];
  return ranked(
    forms.flatMap((form) => [
      parse(form, region),
      form.startsWith('00') ? parse(`+${form.slice(2)}`, region) : undefined,
      form.startsWith('0') ? undefined : parse(`+${form}`, region),
    ]),
  );
}

/** The digits an agent may type to find a number: its E.164 form and its national form. */
export function searchableDigits(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const national = parsed?.formatNational().replace(/\D/g, '');
  return [e164.replace(/\D/g, ''), national].filter(Boolean).join(' ');
}

/** What to show for a caller not in the cache: the likeliest E.164 form, else what the PBX sent. */
export function displayNumber(raw: string, region: string): string {
  return numberCandidates(raw, region)[0] ?? userPart(raw);
}
