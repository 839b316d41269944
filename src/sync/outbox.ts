import { randomUUID } from 'node:crypto';
import type { Db } from '../storage/database.js';
import type { MutationKind } from './protocol.js';

/**
 * Writing to the outbox (the `outbox` table, migration 003): every change made at the desk goes in
 * here in the same transaction as the change itself, with a mutation id of its own that the CRM
 * applies at most once. The caller holds the transaction.
 */

export interface OutboxEntry {
  kind: MutationKind;
  /** The record created or changed (the CRM's id, or the one the desk gave a record it created). */
  recordId: string;
  /** Everything about one customer shares a stream, `customer:<customer's CRM id>`: one order. */
  stream: string;
  /** The customer in this cache it is about. */
  customerId?: number;
  /** For updates: the CRM version of the record the change was made on. */
  baseVersion?: number;
  data: object;
  createdAt: number;
}

export const customerStream = (customerExternalId: string): string => `customer:${customerExternalId}`;

export class OutboxWriter {
  private readonly insert;
  private readonly waiting;

  constructor(db: Db) {
    this.insert = db.prepare(
      `INSERT INTO outbox (mutation_id, kind, stream, record_id, customer_id, base_version, data, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.waiting = db.prepare("SELECT count(*) FROM outbox WHERE state != 'dropped'").pluck();
  }

  /** Adds a change; returns its mutation id. */
  add(entry: OutboxEntry): string {
    const mutationId = randomUUID();
    this.insert.run(
      mutationId,
      entry.kind,
      entry.stream,
      entry.recordId,
      entry.customerId ?? null,
      entry.baseVersion ?? null,
      JSON.stringify(entry.data),
      entry.createdAt,
    );
    return mutationId;
  }

  /** Changes the CRM has not taken yet: waiting to go, or waiting for the agent's decision. */
  pending(): number {
    return this.waiting.get() as number;
  }
}
