import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { EventToAppend, JsonObject } from '@touchline/event-store';
import { createKafka } from '@touchline/kafka';
import { Relay } from '@touchline/relay';
import {
  describeWithKafka,
  kafkaAvailability,
  startKafka,
  waitFor,
  type KafkaTestCluster,
} from '@touchline/testing';
import type { Kafka } from 'kafkajs';
import { defineProjection } from '../projection.definition';
import type { ProjectionEngine } from '../projection-engine';
import {
  appendAll,
  customerPurchases,
  erased,
  purchase,
  refund,
} from '../testing/customer-purchases.fixture';
import { EngineHarness, recordActivity } from '../testing/engine-harness';
import { relayCheckpoint } from '../testing/relay-checkpoint';
import { kafkaSource, type KafkaSourceFactory } from './kafka.source';

const ROOT = resolve(__dirname, '../../../..');
const PROJECTOR_PROCESS = resolve(__dirname, '../testing/kafka-projector.process.ts');
const serverOnly = process.env.DATABASE_URL ? describeWithKafka : describe.skip;
/**
 * Group failover needs a broker's group coordinator: the kcat mock's does not reliably rebalance a
 * group whose members join at the same moment or are killed (it keeps a dead member as the group's
 * leader; docs/reliability.md, Limits). On a quiet machine this test failed there in three runs of
 * three, while it passed on a busy one: it runs against KAFKA_BROKERS.
 */
const availability = kafkaAvailability();
const onBroker = (name: string, fn: jest.ProvidesCallback, timeout: number): void =>
  availability.available && availability.kind === 'mock'
    ? it.skip(
        `${name} — skipped: needs a Kafka broker (KAFKA_BROKERS); the kcat mock's group coordinator does not reliably rebalance a group whose members die`,
        fn,
        timeout,
      )
    : it(name, fn, timeout);

/** Every field of the stored event, as a row: what the Kafka feed hands evolve must be the store's. */
const eventCopy = (name: string, scope: string) =>
  defineProjection<{
    type: string;
    version: number;
    revision: number;
    data: JsonObject;
    metadata: JsonObject;
    occurredAt: string | null;
    recordedAt: string;
    position: string;
    globalPosition: string;
  }>({
    name,
    version: 1,
    handles: ['purchase', 'refund', 'profile.erased', 'enquiry'],
    rowKey: (e) => (e.streamId.startsWith(`customer-${scope}`) ? e.eventId : null),
    evolve: (_row, e) => ({
      type: e.type,
      version: e.version,
      revision: e.revision,
      data: e.data,
      metadata: e.metadata,
      occurredAt: e.occurredAt?.toISOString() ?? null,
      recordedAt: e.recordedAt.toISOString(),
      position: e.position,
      globalPosition: e.globalPosition,
    }),
  });

function randomEvent(random: () => number): EventToAppend {
  const roll = random();
  const event =
    roll < 0.55
      ? purchase(Math.floor(random() * 10_000), random() < 0.2 ? 'gift%20wrap' : undefined)
      : roll < 0.8
        ? refund(Math.floor(random() * 500))
        : roll < 0.95
          ? { eventId: randomUUID(), type: 'enquiry', data: { text: 'ünïcødé ✓' } }
          : erased();
  return {
    ...event,
    metadata: { correlationId: randomUUID(), source: 'kafka-spec' },
    occurredAt: random() < 0.5 ? new Date(Date.UTC(2024, 0, 1, 0, 0, 0, roll * 1e6)) : undefined,
  };
}

