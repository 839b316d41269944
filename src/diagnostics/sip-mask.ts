import { maskText } from '../log/mask.js';

/**
 * Masks one SIP message for the diagnostics trace, header by header, so that what makes a trace
 * useful survives (methods, status lines, Call-ID, CSeq, Via, tags, addresses, SDP media lines)
 * while people and credentials do not:
 *
 * - user parts of sip:/sips: URIs and tel: numbers keep their last two characters, like the logs;
 * - display names (quoted or not) in From, To, Contact, P-Asserted-Identity, Remote-Party-ID and
 *   every other address header become `"[name]"` / `[name]`;
 * - phone numbers anywhere else in a header value keep their last two digits (the rule of
 *   `maskText`), but IPv4 addresses, tags, branches and instance ids are left alone;
 * - Authorization, Proxy-Authorization, WWW-Authenticate, Proxy-Authenticate keep the header name,
 *   the scheme, realm, algorithm, qop, stale and nc; the username is masked like a user part and
 *   every other parameter (nonce, response, cnonce, opaque...) is `[redacted]`;
 * - SDP: ice-ufrag, ice-pwd, fingerprint, crypto, key-mgmt, identity, k=, e= and p= are redacted,
 *   the o= user name masked; media, codecs, candidates and addresses are kept;
 * - application/dtmf-relay and application/dtmf bodies lose the digit (a PIN typed on the keypad);
 * - bodies of any other type (chat text, XML, unknown) are left out, with their type and size.
 *
 * Line endings come out as `\n`. Text that is not a SIP message goes through `maskText` whole.
 */
export function maskSipMessage(raw: string): string {
  const text = raw.replace(/\r\n?/g, '\n');
  const split = text.indexOf('\n\n');
  const head = split === -1 ? text : text.slice(0, split);
  const [startLine = '', ...headerLines] = unfold(head.split('\n'));
  if (!REQUEST_LINE.test(startLine) && !STATUS_LINE.test(startLine)) return maskText(text);

  const maskedHead = [maskStartLine(startLine), ...headerLines.map(maskHeaderLine)].join('\n');
  if (split === -1) return maskedHead;
  return `${maskedHead}\n\n${maskBody(headerValue(headerLines, 'content-type'), text.slice(split + 2))}`;
}

/** A user part or a name cut to its last two characters, as `src/log/mask.ts` does. */
export function maskTail(value: string, keep = 2): string {
  if (value.length <= keep) return '*'.repeat(value.length);
  return `${'*'.repeat(Math.min(value.length - keep, 8))}${value.slice(-keep)}`;
}

const REQUEST_LINE = /^[A-Za-z][A-Za-z-]* \S+ SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 \d{3}(?: .*)?$/;
const HEADER = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*:[ \t]*(.*)$/;

/** RFC 3261 7.3.3 compact header names. */
const COMPACT: Record<string, string> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

/** Headers that carry no person and whose exact values matter to whoever reads the trace. */
const KEPT_AS_IS = new Set([
  'via',
  'call-id',
  'cseq',
  'max-forwards',
  'content-length',
  'content-type',
  'content-disposition',
  'content-encoding',
  'content-language',
  'expires',
  'min-expires',
  'allow',
  'allow-events',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'accept',
  'accept-encoding',
  'accept-language',
  'event',
  'subscription-state',
  'session-expires',
  'min-se',
  'rseq',
  'rack',
  'timestamp',
  'date',
  'user-agent',
  'server',
  'retry-after',
  'priority',
  'sip-etag',
  'sip-if-match',
  'identity-info',
]);

const AUTH_CHALLENGE_OR_CREDENTIALS = new Set([
  'authorization',
  'proxy-authorization',
  'www-authenticate',
  'proxy-authenticate',
]);
const AUTH_INFO = new Set(['authentication-info', 'proxy-authentication-info']);
/** Digest parameters that say how authentication is set up, not what the secret is. */
const AUTH_KEPT_PARAMS = new Set(['realm', 'algorithm', 'qop', 'stale', 'nc']);
const SECRET_HEADER = /token|secret|passw|pwd|api-?key|cookie|credential/i;

/** Joins obsolete folded header lines (a line starting with white space continues the one before). */
function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && out.length > 1) out[out.length - 1] += ` ${line.trim()}`;
    else out.push(line);
  }
  return out;
}

function headerValue(lines: string[], name: string): string | undefined {
  for (const line of lines) {
    const match = HEADER.exec(line);
    if (match && canonicalName(match[1]!) === name) return match[2];
  }
  return undefined;
}

function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? lower;
}

function maskStartLine(line: string): string {
  if (STATUS_LINE.test(line)) return line;
  const [method, uri, version] = line.split(' ') as [string, string, string];
  return `${method} ${maskUris(uri)} ${version}`;
}

function maskHeaderLine(line: string): string {
  const match = HEADER.exec(line);
  if (!match) return maskFreeText(line);
  const [, name, value] = match as unknown as [string, string, string];
  const canonical = canonicalName(name);
  return `${name}: ${maskHeaderValue(canonical, value)}`;
}

