import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@touchline/event-store';
import { waitFor } from '@touchline/testing';
import { projectInMemory } from './fold';
import type { SourceBatch } from './source.port';
import {
  appendAll,
  customerPurchases,
  enquiry,
  erased,
  latest,
  purchase,
  readLogThrough,
  refund,
} from './testing/customer-purchases.fixture';
import { EngineHarness, ManualSource, recordActivity } from './testing/engine-harness';

const h = new EngineHarness();
beforeAll(() => h.setup());
afterEach(() => h.closeEngines());
afterAll(() => h.teardown());

/** A scope per test: projections read the whole shared log but only take their own customers. */
const newScope = () => `t${randomUUID().slice(0, 8)}-`;
/** This scope's events, once the log is readable through `position`. */
const scoped = async (scope: string, position: string): Promise<RecordedEvent[]> =>
  (await readLogThrough(h.store, position)).filter((e) =>
    e.streamId.startsWith(`customer-${scope}`),
  );
const asBatch = (
  partition: string,
  events: RecordedEvent[],
  commit?: () => Promise<void>,
): SourceBatch => ({
  partition,
  records: events.map((event) => ({ event, cursor: event.position })),
  commit,
});

describe('ProjectionEngine: applying events', () => {
  it('given events, expect rows: per customer purchases and total, through the read view', async () => {
    const scope = newScope();
    const definition = customerPurchases({ name: 'purchases_basic', scope });
    const engine = h.engine({ projections: [definition] });
    await engine.start();

    await appendAll(h.store, `${scope}ann`, [
      purchase(1_000),
      enquiry(),
      purchase(250),
      refund(100),
    ]);
    await appendAll(h.store, `${scope}bob`, [purchase(99)]);
    await appendAll(h.store, `${scope}cid`, [purchase(5)]);
    const last = await appendAll(h.store, `${scope}cid`, [erased()]);

    expect(await engine.waitForPosition([definition.name], last, 10_000)).toMatchObject({
      reached: true,
    });
    expect(await h.viewRows(definition.name)).toEqual({
      [`${scope}ann`]: {
        customerId: `${scope}ann`,
        purchases: 2,
        totalCents: 1_150,
        refunds: 1,
        lastComment: null,
      },
      [`${scope}bob`]: {
        customerId: `${scope}bob`,
        purchases: 1,
        totalCents: 99,
        refunds: 0,
        lastComment: null,
      },
    });
    expect(await engine.getRow(definition.name, `${scope}bob`)).toMatchObject({ purchases: 1 });
    expect(await engine.getRow(definition.name, `${scope}cid`)).toBeNull();
    expect(await h.tableExists('purchases_basic_v1_g1')).toBe(true);
  });

  it('applies many events per transaction and keeps per-customer order', async () => {
    const scope = newScope();
    const definition = customerPurchases({ name: 'purchases_batches', scope });
    const { activities, observer } = recordActivity();
    const engine = h.engine({ projections: [definition], observer, batchSize: 200 });
    await engine.start();
    const positions: string[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async (_, c) => {
        for (let i = 0; i < 20; i++) {
          positions.push(
            await appendAll(h.store, `${scope}${c}`, [
              purchase(i),
              i % 5 === 4 ? refund(1) : enquiry(),
            ]),
          );
        }
      }),
    );
    const head = latest(h.store, positions);
    expect((await engine.waitForPosition([definition.name], head, 20_000)).reached).toBe(true);
    const expected = projectInMemory(definition, await scoped(scope, head)).rows;
    expect(await h.viewRows(definition.name)).toEqual(Object.fromEntries([...expected].sort()));
    const batches = activities.filter(
      (a) => a.type === 'batch-committed' && a.projection === definition.name,
    );
    expect(batches.length).toBeLessThan(400);
  });
});

