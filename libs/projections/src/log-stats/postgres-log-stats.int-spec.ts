import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type EventToAppend } from '@touchline/event-store';
import { createTestDatabase, type TestDatabase } from '@touchline/testing';
import { PostgresLogStats } from './postgres-log-stats';

const purchase = (i: number): EventToAppend => ({
  eventId: randomUUID(),
  type: 'purchase',
  data: { orderId: `o-${i}`, amount: i, currency: 'EUR' },
  metadata: { source: 'log-stats-test' },
});

describe('PostgresLogStats', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    await PostgresEventStore.migrate(db.pool);
    store = new PostgresEventStore(db.pool);
  });
  afterAll(async () => {
    await store.close();
    await db.destroy();
  });

  it('counts small backlogs exactly and estimates large ones from positions', async () => {
    const stats = new PostgresLogStats(db.pool, { exactUpTo: 10 });
    expect(await stats.backlog(null)).toEqual({ events: 0, oldestRecordedAt: null });

    // Positions from the appends themselves: readAll and head() stop at the oldest transaction
    // open anywhere on the server, which other suites running meanwhile may hold.
    const log: { position: string; recordedAt: Date }[] = [];
    for (let s = 0; s < 5; s++) {
      const result = await store.appendToStream(
        `customer-stats-${s}`,
        Array.from({ length: 5 }, (_, i) => purchase(s * 5 + i)),
        'no_stream',
      );
      for (const e of result.events) {
        const { rows } = await db.pool.query<{ recorded_at: Date }>(
          'SELECT recorded_at FROM touchline.events WHERE event_id = $1',
          [e.eventId],
        );
        log.push({ position: e.position, recordedAt: rows[0]!.recorded_at });
      }
    }
    expect(log).toHaveLength(25);
    const head = log[24]!.position;

    // 25 > 10: estimated. Positions here have no gaps, so the estimate is exact too.
    const all = await stats.backlog(null);
    expect(all.events).toBe(25);
    expect(all.oldestRecordedAt).toEqual(log[0]!.recordedAt);
    expect((await stats.backlog(log[4]!.position)).events).toBe(20);
    // 8 <= 10: counted.
    expect(await stats.backlog(log[16]!.position)).toEqual({
      events: 8,
      oldestRecordedAt: log[17]!.recordedAt,
    });
    expect((await stats.backlog(head)).events).toBe(0);

    // A duplicate append takes no position; a conflicting one rolls back and may leave a gap,
    // which only an estimate can count (it errs high, never low).
    await expect(
      store.appendToStream('customer-stats-0', [purchase(99)], 'no_stream'),
    ).rejects.toThrow();
    await store.appendToStream('customer-stats-0', [purchase(100)], 4);
    const after = await stats.backlog(null);
    expect(after.events).toBeGreaterThanOrEqual(26);
    expect((await stats.backlog(log[24]!.position)).events).toBe(1);
  });
});
