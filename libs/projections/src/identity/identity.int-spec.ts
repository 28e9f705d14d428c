import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { EventToAppend, JsonObject, RecordedEvent } from '@touchline/event-store';
import { waitFor } from '@touchline/testing';
import { projectInMemory } from '../fold';
import { defineProjection } from '../projection.definition';
import { EngineHarness, ManualSource } from '../testing/engine-harness';
import { groupTotals } from '../testing/group-totals.fixture';

const h = new EngineHarness();
beforeAll(() => h.setup());
afterAll(() => h.teardown());
afterEach(() => h.closeEngines());

const event = (type: string, data: JsonObject): EventToAppend => ({
  eventId: randomUUID(),
  type,
  data,
});
const buy = (cents: number) => event('purchase', { cents });

/** merged / unmerged in both streams, in one append, as ops records them. */
async function recordMerge(type: 'merged' | 'unmerged', survivor: string, merged: string) {
  await h.store.appendToStreams(
    [survivor, merged].map((id) => ({
      streamId: `c-${id}`,
      events: [event(type, { survivor, merged })],
      expectedRevision: 'any' as const,
    })),
  );
}

/**
 * The streams' events in log order. Read by stream: the global log shows nothing behind a
 * transaction left open anywhere on the server (other suites share it).
 */
async function logOf(streams: string[]): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (const stream of streams) events.push(...(await h.store.readStream(stream)));
  return events.sort((a, b) => h.store.compareCheckpoints(a.position, b.position));
}

/** Each projection of this file sees only its own customers (one database per file). */
const scoped = (name: string, scope: string) =>
  defineProjection({
    ...groupTotals,
    name,
    rowKey: (e, context) =>
      e.streamId.startsWith(`c-${scope}`) || e.streamId.startsWith(`a-${scope}`)
        ? groupTotals.rowKey(e, context)
        : null,
  });

async function rows(name: string): Promise<Record<string, unknown>> {
  return h.viewRows(name);
}

describe('identity on the engine (PostgreSQL)', () => {
  it('live and rebuilt: the same rows as a fold of the whole log; the map is per build', async () => {
    const scope = `l${randomUUID().slice(0, 6)}`;
    const [s, m] = [`${scope}s`, `${scope}m`];
    const definition = scoped('identity_live', scope);
    const engine = h.engine({ projections: [definition], batchSize: 2, rebuildBatchSize: 3 });
    await engine.start();

    await h.store.appendToStream(`c-${m}`, [buy(100), buy(200)], 'any');
    await h.store.appendToStream(`c-${s}`, [buy(10)], 'any');
    await h.store.appendToStream(`a-${scope}x`, [buy(7)], 'any');
    await recordMerge('merged', s, m);
    await h.store.appendToStream(`c-${m}`, [buy(1000)], 'any');
    await h.store.appendToStream(`c-${s}`, [event('linked', { anonymous: `${scope}x` })], 'any');

    const expected = () =>
      logOf([`c-${s}`, `c-${m}`, `a-${scope}x`]).then((log) =>
        Object.fromEntries(
          [...projectInMemory(definition, log).rows].sort(([a], [b]) => (a < b ? -1 : 1)),
        ),
      );
    await waitFor(
      async () => isDeepStrictEqual(await rows(definition.name), await expected()) || undefined,
      { timeoutMs: 20_000, what: 'the rows of a fold of the log' },
    );
    expect(await rows(definition.name)).toEqual({
      [m]: { customer: m, counts: s, purchases: 0, cents: 0 },
      [s]: { customer: s, counts: null, purchases: 5, cents: 1317 },
    });
    const links = async () =>
      (
        await h.pool.query(
          `SELECT l.alias, l.parent FROM projections.identity_links l
             JOIN projections.registry r ON r.name = l.name AND r.live_generation = l.generation
            WHERE l.name = $1 ORDER BY alias`,
          [definition.name],
        )
      ).rows;
    expect(await links()).toEqual([
      { alias: `a-${scope}x`, parent: `c-${s}` },
      { alias: `c-${m}`, parent: `c-${s}` },
    ]);

    const live = await rows(definition.name);
    const { generation } = await engine.rebuild(definition.name);
    await engine.waitForRebuild(definition.name, generation);
    expect(await rows(definition.name)).toEqual(live);
    expect(await links()).toHaveLength(2);

    await recordMerge('unmerged', s, m);
    await waitFor(
      async () => isDeepStrictEqual(await rows(definition.name), await expected()) || undefined,
      { timeoutMs: 20_000, what: 'the rows of a fold of the log' },
    );
    expect(await rows(definition.name)).toEqual({
      [m]: { customer: m, counts: null, purchases: 3, cents: 1300 },
      [s]: { customer: s, counts: null, purchases: 2, cents: 17 },
    });
    expect(await links()).toEqual([{ alias: `a-${scope}x`, parent: `c-${s}` }]);
  });

  it.each([
    [
      'ahead: the duplicate partition applies the merge before the survivor partition brings its events',
      'ahead',
    ],
    [
      'behind: the survivor partition applies the merge before the duplicate partition catches up',
      'behind',
    ],
  ])('a partitioned source, %s; redelivery changes nothing', async (_title, order) => {
    const scope = `p${randomUUID().slice(0, 6)}`;
    const [s, m] = [`${scope}s`, `${scope}m`];
    const definition = scoped(`identity_${order}`, scope);
    const source = new ManualSource();
    const engine = h.engine({ projections: [definition], liveSource: () => source });
    await engine.start();
    const consumer = source.consumer!;

    await h.store.appendToStream(`c-${m}`, [buy(1)], 'any');
    await h.store.appendToStream(`c-${s}`, [buy(10)], 'any');
    await recordMerge('merged', s, m);
    await h.store.appendToStream(`c-${m}`, [buy(100)], 'any');
    await h.store.appendToStream(`c-${s}`, [buy(1000)], 'any');
    const log = await logOf([`c-${s}`, `c-${m}`]);
    const of = (id: string) => log.filter((e) => e.streamId === `c-${id}`);
    // Like Kafka partitions keyed by customer: one partition per customer, each in its own order.
    const batch = (partition: string, events: RecordedEvent[]) => ({
      partition,
      records: events.map((e) => ({ event: e, cursor: `${partition}:${e.revision}` })),
    });
    expect(await consumer.cursorOf('m')).toBeNull();
    expect(await consumer.cursorOf('s')).toBeNull();
    if (order === 'ahead') {
      expect(await consumer.apply(batch('m', of(m)))).toBe('applied');
      expect(await consumer.apply(batch('s', of(s)))).toBe('applied');
    } else {
      expect(await consumer.apply(batch('m', of(m).slice(0, 1)))).toBe('applied');
      expect(await consumer.apply(batch('s', of(s)))).toBe('applied');
      expect(await consumer.apply(batch('m', of(m).slice(1)))).toBe('applied');
    }
    const expected = Object.fromEntries(
      [...projectInMemory(definition, log).rows].sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    expect(expected[s]).toEqual({ customer: s, counts: null, purchases: 4, cents: 1111 });
    expect(await rows(definition.name)).toEqual(expected);

    // Both partitions delivered again whole, as after a rebalance: nothing changes.
    expect(await consumer.apply(batch('m', of(m)))).toBe('applied');
    expect(await consumer.apply(batch('s', of(s)))).toBe('applied');
    expect(await rows(definition.name)).toEqual(expected);
  });
});