describe('ProjectionEngine: redelivery and concurrent runners (pluggable source)', () => {
  it('redelivery of an already applied batch changes nothing', async () => {
    const scope = newScope();
    const definition = customerPurchases({ name: 'purchases_redelivery', scope });
    const source = new ManualSource();
    const { activities, observer } = recordActivity();
    const engine = h.engine({ projections: [definition], liveSource: () => source, observer });
    await engine.start();
    const consumer = source.consumer!;

    await appendAll(h.store, `${scope}a`, [purchase(100), purchase(50)]);
    const events = await scoped(scope, await appendAll(h.store, `${scope}b`, [purchase(7)]));
    const snapshot = async () => ({
      rows: (
        await h.pool.query('SELECT * FROM projections.purchases_redelivery_v1_g1 ORDER BY key')
      ).rows,
      streams: (
        await h.pool.query(
          'SELECT * FROM projections.purchases_redelivery_v1_g1_streams ORDER BY stream_id',
        )
      ).rows,
      checkpoint: (
        await h.pool.query(
          `SELECT source_cursor, applied_position FROM projections.checkpoints WHERE name = $1`,
          [definition.name],
        )
      ).rows,
    });

    expect(await consumer.cursorOf('journey:0')).toBeNull();
    expect(await consumer.apply(asBatch('journey:0', events))).toBe('applied');
    const applied = await snapshot();
    expect(applied.rows.map((r: { data: unknown }) => r.data)).toEqual([
      expect.objectContaining({ purchases: 2, totalCents: 150 }),
      expect.objectContaining({ purchases: 1, totalCents: 7 }),
    ]);

    // The same batch again, as a consumer group redelivers after a rebalance.
    expect(await consumer.apply(asBatch('journey:0', events))).toBe('applied');
    expect(await snapshot()).toEqual(applied);
    expect(
      activities
        .filter((a) => a.type === 'batch-committed')
        .map((a) => a.type === 'batch-committed' && a.applied),
    ).toEqual([3, 0]);

    // An overlapping redelivery: the old tail plus one new event; only the new one counts.
    const fresh = (await scoped(scope, await appendAll(h.store, `${scope}a`, [purchase(1)]))).at(
      -1,
    )!;
    expect(await consumer.apply(asBatch('journey:0', [events[1]!, events[2]!, fresh]))).toBe(
      'applied',
    );
    expect(await engine.getRow(definition.name, `${scope}a`)).toMatchObject({
      purchases: 3,
      totalCents: 151,
    });
    expect(await engine.getRow(definition.name, `${scope}b`)).toMatchObject({
      purchases: 1,
      totalCents: 7,
    });
  });

  it('two runners of one projection never double-apply: the loser of the checkpoint compare-and-set rolls back', async () => {
    const scope = newScope();
    const definition = customerPurchases({ name: 'purchases_cas', scope });
    const sources = [new ManualSource(), new ManualSource()];
    const [one, two] = [
      h.engine({ projections: [definition], liveSource: () => sources[0]! }),
      h.engine({ projections: [definition], liveSource: () => sources[1]! }),
    ];
    await one!.start();
    await two!.start();
    const [first, second] = sources.map((s) => s.consumer!);

    const events = await scoped(
      scope,
      await appendAll(h.store, `${scope}a`, [purchase(1), purchase(2), purchase(4), purchase(8)]),
    );
    expect(await first!.cursorOf('p')).toBeNull();
    expect(await second!.cursorOf('p')).toBeNull();

    const committed: string[] = [];
    const onCommit = (who: string) => async () => {
      // Called after the database commit: another connection already sees the checkpoint.
      const { rows } = await h.pool.query(
        'SELECT source_cursor FROM projections.checkpoints WHERE name = $1',
        [definition.name],
      );
      committed.push(`${who}@${rows[0].source_cursor}`);
    };
    expect(await first!.apply(asBatch('p', events.slice(0, 2), onCommit('first')))).toBe('applied');
    // The second runner read further from the same checkpoint: it must write none of it.
    expect(await second!.apply(asBatch('p', events.slice(0, 3), onCommit('second')))).toBe(
      'resync',
    );
    expect(await one!.getRow(definition.name, `${scope}a`)).toMatchObject({
      purchases: 2,
      totalCents: 3,
    });
    expect(committed).toEqual([`first@${events[1]!.position}`]);

    // It continues from the winner's checkpoint; the first one is now the stale one.
    expect(await second!.cursorOf('p')).toBe(events[1]!.position);
    expect(await second!.apply(asBatch('p', events.slice(2, 3)))).toBe('applied');
    expect(await first!.apply(asBatch('p', events.slice(2, 4)))).toBe('resync');
    await first!.cursorOf('p');

    // Truly at once (on a server, two connections): exactly one of them applies.
    const outcomes = await Promise.all([
      first!.apply(asBatch('p', events.slice(3))),
      second!.apply(asBatch('p', events.slice(3))),
    ]);
    expect(outcomes.sort()).toEqual(['applied', 'resync']);
    expect(await one!.getRow(definition.name, `${scope}a`)).toMatchObject({
      purchases: 4,
      totalCents: 15,
    });
  });
});