function maskHeaderValue(canonical: string, value: string): string {
  if (KEPT_AS_IS.has(canonical)) return value;
  if (AUTH_CHALLENGE_OR_CREDENTIALS.has(canonical)) return maskAuthValue(value);
  if (AUTH_INFO.has(canonical)) return maskAuthParams(value);
  // STIR/SHAKEN: the PASSporT token carries the calling and called numbers; keep its parameters.
  if (canonical === 'identity') return value.replace(/^[^;]*/, '[redacted]');
  if (SECRET_HEADER.test(canonical)) return '[redacted]';
  return maskFreeText(value);
}

/** Address headers and anything unknown: names, user parts and phone numbers go, the rest stays. */
function maskFreeText(value: string): string {
  return maskPhones(maskUris(maskDisplayNames(value))).replace(
    SECRET_FIELD,
    (_m, prefix: string) => `${prefix}[redacted]`,
  );
}

/** `password=...` and the like, as `maskText` finds them. */
const SECRET_FIELD =
  /("?(?:password|passwd|secret|token|authorizationPassword)"?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&}]+)/gi;

const QUOTED_DISPLAY_NAME = /"(?:[^"\\]|\\.)*"(?=\s*<)/g;
const TOKEN_DISPLAY_NAME = /(^|,)(\s*)([^,"<>;]*[^,"<>;\s])(\s*<)/g;

function maskDisplayNames(value: string): string {
  return value
    .replace(QUOTED_DISPLAY_NAME, '"[name]"')
    .replace(TOKEN_DISPLAY_NAME, (_m, start: string, space: string, _name: string, open: string) => {
      return `${start}${space}[name]${open}`;
    });
}

