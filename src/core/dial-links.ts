import { dialTarget } from '../telephony/target.js';

/**
 * Click-to-dial links from other programs (a CRM page, the browser, a mail): `tel:`, `callto:`,
 * `sip:` and `sips:`. A link comes from outside the desk, so only its number or its user@host is
 * taken; URI parameters and headers (`;transport=`, `?Replaces=`) are dropped, never dialled.
 */

const SCHEMES = /^(tel|callto|sips?):/i;
const MAX_LINK = 512;

/** The first argument of a command line that is a dial link (how the OS hands one to the app). */
export function linkFromArgs(args: readonly string[]): string | undefined {
  return args.find((arg) => SCHEMES.test(arg) && arg.length <= MAX_LINK);
}

/**
 * What a link asks to call, as the agent would type it: the number of a `tel:`/`callto:` link, the
 * `sip:user@host` of a SIP one; undefined when it is not a dial link or holds nothing callable.
 */
export function linkTarget(link: string): string | undefined {
  const text = link.trim();
  if (text.length > MAX_LINK || !SCHEMES.test(text) || /\p{Cc}/u.test(text)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    return undefined;
  }
  // A line break or another control character, even encoded, is never part of a number or address.
  if (/\p{Cc}/u.test(decoded)) return undefined;
  const scheme = /^([a-z]+):/i.exec(decoded)![1]!.toLowerCase();
  const rest = decoded.slice(scheme.length + 1).replace(/^\/\//, '');
  if (scheme === 'sip' || scheme === 'sips') {
    // user@host, without parameters (;…) or headers (?…).
    const match = /^([^@;?\s]+)@([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d+)?(?=$|[;?])/.exec(rest);
    return match ? `${scheme}:${match[1]}@${match[2]}` : undefined;
  }
  // tel: and callto: a number (RFC 3966 visual separators allowed), parameters dropped.
  const number = rest.split(/[;?]/)[0]!.trim();
  return /^\+?[0-9*# ().\-/]{2,40}$/.test(number) ? number : undefined;
}

/** The link as a target the phone can dial, checked the same way as a number typed by the agent. */
export function checkedLinkTarget(
  link: string,
  plan: { domain: string; defaultRegion: string },
): { target: string; number: string } | undefined {
  const target = linkTarget(link);
  if (!target) return undefined;
  const dial = dialTarget(target, plan);
  return dial ? { target, number: dial.number } : undefined;
}
