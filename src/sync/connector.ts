import type { Mutation, MutationResult, PullResponse } from './protocol.js';

/**
 * What the sync needs from a CRM. One connector speaks our documented protocol over HTTPS
 * (http-connector.ts); a CRM with an API of its own gets a connector of its own that maps its
 * records and changes onto these shapes (docs/sync-protocol.md says what each must mean).
 */
export interface CrmConnector {
  /** A short description for the status ("crm.example.com"), without credentials. */
  readonly server: string;
  /** The records changed after `after` (a cursor from an earlier page), oldest change first. */
  pull(request: { after?: string; limit: number; estimate: boolean }, signal?: AbortSignal): Promise<PullResponse>;
  /** Delivers changes written at the desk (`origin`: the desk's id); one result per mutation, in order. */
  push(request: { origin: string; mutations: readonly Mutation[] }, signal?: AbortSignal): Promise<MutationResult[]>;
}

export type SyncErrorCode =
  /** The CRM could not be reached (network down, refused, reset, timed out): retried. */
  | 'unreachable'
  /** 401/403: the token is wrong or lacks the right; not retried until it changes. */
  | 'unauthorized'
  /** 429 or 5xx: retried, after `retryAfterMs` when the CRM said. */
  | 'server'
  /** An answer we cannot read (not JSON, not the protocol): retried like a server failure. */
  | 'protocol'
  /** The CRM does not know our cursor: pull again from the beginning. */
  | 'bad-cursor'
  /** A request the CRM refused whole (400, 413): a defect on one side; retried slowly. */
  | 'refused'
  /** A plain-HTTP address that is not this machine: refused, the token would travel in clear. */
  | 'insecure-url';

export class SyncError extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}