/** The user part (with any password) of sip:, sips:, pres: and im: URIs, and tel: numbers. */
const URI_USERINFO = /\b(sips?:|pres:|im:)([^@\s<>",?]+)@/gi;
const TEL_URI = /\b(tel:)([^\s<>";,?]+)/gi;

function maskUris(value: string): string {
  return value
    .replace(URI_USERINFO, (_m, scheme: string, user: string) => `${scheme}${maskTail(user)}@`)
    .replace(TEL_URI, (_m, scheme: string, number: string) => `${scheme}${maskTail(number)}`);
}

/** The same shape of phone number that `maskText` looks for. */
const PHONE = /\+?\d[\d .\-()]{3,}\d/g;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;
/** Parameters whose values are identifiers or addresses, never phone numbers. */
const ID_PARAM = /(?:^|[;?&\s,])(?:tag|branch|ftag|ttag|epid|received|rport|maddr|reg-id|gr)=$/i;

function maskPhones(value: string): string {
  return value.replace(PHONE, (match: string, offset: number, whole: string) => {
    if (IPV4.test(match)) return match;
    const before = whole.slice(Math.max(0, offset - 24), offset);
    const after = whole.charAt(offset + match.length);
    // Digits glued to letters belong to an identifier (a tag, a uuid), not to a phone number.
    if (/[A-Za-z_]$/.test(before) || /[A-Za-z_]/.test(after)) return match;
    if (ID_PARAM.test(before) || /uuid:[0-9a-f-]*$/i.test(before)) return match;
    return maskText(match);
  });
}

const AUTH_PARAM = /([A-Za-z][\w-]*)[ \t]*=[ \t]*("(?:[^"\\]|\\.)*"|[^,\s]*)/g;

/** `Digest realm="x", nonce="..."` → scheme and harmless parameters; other schemes lose everything. */
function maskAuthValue(value: string): string {
  const match = /^([A-Za-z][\w-]*)(?:\s+([\s\S]*))?$/.exec(value.trim());
  if (!match) return '[redacted]';
  const [, scheme, params] = match as unknown as [string, string, string | undefined];
  if (params === undefined) return scheme;
  if (scheme.toLowerCase() !== 'digest') return `${scheme} [redacted]`;
  return `${scheme} ${maskAuthParams(params)}`;
}

/**
 * Rebuilds a list of `name=value` parameters from what could be parsed, so that no unparsed
 * remnant of a credential can slip through.
 */
function maskAuthParams(params: string): string {
  const out: string[] = [];
  for (const param of params.matchAll(AUTH_PARAM)) {
    const name = param[1]!;
    const value = param[2]!;
    const key = name.toLowerCase();
    const quoted = value.length >= 2 && value.startsWith('"') && value.endsWith('"');
    const inner = quoted ? value.slice(1, -1) : value;
    let masked: string;
    if (AUTH_KEPT_PARAMS.has(key)) masked = inner;
    else if (key === 'username') masked = maskTail(inner);
    else if (key === 'uri' || key === 'domain') masked = maskPhones(maskUris(inner));
    else masked = '[redacted]';
    out.push(`${name}=${quoted ? `"${masked}"` : masked}`);
  }
  return out.length > 0 ? out.join(', ') : '[redacted]';
}

function maskBody(contentType: string | undefined, body: string): string {
  if (body === '') return body;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/sdp') return body.split('\n').map(maskSdpLine).join('\n');
  if (type.includes('dtmf')) return maskDtmf(body);
  if (type === 'message/sipfrag') return maskSipFragment(body);
  if (type === 'application/simple-message-summary') return body.split('\n').map(maskHeaderLine).join('\n');
  if (type.startsWith('multipart/')) return maskMultipart(contentType ?? '', body);
  return omitted(type, body);
}

function omitted(type: string, body: string): string {
  return `[${type || 'untyped'} body of ${Buffer.byteLength(body)} bytes left out]`;
}

/** `Signal=7` → `Signal=*`; a bare application/dtmf body (just the key) loses every key. */
function maskDtmf(body: string): string {
  if (/^\s*Signal\s*=/im.test(body)) return body.replace(/^(\s*Signal\s*=\s*)(\S*)/gim, '$1*');
  return body.replace(/[0-9A-Da-d*#]/g, '*');
}

/** A sipfrag (the NOTIFY of a REFER) is a start line with, at times, some headers. */
function maskSipFragment(body: string): string {
  return body
    .split('\n')
    .map((line) =>
      REQUEST_LINE.test(line) || STATUS_LINE.test(line)
        ? maskStartLine(line)
        : line === ''
          ? line
          : maskHeaderLine(line),
    )
    .join('\n');
}

function maskMultipart(contentType: string, body: string): string {
  const found = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = found?.[1] ?? found?.[2];
  if (!boundary) return omitted(contentType.split(';')[0]!.trim().toLowerCase(), body);
  const delimiter = `--${boundary}`;
  return body
    .split(delimiter)
    .map((piece, index) => {
      // Before the first delimiter (the preamble) and after the last one (`--` and the epilogue).
      if (index === 0) return piece.trim() === '' ? piece : '[preamble left out]\n';
      if (piece.startsWith('--')) return piece.trim() === '--' ? piece : '--\n';
      return maskBodyPart(piece);
    })
    .join(delimiter);
}

/** One part of a multipart body: `\n` headers `\n\n` body `\n`, masked by its own Content-Type. */
function maskBodyPart(piece: string): string {
  const lead = /^[^\n]*\n/.exec(piece)?.[0] ?? '';
  let rest = piece.slice(lead.length);
  const trailing = rest.endsWith('\n') ? '\n' : '';
  rest = rest.slice(0, rest.length - trailing.length);
  const split = rest.startsWith('\n') ? 0 : rest.indexOf('\n\n');
  if (split === -1) return `${lead}${rest.split('\n').map(maskHeaderLine).join('\n')}${trailing}`;
  const headers = split === 0 ? [] : rest.slice(0, split).split('\n');
  const partBody = rest.slice(split === 0 ? 1 : split + 2);
  const maskedHeaders = headers.map(maskHeaderLine).join('\n');
  const maskedBody = maskBody(headerValue(headers, 'content-type') ?? 'text/plain', partBody);
  return `${lead}${maskedHeaders}${split === 0 ? '\n' : '\n\n'}${maskedBody}${trailing}`;
}

function maskSdpLine(line: string): string {
  const match = /^([a-z])=(.*)$/.exec(line);
  if (!match) return line.trim() === '' ? line : maskText(line);
  const [, type, value] = match as unknown as [string, string, string];
  switch (type) {
    case 'o': {
      // o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>
      const fields = value.split(' ');
      if (fields[0] && fields[0] !== '-') fields[0] = maskTail(fields[0]);
      return `o=${fields.join(' ')}`;
    }
    case 'e':
    case 'p':
      return `${type}=[redacted]`;
    case 'k': {
      const colon = value.indexOf(':');
      return colon === -1 ? line : `k=${value.slice(0, colon)}:[redacted]`;
    }
    case 's':
    case 'i':
    case 'u':
      return `${type}=${maskFreeText(value)}`;
    case 'a':
      return `a=${maskSdpAttribute(value)}`;
    default:
      return line;
  }
}

function maskSdpAttribute(value: string): string {
  const colon = value.indexOf(':');
  if (colon === -1) return value;
  const attribute = value.slice(0, colon);
  const words = value
    .slice(colon + 1)
    .trim()
    .split(/\s+/);
  switch (attribute.toLowerCase()) {
    case 'ice-ufrag':
    case 'ice-pwd':
    case 'identity':
      return `${attribute}:[redacted]`;
    case 'fingerprint':
    case 'key-mgmt':
      // Keep the hash function (sha-256) or the key protocol (mikey): they explain DTLS failures.
      return words.length > 1 ? `${attribute}:${words[0]} [redacted]` : `${attribute}:[redacted]`;
    case 'crypto':
      // a=crypto:<tag> <suite> <key-params> [<session-params>]: keep the tag and the suite.
      return words.length > 2 ? `${attribute}:${words[0]} ${words[1]} [redacted]` : `${attribute}:[redacted]`;
    case 'candidate':
      // Some browsers append "ufrag <value>" (and, rarely, "pwd <value>") to their candidates.
      return value.replace(/\b(ufrag|pwd)(\s+)\S+/gi, '$1$2[redacted]');
    default:
      return value;
  }
}
