import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@touchline/event-store';
import { Pool } from 'pg';
import { projectInMemory } from './fold';
import { PostgresLogStats } from './log-stats/postgres-log-stats';
import {
  appendAll,
  customerPurchases,
  latest,
  purchase,
  readLogThrough,
  refund,
} from './testing/customer-purchases.fixture';
import { EngineHarness, recordActivity } from './testing/engine-harness';
import type { EngineActivity } from './activity';

const h = new EngineHarness();
beforeAll(() => h.setup());
afterAll(() => h.teardown());

const appliedBy = (activities: EngineActivity[], projection: string) =>
  activities.reduce(
    (n, a) => n + (a.type === 'batch-committed' && a.projection === projection ? a.applied : 0),
    0,
  );

describe('ProjectionEngine: two processes running one projection', () => {
  it('apply every event exactly once, also when one of them dies mid-stream', async () => {
    const scope = `c${randomUUID().slice(0, 8)}-`;
    const definition = customerPurchases({ name: 'purchases_two_runners', scope });
    // A second process has its own pool and store; PGlite serves one connection, so there they share it.
    const secondPool =
      h.db.kind === 'server' ? new Pool({ connectionString: h.db.url, max: 5 }) : h.pool;
    const secondStore = new PostgresEventStore(secondPool, { idlePollMs: 20 });
    const one = recordActivity();
    const two = recordActivity();
    const first = h.engine({ projections: [definition], observer: one.observer, batchSize: 25 });
    const second = h.engine(
      {
        projections: [definition],
        observer: two.observer,
        batchSize: 25,
        store: secondStore,
        logStats: new PostgresLogStats(secondPool),
      },
      secondPool,
    );
    try {
      await Promise.all([first.start(), second.start()]);
      const positions: string[] = [];
      const write = (from: number, to: number) =>
        Promise.all(
          Array.from({ length: 6 }, async (_, writer) => {
            for (let i = from; i < to; i++) {
              const events = i % 3 === 0 ? [purchase(i), refund(1)] : [purchase(i)];
              positions.push(await appendAll(h.store, `${scope}${(writer * 7 + i) % 25}`, events));
            }
          }),
        );
      await write(0, 30);
      await first.close(); // the first process dies; the second carries on from the shared checkpoint
      await write(30, 50);
      const head = latest(h.store, positions);
      expect((await second.waitForPosition([definition.name], head, 30_000)).reached).toBe(true);

      const events = (await readLogThrough(h.store, head)).filter((e) =>
        e.streamId.startsWith(`customer-${scope}`),
      );
      const expected = projectInMemory(definition, events).rows;
      const rows = await second.getRows(definition.name, [...expected.keys()]);
      expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(expected));
      // Counted from committed batches only: a batch that lost the compare-and-set applied nothing.
      expect(
        appliedBy(one.activities, definition.name) + appliedBy(two.activities, definition.name),
      ).toBe(events.length);
      expect(appliedBy(two.activities, definition.name)).toBeGreaterThan(0);
    } finally {
      await h.closeEngines();
      await secondStore.close();
      if (secondPool !== h.pool) await secondPool.end();
    }
  });
});
