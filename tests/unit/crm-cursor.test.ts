import { describe, expect, it } from 'vitest';
import { BadCursorError, decodeCursor, encodeCursor } from '../../tools/crm/store.js';

describe('reference CRM cursor', () => {
  it('reads back what it wrote, ids in any script included, within the protocol’s 1000 characters', () => {
    for (const [time, id] of [
      [0, ''],
      [1764080000500, 'CUST-0000001-K1'],
      [1764080000500, 'Παπαδόπουλος/Иванов/ș'.padEnd(200, 'ő')],
    ] as const) {
      const cursor = encodeCursor(time, id, 'store-a');
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(cursor.length).toBeLessThanOrEqual(1000);
      expect(decodeCursor(cursor, 'store-a')).toEqual([time, id]);
    }
  });

  it('refuses anything it could not have written', () => {
    const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const foreign = [
      '',
      '***',
      'abc',
      json({}),
      json([1, 'a']),
      json([1.5, 'a', 'store-a']),
      json([-1, 'a', 'store-a']),
      json([1, 2, 'store-a']),
      json([1, 'x'.repeat(201), 'store-a']),
      // A cursor of another store, or of this one before a reset.
      json([1, 'a', 'store-b']),
      encodeCursor(1, 'a', 'store-b'),
    ];
    for (const cursor of foreign) expect(() => decodeCursor(cursor, 'store-a'), cursor).toThrow(BadCursorError);
  });
});
