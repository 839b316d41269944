import type { z } from 'zod';
import { CoreMessage, UiMessage, type ContractError } from './messages.js';

export type Parsed<T> = { ok: true; value: T; id?: undefined } | { ok: false; error: ContractError; id?: string };

function toIssues(error: z.ZodError): NonNullable<ContractError['issues']> {
  return error.issues
    .slice(0, 10)
    .map((issue) => ({ path: issue.path.join('.') || '(message)', message: issue.message }));
}

/** Turns a zod failure into the typed error the contract answers with. */
export function contractErrorOf(error: z.ZodError, what: string): ContractError {
  return { code: 'malformed', message: `${what} does not match the contract`, issues: toIssues(error) };
}

function parseWith<T>(schema: z.ZodType<T>, raw: unknown, what: string): Parsed<T> {
  let data = raw;
  if (typeof raw === 'string') {
    try {
      data = JSON.parse(raw);
    } catch {
      return { ok: false, error: { code: 'malformed', message: `${what} is not valid JSON` } };
    }
  }
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, value: result.data };
  // Keep the id when there is one, so that the sender gets its answer instead of waiting forever.
  const id =
    data && typeof data === 'object' && typeof (data as { id?: unknown }).id === 'string'
      ? ((data as { id: string }).id.slice(0, 64) as string)
      : undefined;
  return { ok: false, error: contractErrorOf(result.error, what), id };
}

/** Validates a message from the UI (a string off the wire, or an object from IPC). */
export function parseUiMessage(raw: unknown): Parsed<UiMessage> {
  return parseWith(UiMessage, raw, 'The message from the UI');
}

/** Validates a message from the core (the UI trusts nothing it has not checked either). */
export function parseCoreMessage(raw: unknown): Parsed<CoreMessage> {
  return parseWith(CoreMessage, raw, 'The message from the core');
}
