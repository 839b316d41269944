import { maskSipMessage } from './sip-mask.js';

export { maskSipMessage } from './sip-mask.js';

export type SipDirection = 'sent' | 'received';

/** One SIP message as kept in the trace: already masked. */
export interface SipTraceEntry {
  /** Epoch milliseconds when the message was sent or received. */
  readonly at: number;
  readonly direction: SipDirection;
  /** The masked message, line endings as `\n`. */
  readonly message: string;
}

/** The sip.js logger category of the WebSocket transport (`UserAgent` builds it with getLogger). */
export const SIP_TRANSPORT_CATEGORY = 'sip.Transport';
export const DEFAULT_TRACE_CAPACITY = 500;

/*
 * What sip.js 0.21 (lib/platform/web/transport/transport.js) logs when `transportOptions.traceSip`
 * is true, at level "log", whatever the UserAgent's logLevel (the logConnector gets every line):
 *
 *   _send():              "Sending WebSocket message:\n\n" + message + "\n"
 *   onWebSocketMessage(): "Received WebSocket text message:\n\n" + message + "\n"
 *                         "Received WebSocket binary message:\n\n" + message + "\n"
 *
 * The received prefix is matched with "text "/"binary " optional, so that a plain
 * "Received WebSocket message:\n\n" (older and other builds) is taken as well. Not matched, on
 * purpose: "Received WebSocket message with CRLF Keep Alive response" (no message), and the
 * keep-alive that _send() logs as a message of blank lines ("\r\n\r\n").
 */
const SENT_PREFIX = 'Sending WebSocket message:\n\n';
const RECEIVED_PREFIX = /^Received WebSocket (?:text |binary )?message:\n\n/;

/**
 * Recognises a SIP message in what sip.js hands to the UserAgent's `logConnector`. Returns the raw
 * message, NOT masked: store it through `SipTrace.record`, which masks it.
 */
export function parseTraceLog(
  category: string,
  content: unknown,
): { direction: SipDirection; message: string } | undefined {
  if (category !== SIP_TRANSPORT_CATEGORY || typeof content !== 'string') return undefined;
  let direction: SipDirection;
  let rest: string;
  if (content.startsWith(SENT_PREFIX)) {
    direction = 'sent';
    rest = content.slice(SENT_PREFIX.length);
  } else {
    const received = RECEIVED_PREFIX.exec(content);
    if (!received) return undefined;
    direction = 'received';
    rest = content.slice(received[0].length);
  }
  // sip.js adds one "\n" after the message.
  const message = rest.endsWith('\n') ? rest.slice(0, -1) : rest;
  if (message.trim() === '') return undefined;
  return { direction, message };
}

/**
 * The last N SIP messages of the line, for the diagnostics bundle: a ring buffer that masks every
 * message as it is stored, so that nothing unmasked stays in memory.
 *
 * Wiring: create one per core and pass
 * `logConnector: (level, category, label, content) => { trace.fromLogContent(category, content); ... }`
 * with `transportOptions.traceSip: true` (sip.js logs the messages only then).
 */
export class SipTrace {
  readonly capacity: number;
  private readonly ring: SipTraceEntry[] = [];
  /** Where the next message goes once the ring is full. */
  private next = 0;
  private seen = 0;
  private readonly now: () => Date;

  constructor(options: { capacity?: number; now?: () => Date } = {}) {
    const capacity = options.capacity ?? DEFAULT_TRACE_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be ≥ 1, got ${capacity}`);
    this.capacity = capacity;
    this.now = options.now ?? (() => new Date());
  }

  /** Masks and stores one message, dropping the oldest when full. */
  record(direction: SipDirection, message: string): SipTraceEntry {
    let masked: string;
    try {
      masked = maskSipMessage(message);
    } catch {
      // A masking bug must neither break the transport that logs to us nor let the message through.
      masked = '[message left out: it could not be masked]';
    }
    const entry: SipTraceEntry = Object.freeze({ at: this.now().getTime(), direction, message: masked });
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.seen += 1;
    return entry;
  }

  /**
   * Feeds the trace from a sip.js log line; anything that is not a traced SIP message is ignored.
   * Never throws (it runs inside sip.js's transport). Returns whether a message was stored.
   */
  fromLogContent(category: string, content: unknown): boolean {
    try {
      const parsed = parseTraceLog(category, content);
      if (!parsed) return false;
      this.record(parsed.direction, parsed.message);
      return true;
    } catch {
      return false;
    }
  }

  /** The kept messages, oldest first. */
  entries(): SipTraceEntry[] {
    if (this.ring.length < this.capacity) return [...this.ring];
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  get size(): number {
    return this.ring.length;
  }

  /** How many older messages fell out of the ring. */
  get dropped(): number {
    return this.seen - this.ring.length;
  }

  clear(): void {
    this.ring.length = 0;
    this.next = 0;
    this.seen = 0;
  }

  /** The trace as text: one block per message, with its ISO time (UTC) and direction. */
  toText(): string {
    return formatTrace(this.entries(), { capacity: this.capacity, dropped: this.dropped });
  }
}

export function formatTrace(
  entries: readonly SipTraceEntry[],
  info: { capacity?: number; dropped?: number } = {},
): string {
  const lines = [
    `# SIP trace: ${entries.length} message${entries.length === 1 ? '' : 's'}, oldest first, times in UTC.`,
    '# Numbers, names, passwords and keys were masked when each message was recorded.',
  ];
  if (info.dropped) {
    lines.push(
      `# ${info.dropped} older message${info.dropped === 1 ? ' is' : 's are'} not kept (the trace holds the last ${info.capacity ?? entries.length}).`,
    );
  }
  const blocks = entries.map(
    (entry) => `=== ${new Date(entry.at).toISOString()} ${entry.direction} ===\n${entry.message.replace(/\n+$/, '')}\n`,
  );
  return `${lines.join('\n')}\n\n${blocks.join('\n')}`;
}