/** A seeded generator: a failure can be replayed with the seed it prints. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

serverOnly('Kafka source (relay → touchline.journey → projections)', () => {
  const h = new EngineHarness();
  let cluster: KafkaTestCluster;
  let kafka: Kafka;
  const cleanup: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    await h.setup();
    await Relay.migrate(h.pool);
    cluster = await startKafka();
    kafka = createKafka({ brokers: cluster.brokers, clientId: 'kafka-source-int-spec' });
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
    await h.closeEngines();
  });

  afterAll(async () => {
    await h.teardown();
    await cluster?.stop();
  }, 60_000);

  /** A relay publishing to a topic of this test's own, and a Kafka source factory on that topic. */
  function pipeline(topic = `journey-${randomUUID().slice(0, 8)}`) {
    const relay = new Relay({ pool: h.pool, store: h.store, kafka, topic, batchSize: 50 });
    relay.start();
    cleanup.push(() => relay.stop());
    const source = (): KafkaSourceFactory => {
      const factory = kafkaSource({
        kafka,
        topic,
        groupPrefix: `spec-${topic}`,
        publishedUpTo: () => relayCheckpoint(h.pool, topic),
        batchSize: 40,
        consumer: { sessionTimeout: 6_000, heartbeatInterval: 300 },
      });
      cleanup.push(() => factory.close());
      return factory;
    };
    return { topic, relay, source };
  }

  /**
   * pipeline() whose relay starts after the events already in the store (earlier tests of this
   * file wrote them), so that the topic holds only this test's records: the mock cluster keeps
   * about 5 MB per partition, and one test here writes more than that on purpose.
   */
  async function pipelineFromHead() {
    const topic = `journey-${randomUUID().slice(0, 8)}`;
    await h.pool.query(
      `INSERT INTO relay.checkpoints (name, checkpoint)
       SELECT $1, (SELECT transaction_id::text || '-' || global_position FROM touchline.events
                    ORDER BY transaction_id DESC, global_position DESC LIMIT 1)`,
      [topic],
    );
    return pipeline(topic);
  }

  async function ingest(scope: string, customers: number, events: number, seed: number) {
    const random = seeded(seed);
    const positions: string[] = [];
    await Promise.all(
      Array.from({ length: customers }, async (_, c) => {
        for (let i = 0; i < events / customers; i++) {
          const batch = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
            randomEvent(random),
          );
          positions.push(await appendAll(h.store, `${scope}${c}`, batch));
        }
      }),
    );
    return positions.reduce((max, p) => (h.store.compareCheckpoints(p, max) > 0 ? p : max));
  }

  async function waitCaughtUp(engine: ProjectionEngine, names: string[], position: string) {
    const result = await engine.waitForPosition(names, position, 60_000);
    expect(result).toEqual(expect.objectContaining({ reached: true }));
  }

  /** The live build's partitions that have applied something, with their cursors. */
  async function appliedCursors(name: string) {
    const { rows } = await h.pool.query<{ source_partition: string; source_cursor: string }>(
      `SELECT c.source_partition, c.source_cursor FROM projections.checkpoints c
         JOIN projections.registry r ON r.name = c.name AND r.live_generation = c.generation
        WHERE c.name = $1 AND c.source_cursor IS NOT NULL ORDER BY 1`,
      [name],
    );
    return rows.map((r) => ({
      partition: Number(r.source_partition.split(':').pop()),
      cursor: r.source_cursor,
    }));
  }

  async function failedStatus(engine: ProjectionEngine, name: string, after?: Date | null) {
    return waitFor(
      async () =>
        (await engine.status()).find(
          (s) =>
            s.name === name &&
            s.state === 'failed' &&
            (!after || (s.lastError?.at && s.lastError.at > after)),
        ),
      { what: `${name} to fail`, timeoutMs: 60_000 },
    );
  }

  it('feeds the same rows as the in-process feed, and read-your-writes holds with idle partitions', async () => {
    const seed = Date.now();
    const scope = `k${randomUUID().slice(0, 6)}-`;
    const { source } = pipeline();
    const viaKafka = [
      customerPurchases({ name: 'kafka_purchases', scope }),
      eventCopy('kafka_events', scope),
    ];
    const inProcess = [
      customerPurchases({ name: 'local_purchases', scope }),
      eventCopy('local_events', scope),
    ];
    const kafkaEngine = h.engine({ projections: viaKafka, liveSource: source() });
    const localEngine = h.engine({ projections: inProcess });
    await Promise.all([kafkaEngine.start(), localEngine.start()]);

    // Before the group has even joined: the wait holds until Kafka has delivered.
    const first = await ingest(scope, 12, 120, seed);
    await waitCaughtUp(kafkaEngine, ['kafka_purchases', 'kafka_events'], first);
    const more = await ingest(scope, 12, 240, seed + 1);
    await waitCaughtUp(kafkaEngine, ['kafka_purchases', 'kafka_events'], more);
    await waitCaughtUp(localEngine, ['local_purchases', 'local_events'], more);
    expect(await h.viewRows('kafka_purchases')).toEqual(await h.viewRows('local_purchases'));
    expect(await h.viewRows('kafka_events')).toEqual(await h.viewRows('local_events'));
    expect(Object.keys(await h.viewRows('kafka_events')).length).toBeGreaterThan(300);

    // One customer, so three of the four partitions get nothing: their position still follows
    // the relay, and a write is readable as soon as its own partition applied it.
    const lone = await appendAll(h.store, `${scope}lone`, [purchase(700)]);
    await waitCaughtUp(kafkaEngine, ['kafka_purchases'], lone);
    expect((await kafkaEngine.getRow('kafka_purchases', `${scope}lone`))?.totalCents).toBe(700);

    const status = (await kafkaEngine.status()).find((s) => s.name === 'kafka_purchases')!;
    await waitFor(
      async () =>
        (await kafkaEngine.status()).find((s) => s.name === 'kafka_purchases')!.caughtUp ||
        undefined,
      { what: 'the Kafka-fed projection to report itself caught up' },
    );
    expect(status.healthy).toBe(true);
    const { rows } = await h.pool.query<{ source_partition: string }>(
      `SELECT source_partition FROM projections.checkpoints c JOIN projections.registry r
          ON r.name = c.name AND r.live_generation = c.generation
        WHERE c.name = 'kafka_purchases' ORDER BY 1`,
    );
    expect(rows.map((r) => r.source_partition.replace(/^.*:/, ''))).toEqual(['0', '1', '2', '3']);

    // A rebuild reads the store, then its build goes live on Kafka: the partitions take over from
    // the rebuild's position (no fall back of read-your-writes), and the rows stay the same.
    const rowsBefore = await h.viewRows('kafka_purchases');
    const { generation } = await kafkaEngine.rebuild('kafka_purchases');
    await kafkaEngine.waitForRebuild('kafka_purchases', generation);
    const afterSwitch = await appendAll(h.store, `${scope}0`, [purchase(5)]);
    await waitCaughtUp(kafkaEngine, ['kafka_purchases'], afterSwitch);
    const { rows: partitions } = await h.pool.query<{ source_partition: string }>(
      `SELECT source_partition FROM projections.checkpoints WHERE name = 'kafka_purchases'
          AND generation = $1 ORDER BY 1`,
      [generation],
    );
    expect(partitions.map((r) => r.source_partition.replace(/^.*:/, ''))).toEqual([
      '0',
      '1',
      '2',
      '3',
    ]);
    const rowsAfter = await h.viewRows('kafka_purchases');
    const customer = `${scope}0`;
    const { [customer]: changed, ...unchanged } = rowsAfter;
    const { [customer]: was, ...rest } = rowsBefore;
    expect(unchanged).toEqual(rest);
    expect((changed as { totalCents: number }).totalCents).toBe(
      ((was as { totalCents: number } | undefined)?.totalCents ?? 0) + 5,
    );
  }, 180_000);

  it('a redelivered batch changes nothing: relay re-sends, and cursors wound back to the start', async () => {
    const scope = `r${randomUUID().slice(0, 6)}-`;
    const { topic, relay, source } = pipeline();
    const definition = customerPurchases({ name: 'redelivered_purchases', scope });
    const log = recordActivity();
    const engine = h.engine({
      projections: [definition],
      liveSource: source(),
      observer: log.observer,
    });
    await engine.start();
    const head = await ingest(scope, 6, 90, 7);
    await waitCaughtUp(engine, ['redelivered_purchases'], head);
    const before = await h.viewRows('redelivered_purchases');
    expect(Object.keys(before).length).toBeGreaterThan(0);

    // 1. The relay loses its checkpoint and publishes the whole log again: duplicates at new offsets.
    await relay.stop();
    await h.pool.query('UPDATE relay.checkpoints SET checkpoint = NULL WHERE name = $1', [topic]);
    const again = new Relay({ pool: h.pool, store: h.store, kafka, topic, batchSize: 50 });
    again.start();
    cleanup.push(() => again.stop());
    await waitFor(async () => ((await again.status()).lag === 0 ? true : undefined), {
      what: 'the relay to re-send the log',
    });
    const appliedBefore = log.activities.length;
    const admin = kafka.admin();
    await admin.connect();
    const high = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
    const total = high.reduce((n, p) => n + Number(p.high), 0);
    expect(total).toBeGreaterThanOrEqual(2 * 90);
    await waitFor(
      async () => {
        const { rows } = await h.pool.query<{ n: string }>(
          `SELECT coalesce(sum(source_cursor::bigint + 1), 0) AS n FROM projections.checkpoints
            WHERE name = 'redelivered_purchases' AND source_cursor IS NOT NULL`,
        );
        return Number(rows[0]!.n) === total ? true : undefined;
      },
      { what: 'the projection to read the duplicates' },
    );
    expect(await h.viewRows('redelivered_purchases')).toEqual(before);
    const reapplied = log.activities
      .slice(appliedBefore)
      .reduce((n, a) => n + (a.type === 'batch-committed' ? a.applied : 0), 0);
    expect(reapplied).toBe(0);

    // 2. The engine's cursors are wound back to nothing: every partition is read from its start.
    await h.closeEngines();
    await h.pool.query(
      `UPDATE projections.checkpoints SET source_cursor = NULL WHERE name = 'redelivered_purchases'`,
    );
    const replay = recordActivity();
    const restarted = h.engine({
      projections: [definition],
      liveSource: source(),
      observer: replay.observer,
    });
    await restarted.start();
    await waitFor(
      async () => {
        const events = replay.activities.reduce(
          (n, a) => n + (a.type === 'batch-committed' ? a.events : 0),
          0,
        );
        return events >= total ? true : undefined;
      },
      { what: 'the replay of every partition from its start', timeoutMs: 60_000 },
    );
    expect(
      replay.activities.reduce((n, a) => n + (a.type === 'batch-committed' ? a.applied : 0), 0),
    ).toBe(0);
    expect(await h.viewRows('redelivered_purchases')).toEqual(before);
  }, 120_000);

  it('a record that is not a journey event goes to the poison policy: stop fails the build, dead-letter records it and goes on', async () => {
    const scope = `u${randomUUID().slice(0, 6)}-`;
    const { topic, source } = await pipelineFromHead();
    const stop = customerPurchases({ name: 'unreadable_stop', scope });
    const deadLetter = customerPurchases({
      name: 'unreadable_dead_letter',
      scope,
      onPoison: 'dead-letter',
    });
    const log = recordActivity();
    const engine = h.engine({
      projections: [stop, deadLetter],
      liveSource: source(),
      observer: log.observer,
    });
    await engine.start();
    const customer = `${scope}a`;
    const before = await appendAll(h.store, customer, [purchase(100)]);
    await waitCaughtUp(engine, [stop.name, deadLetter.name], before);
    const [applied, ...others] = await appliedCursors(stop.name);
    expect(others).toEqual([]);

    // A foreign producer writes a CloudEvent without the store's extensions (no revision, no
    // position) to the customer's partition, between two of the relay's events.
    const producer = kafka.producer();
    await producer.connect();
    await producer
      .send({
        topic,
        messages: [
          {
            partition: applied.partition,
            key: `customer-${customer}`,
            value: JSON.stringify({ cents: 5 }),
            headers: {
              ce_specversion: '1.0',
              ce_id: randomUUID(),
              ce_source: 'elsewhere',
              ce_type: 'purchase',
              ce_tlstream: `customer-${customer}`,
              'content-type': 'application/json',
            },
          },
        ],
      })
      .finally(() => producer.disconnect());
    const after = await appendAll(h.store, customer, [purchase(20)]);
    const reason = expect.stringContaining(
      `${topic}:${applied.partition} offset ${BigInt(applied.cursor) + 1n} is not a journey event: extension tlrevision`,
    );
    const claimed = {
      type: 'purchase',
      streamId: `customer-${customer}`,
      revision: -1,
      position: '',
    };

    // dead-letter: recorded with the reason, visible to operations, and the events after it apply.
    await waitCaughtUp(engine, [deadLetter.name], after);
    expect(await engine.getRow(deadLetter.name, customer)).toMatchObject({
      purchases: 2,
      totalCents: 120,
    });
    const letters = await engine.deadLetters(deadLetter.name);
    expect(letters).toEqual([
      expect.objectContaining({
        eventType: claimed.type,
        streamId: claimed.streamId,
        streamRevision: claimed.revision,
        position: claimed.position,
        reason,
      }),
    ]);
    expect((await engine.status()).find((s) => s.name === deadLetter.name)).toMatchObject({
      state: 'running',
      deadLetters: 1,
    });

    // stop: the build fails at the record, with the reason; nothing after it is applied.
    const failed = await failedStatus(engine, stop.name);
    expect(failed).toMatchObject({
      healthy: false,
      deadLetters: 0,
      lastError: { message: reason, event: { ...claimed, eventId: letters[0]!.eventId } },
    });
    expect(await engine.getRow(stop.name, customer)).toMatchObject({
      purchases: 1,
      totalCents: 100,
    });
    expect(await appliedCursors(stop.name)).toEqual([applied]);
    expect(log.activities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'poison', projection: stop.name, policy: 'stop', reason }),
        expect.objectContaining({
          type: 'poison',
          projection: deadLetter.name,
          policy: 'dead-letter',
          reason,
        }),
      ]),
    );

    // Resuming retries the record: still not an event, so the build fails again at the same place.
    await engine.resume(stop.name);
    await failedStatus(engine, stop.name, failed.lastError!.at);
    expect(await appliedCursors(stop.name)).toEqual([applied]);
  }, 120_000);

  onBroker(
    'two projector processes share the partitions; one is killed mid-stream, the survivor finishes, rows equal a clean rebuild',
    async () => {
      const scope = `s${randomUUID().slice(0, 6)}-`;
      const { topic } = pipeline();
      const name = 'scaled_purchases';
      const children: ChildProcess[] = [];
      const output = new Map<ChildProcess, string[]>();
      const startProjector = (): ChildProcess => {
        const child = spawn(
          process.execPath,
          [
            '-r',
            'ts-node/register/transpile-only',
            '-r',
            'tsconfig-paths/register',
            PROJECTOR_PROCESS,
          ],
          {
            cwd: ROOT,
            env: {
              ...process.env,
              PROJECTOR_DATABASE_URL: h.db.url,
              PROJECTOR_BROKERS: cluster.brokers.join(','),
              PROJECTOR_TOPIC: topic,
              PROJECTOR_NAME: name,
              PROJECTOR_SCOPE: scope,
              PROJECTOR_GROUP: `spec-${topic}`,
            },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        const lines: string[] = [];
        output.set(child, lines);
        let partial = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          const text = partial + chunk.toString();
          const complete = text.split('\n');
          partial = complete.pop()!;
          lines.push(...complete);
        });
        child.stderr!.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
        children.push(child);
        return child;
      };
      cleanup.push(async () => {
        for (const child of children) child.kill('SIGKILL');
      });
      const partitionsOf = (child: ChildProcess) =>
        new Set(
          output
            .get(child)!
            .filter((l) => l.startsWith('batch '))
            .map((l) => l.slice(6)),
        );

      const doomed = startProjector();
      const survivor = startProjector();
      // A reader that runs nothing, as the API does.
      const reader = h.engine({ projections: [customerPurchases({ name, scope })] });

      let ingesting = true;
      let lastPosition = await ingest(scope, 16, 160, 11);
      const background = (async () => {
        let round = 100;
        while (ingesting) lastPosition = await ingest(scope, 16, 32, round++);
      })();
      // Both members have applied batches: the group has split the partitions between them.
      await waitFor(
        async () => (partitionsOf(doomed).size > 0 && partitionsOf(survivor).size > 0) || undefined,
        { what: 'both projectors to apply batches', timeoutMs: 120_000 },
      );
      doomed.kill('SIGKILL');
      await ingest(scope, 16, 160, 12);
      ingesting = false;
      await background;
      const head = await ingest(scope, 16, 32, 13);
      expect(h.store.compareCheckpoints(head, lastPosition)).toBeGreaterThanOrEqual(0);
      const result = await reader.waitForPosition([name], head, 90_000);
      if (!result.reached) {
        const { rows } = await h.pool.query(
          `SELECT * FROM projections.checkpoints WHERE name = $1`,
          [name],
        );
        process.stderr.write(
          `head ${head}\n${JSON.stringify(rows, null, 1)}\n${output.get(survivor)!.join('\n').slice(-3000)}\n`,
        );
      }
      expect(result.reached).toBe(true);
      expect(partitionsOf(survivor).size).toBe(4);

      // A clean build of the same projection from the store, in-process.
      const clean = h.engine({
        projections: [customerPurchases({ name: 'clean_purchases', scope })],
      });
      await clean.start();
      await waitCaughtUp(clean, ['clean_purchases'], head);
      const rows = await h.viewRows(name);
      expect(Object.keys(rows).length).toBeGreaterThan(0);
      expect(rows).toEqual(await h.viewRows('clean_purchases'));
    },
    300_000,
  );

  // Last: it writes more than the mock cluster keeps of a partition, and later tests whose relay
  // publishes the whole log would meet records already gone.
  it('fails the build when records it has not applied are gone from Kafka; a rebuild from the store brings it back', async () => {
    const scope = `g${randomUUID().slice(0, 6)}-`;
    const { topic, relay, source } = await pipelineFromHead();
    const definition = customerPurchases({ name: 'gone_purchases', scope });
    const engine = h.engine({ projections: [definition], liveSource: source() });
    await engine.start();
    const customer = `${scope}a`;
    const first = await appendAll(h.store, customer, [purchase(100)]);
    await waitCaughtUp(engine, [definition.name], first);
    const [applied] = await appliedCursors(definition.name);

    // While the projector is down, its partition outgrows retention: the mock cluster keeps about
    // 5 MB per partition and drops the oldest produce requests beyond that. The relay publishes one
    // event per request, so the records dropped include ones the build has not applied.
    await h.closeEngines();
    await relay.stop();
    const oneByOne = new Relay({ pool: h.pool, store: h.store, kafka, topic, batchSize: 1 });
    oneByOne.start();
    cleanup.push(() => oneByOne.stop());
    const text = 'x'.repeat(256 * 1024);
    let last = first;
    for (let i = 0; i < 24; i++)
      last = await appendAll(h.store, customer, [
        { eventId: randomUUID(), type: 'enquiry', data: { text } },
      ]);
    await waitFor(
      async () => {
        const published = await relayCheckpoint(h.pool, topic);
        return published && h.store.compareCheckpoints(published, last) >= 0 ? true : undefined;
      },
      { what: 'the relay to publish the filler' },
    );
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
    const low = BigInt(offsets.find((o) => o.partition === applied.partition)!.low);
    const next = BigInt(applied.cursor) + 1n;
    expect(low).toBeGreaterThan(next);

    const restarted = h.engine({ projections: [definition], liveSource: source() });
    await restarted.start();
    const failed = await failedStatus(restarted, definition.name);
    expect(failed).toMatchObject({
      healthy: false,
      lastError: {
        message: `${topic}:${applied.partition}: offsets ${next} to ${low - 1n} are gone from Kafka (retention or deleted records) before this build applied them; rebuild the projection from the store`,
        event: null,
      },
    });
    expect(await appliedCursors(definition.name)).toEqual([applied]);

    // The way back the reason gives: a rebuild reads the store, and its build then continues on
    // Kafka from the partition's start.
    const { generation } = await restarted.rebuild(definition.name);
    await restarted.waitForRebuild(definition.name, generation);
    const more = await appendAll(h.store, customer, [purchase(5)]);
    await waitCaughtUp(restarted, [definition.name], more);
    expect(await restarted.getRow(definition.name, customer)).toMatchObject({
      purchases: 2,
      totalCents: 105,
    });
  }, 180_000);
});
