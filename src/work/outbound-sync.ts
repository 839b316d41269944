import { normaliseNumber } from '../customers/numbers.js';
import type { Db } from '../storage/database.js';
import type { OutboundListData } from '../sync/protocol.js';

/**
 * Writes the outbound lists the CRM sends (kind `outboundList`) into the desk's lists, inside the
 * sync's page transaction. A list keeps the CRM's id and version; a newer version updates the
 * entries not yet called, adds new ones and drops the ones the CRM took off, while an entry the
 * agent has called keeps its outcome, attempts and place (after the CRM's entries when the CRM
 * dropped it): nothing the agent recorded is lost to a list's update.
 */
export class OutboundListWriter {
  private readonly sql;

  constructor(db: Db) {
    const prepare = (source: string) => db.prepare(source);
    this.sql = {
      list: prepare('SELECT id, version FROM outbound_lists WHERE external_id = ?'),
      insertList: prepare('INSERT INTO outbound_lists (name, imported_at, external_id, version) VALUES (?, ?, ?, ?)'),
      updateList: prepare('UPDATE outbound_lists SET name = ?, version = ? WHERE id = ?'),
      deleteList: prepare('DELETE FROM outbound_lists WHERE external_id = ?'),
      entries: prepare('SELECT id, external_id, status FROM outbound_entries WHERE list_id = ?'),
      // Positions are unique in a list: moved out of the way first, then given anew.
      park: prepare('UPDATE outbound_entries SET position = -position - 1 WHERE list_id = ?'),
      insertEntry: prepare(`
        INSERT INTO outbound_entries (list_id, position, number, name, customer_id, note, status, external_id)
        VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`),
      updatePending: prepare(
        'UPDATE outbound_entries SET position = ?, number = ?, name = ?, customer_id = ?, note = ? WHERE id = ?',
      ),
      move: prepare('UPDATE outbound_entries SET position = ? WHERE id = ?'),
      deleteEntry: prepare('DELETE FROM outbound_entries WHERE id = ?'),
      customerByKey: prepare('SELECT id FROM customers WHERE external_id = ?').pluck(),
      customerByNumber: prepare('SELECT customer_id FROM phones WHERE e164 = ? ORDER BY customer_id LIMIT 1').pluck(),
    };
  }

  /** False when the desk has a newer version of the list already. */
  apply(
    externalId: string,
    version: number,
    updatedAt: number,
    data: OutboundListData | undefined,
    region: string,
  ): boolean {
    const sql = this.sql;
    const existing = sql.list.get(externalId) as { id: number; version: number | null } | undefined;
    if (existing && (existing.version ?? 0) > version) return false;
    if (!data) {
      // Deleted in the CRM: the outcomes recorded went to the CRM already (or wait in the outbox).
      sql.deleteList.run(externalId);
      return true;
    }
    let listId: number;
    if (existing) {
      listId = existing.id;
      sql.updateList.run(data.name, version, listId);
    } else {
      listId = Number(sql.insertList.run(data.name, updatedAt, externalId, version).lastInsertRowid);
    }
    const current = new Map(
      (sql.entries.all(listId) as { id: number; external_id: string | null; status: string }[]).map((row) => [
        row.external_id,
        row,
      ]),
    );
    sql.park.run(listId);
    let position = 0;
    const seen = new Set<string>();
    for (const entry of data.entries) {
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
      const number = normaliseNumber(entry.number, region) ?? entry.number.trim();
      const customerId =
        ((entry.customerId ? sql.customerByKey.get(entry.customerId) : undefined) as number | undefined) ??
        (sql.customerByNumber.get(number) as number | undefined) ??
        null;
      const row = current.get(entry.id);
      if (!row) {
        sql.insertEntry.run(listId, position, number, entry.name ?? null, customerId, entry.note, entry.id);
      } else if (row.status === 'pending') {
        sql.updatePending.run(position, number, entry.name ?? null, customerId, entry.note, row.id);
      } else {
        // Called already (or being called): its number and outcome stay as the agent saw them.
        sql.move.run(position, row.id);
      }
      position += 1;
    }
    for (const [key, row] of current) {
      if (key !== null && seen.has(key)) continue;
      if (row.status === 'pending') sql.deleteEntry.run(row.id);
      else sql.move.run(position++, row.id);
    }
    return true;
  }
}
