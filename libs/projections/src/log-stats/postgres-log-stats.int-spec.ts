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
    expect(await stats.head()).toBeNull();

    for (let s = 0; s < 5; s++) {
      await store.appendToStream(
        `customer-stats-${s}`,
        Array.from({ length: 5 }, (_, i) => purchase(s * 5 + i)),
        'no_stream',
      );
    }
    const log = (await store.readAll(null, 100)).events;
    expect(log).toHaveLength(25);
    const head = await stats.head();
    expect(head).toBe(log[24]!.position);

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
