/**
 * Masks personal data and secrets in text bound for a log: phone numbers and SIP user parts keep
 * only their last two characters, quoted display names and credentials disappear.
 */
const AUTH_HEADER = /^((?:Proxy-)?Authorization|WWW-Authenticate|Proxy-Authenticate)\s*:.*$/gim;
const SECRET_FIELD =
  /("?(?:password|passwd|secret|token|authorizationPassword)"?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&}]+)/gi;
const DISPLAY_NAME = /"(?:[^"\\]|\\.)*"(\s*<(?:sips?|tel):)/gi;
const SIP_USER = /\b(sips?:|tel:)([^@\s;>:"]+)(@?)/gi;
const PHONE = /\+?\d[\d .\-()]{3,}\d/g;

function keepTail(value: string, keep = 2): string {
  if (value.length <= keep) return '*'.repeat(value.length);
  return `${'*'.repeat(Math.min(value.length - keep, 8))}${value.slice(-keep)}`;
}

export function maskText(text: string): string {
  return text
    .replace(AUTH_HEADER, (_m, header: string) => `${header}: [redacted]`)
    .replace(SECRET_FIELD, (_m, prefix: string) => `${prefix}[redacted]`)
    .replace(DISPLAY_NAME, (_m, rest: string) => `"[name]"${rest}`)
    .replace(SIP_USER, (_m, scheme: string, user: string, at: string) => `${scheme}${keepTail(user)}${at}`)
    .replace(PHONE, (match) => {
      const digits = match.replace(/\D/g, '');
      // Short runs (ports, years, status codes) are not phone numbers.
      if (digits.length < 6) return match;
      return keepTail(digits);
    });
}

/** Masks every string inside a value bound for a structured log line. */
export function maskValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: maskText(value.message) };
  if (Array.isArray(value)) return value.map((item) => maskValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = /password|secret|token|credential/i.test(key) ? '[redacted]' : maskValue(item, depth + 1);
  }
  return out;
}