describe('ProjectionEngine: poison events', () => {
  const poisonLog = async (scope: string) => {
    await appendAll(h.store, `${scope}a`, [purchase(10), purchase(20), purchase(-1), purchase(5)]);
    const last = await appendAll(h.store, `${scope}b`, [purchase(7)]);
    const events = await scoped(scope, last);
    return { last, poison: events[2]!, beforePoison: events[1]! };
  };

  it("under 'dead-letter': the event is recorded with its reason and everything else is applied", async () => {
    const scope = newScope();
    const definition = customerPurchases({
      name: 'purchases_dead_letter',
      scope,
      onPoison: 'dead-letter',
    });
    const engine = h.engine({ projections: [definition] });
    await engine.start();
    const { last, poison } = await poisonLog(scope);

    expect((await engine.waitForPosition([definition.name], last, 10_000)).reached).toBe(true);
    expect(await engine.getRow(definition.name, `${scope}a`)).toMatchObject({
      purchases: 3,
      totalCents: 35,
    });
    expect(await engine.getRow(definition.name, `${scope}b`)).toMatchObject({
      purchases: 1,
      totalCents: 7,
    });
    const letters = await engine.deadLetters(definition.name);
    expect(letters).toEqual([
      expect.objectContaining({
        projection: definition.name,
        version: 1,
        eventId: poison.eventId,
        eventType: 'purchase',
        streamId: `customer-${scope}a`,
        streamRevision: 2,
        position: poison.position,
        reason: 'RangeError: purchase with invalid amount -1',
      }),
    ]);
    const status = (await engine.status()).find((s) => s.name === definition.name)!;
    expect(status).toMatchObject({ state: 'running', deadLetters: 1, healthy: true });
  });

  it("under 'dead-letter': an event whose row the database refuses is isolated from its batch", async () => {
    const scope = newScope();
    const definition = customerPurchases({
      name: 'purchases_refused',
      scope,
      onPoison: 'dead-letter',
    });
    const engine = h.engine({ projections: [definition] });
    await engine.start();
    // "%00" decodes to NUL, which jsonb cannot hold: only PostgreSQL can tell, at write time.
    await appendAll(h.store, `${scope}a`, [
      purchase(10, 'ok%20then'),
      purchase(5, 'bad%00byte'),
      purchase(1),
    ]);
    const last = await appendAll(h.store, `${scope}b`, [purchase(2, 'fine')]);

    expect((await engine.waitForPosition([definition.name], last, 10_000)).reached).toBe(true);
    expect(await engine.getRow(definition.name, `${scope}a`)).toMatchObject({
      purchases: 2,
      totalCents: 11,
      lastComment: 'ok then',
    });
    expect(await engine.getRow(definition.name, `${scope}b`)).toMatchObject({
      purchases: 1,
      lastComment: 'fine',
    });
    const [letter] = await engine.deadLetters(definition.name);
    expect(letter).toMatchObject({ streamId: `customer-${scope}a`, streamRevision: 1 });
    expect(letter!.reason).toMatch(/unicode|\\u0000/i);
  });

  it("under 'stop' (default): the projection fails, its position stays before the event, and resume retries it", async () => {
    const scope = newScope();
    let fixed = false;
    const definition = customerPurchases({
      name: 'purchases_stop',
      scope,
      acceptNegative: () => fixed,
    });
    const engine = h.engine({ projections: [definition] });
    await engine.start();
    const { last, poison, beforePoison } = await poisonLog(scope);

    const failed = await waitFor(
      async () =>
        (await engine.status()).find((s) => s.name === definition.name && s.state === 'failed'),
      {
        what: 'the projection to fail',
      },
    );
    expect(failed).toMatchObject({
      checkpoint: beforePoison.position,
      healthy: false,
      caughtUp: false,
      lastError: {
        message: 'RangeError: purchase with invalid amount -1',
        event: {
          eventId: poison.eventId,
          streamId: `customer-${scope}a`,
          revision: 2,
          position: poison.position,
          type: 'purchase',
        },
      },
    });
    expect(failed.lagEvents).toBeGreaterThanOrEqual(3);
    expect(await engine.getRow(definition.name, `${scope}a`)).toMatchObject({
      purchases: 2,
      totalCents: 30,
    });
    expect(await engine.getRow(definition.name, `${scope}b`)).toBeNull();
    expect(await engine.waitForPosition([definition.name], last, 200)).toEqual({
      reached: false,
      positions: { [definition.name]: beforePoison.position },
    });
    expect(await engine.deadLetters(definition.name)).toEqual([]);

    // A fixed deployment: resume retries the event it stopped at.
    fixed = true;
    await engine.resume(definition.name);
    expect((await engine.waitForPosition([definition.name], last, 10_000)).reached).toBe(true);
    expect(await engine.getRow(definition.name, `${scope}a`)).toMatchObject({
      purchases: 4,
      totalCents: 35,
    });
    expect((await engine.status()).find((s) => s.name === definition.name)).toMatchObject({
      state: 'running',
      healthy: true,
    });
  });
});
