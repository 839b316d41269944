import type { z } from 'zod';
import type { CrmConnector } from './connector.js';
import { SyncError } from './connector.js';
import {
  PROTOCOL_PATH,
  PullResponse,
  PushResponse,
  type Mutation,
  type MutationResult,
  type PullResponse as PullResponseType,
} from './protocol.js';

export interface HttpConnectorOptions {
  /** The CRM's sync address as the settings give it: its origin, with or without /sync/v1. */
  url: string;
  token: string;
  /** One request's deadline (default 30 s): a CRM that does not answer counts as unreachable. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The base URL of the protocol for what the agent or IT typed: https anywhere, http only to this
 * machine (the reference CRM, tests); the protocol path appended when it is not there.
 */
export function syncBaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new SyncError('insecure-url', `"${url}" is not a web address.`);
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && LOOPBACK.test(parsed.hostname))) {
    throw new SyncError(
      'insecure-url',
      `The CRM address must start with https:// (plain http is accepted only for this computer): ${parsed.origin}`,
    );
  }
  parsed.username = '';
  parsed.password = '';
  const path = parsed.pathname.replace(/\/+$/, '');
  parsed.pathname = path.endsWith(PROTOCOL_PATH) ? path : `${path}${PROTOCOL_PATH}`;
  parsed.search = '';
  parsed.hash = '';
  return parsed;
}

/** The sync protocol of docs/sync-protocol.md over HTTPS, with a bearer token. */
export class HttpSyncConnector implements CrmConnector {
  readonly server: string;
  private readonly base: URL;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpConnectorOptions) {
    this.base = syncBaseUrl(options.url);
    this.server = this.base.host;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async pull(request: { after?: string; limit: number; estimate: boolean }, signal?: AbortSignal) {
    const url = new URL(`${this.base.href}/changes`);
    if (request.after !== undefined) url.searchParams.set('after', request.after);
    url.searchParams.set('limit', String(request.limit));
    if (request.estimate) url.searchParams.set('estimate', '1');
    return this.request(url, { method: 'GET' }, PullResponse, signal) as Promise<PullResponseType>;
  }

  async push(
    { origin, mutations }: { origin: string; mutations: readonly Mutation[] },
    signal?: AbortSignal,
  ): Promise<MutationResult[]> {
    const url = new URL(`${this.base.href}/mutations`);
    const body = JSON.stringify({ origin, mutations });
    const response = await this.request(url, { method: 'POST', body }, PushResponse, signal);
    const results = (response as PushResponse).results;
    const sent = new Set(mutations.map((mutation) => mutation.id));
    if (results.length !== mutations.length || results.some((result) => !sent.has(result.id))) {
      throw new SyncError('protocol', 'The CRM answered for other changes than those sent.');
    }
    return results;
  }

  private async request<T extends z.ZodType>(
    url: URL,
    init: { method: string; body?: string },
    schema: T,
    signal?: AbortSignal,
  ): Promise<z.infer<T>> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(url, {
        ...init,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/json',
          ...(init.body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw error;
      const reason = timeout.aborted ? `no answer within ${Math.round(this.timeoutMs / 1000)} s` : describe(error);
      throw new SyncError('unreachable', `The CRM at ${this.server} could not be reached (${reason}).`);
    }
    if (response.status === 401 || response.status === 403) {
      throw new SyncError(
        'unauthorized',
        response.status === 401
          ? `The CRM at ${this.server} did not accept the token. Enter the token IT gave you in Settings.`
          : `The CRM at ${this.server} does not allow this token to sync. Ask IT for a token with that right.`,
      );
    }
    if (response.status === 429 || response.status >= 500) {
      throw new SyncError(
        'server',
        `The CRM at ${this.server} is busy or failing (HTTP ${response.status}).`,
        retryAfter(response.headers.get('retry-after')),
      );
    }
    if (response.status === 400 && /"bad-cursor"/.test(text)) {
      throw new SyncError('bad-cursor', 'The CRM does not know where the last sync stopped.');
    }
    if (response.status !== 200) {
      throw new SyncError('refused', `The CRM at ${this.server} refused the request (HTTP ${response.status}).`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SyncError('protocol', `The CRM at ${this.server} answered something that is not JSON.`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues[0]?.path.join('.') || 'the answer';
      throw new SyncError('protocol', `The CRM at ${this.server} answered outside the sync protocol (at ${where}).`);
    }
    return parsed.data;
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? 'network error';
}

/** Retry-After in seconds or as an HTTP date; capped at 10 minutes. */
function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, 600_000) : undefined;
}
