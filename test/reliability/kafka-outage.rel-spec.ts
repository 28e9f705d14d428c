import { TOPICS } from '@touchline/kafka';
import {
  createTestDatabase,
  describeWithKafka,
  startKafka,
  waitFor,
  type KafkaTestCluster,
  type TestDatabase,
} from '@touchline/testing';
import { recordFigures } from './support/figures';
import { newRetryStats, postUntilAcknowledged } from './support/http';
import { inboundProducer, readTopic } from './support/kafka';
import { API_KEYS, KEYS } from './support/keys';
import { waitForProjectionsCaughtUp } from './support/projections';
import { progress } from './support/progress';
import { seeded } from './support/random';
import { startTouchline, type Touchline } from './support/service';
import { checkStreams, countEvents, storedIds } from './support/store';
import { customers, touchpoint, type Touchpoint } from './support/touchpoints';

const OUTAGE_MS = 6_000;

describeWithKafka('Kafka down and back during ingestion', () => {
  let db: TestDatabase;
  let kafka: KafkaTestCluster;
  let service: Touchline;

  beforeAll(async () => {
    db = await createTestDatabase();
    kafka = await startKafka();
    service = await startTouchline({
      databaseUrl: db.url,
      kafkaBrokers: kafka.brokers,
      apiKeys: API_KEYS,
      // The kafka profile leaves projections to the worker process by default; here the API
      // runs the same Kafka-fed projections, so that one process under test holds the whole flow.
      env: { TOUCHLINE_RUN_PROJECTIONS: 'true' },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await kafka?.stop();
    await db?.destroy();
  });

  it('the relay and the inbound consumer retry and catch up: nothing lost, nothing applied twice, each customer in order', async () => {
    const started = Date.now();
    const random = seeded(Number(process.env.TOUCHLINE_RELIABILITY_SEED) + 3);
    const population = customers('kafka', 60);
    const stats = newRetryStats();
    const viaHttp: Touchpoint[] = [];
    let stop = false;
    const httpProducer = async () => {
      while (!stop) {
        const batch = Array.from({ length: random.int(1, 10) }, () =>
          touchpoint(random, random.pick(population), 'rel-http'),
        );
        await postUntilAcknowledged(
          () => service.baseUrl,
          '/v1/touchpoints/batch',
          KEYS.ingest,
          { touchpoints: batch },
          stats,
        );
        viaHttp.push(...batch);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const inbound = await inboundProducer(kafka.brokers, random);
    const kafkaProducer = async () => {
      while (!stop) {
        await inbound.send(10, population);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const producers = [httpProducer(), httpProducer(), httpProducer(), kafkaProducer()];

    // Pause only once both paths are moving: inbound appends, and the relay has published.
    await waitFor(async () => ((await countEvents(db.pool, 'rel-kafka')) > 0 ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: 'the inbound consumer to append',
    });
    progress('kafka outage: pausing the brokers');
    const storedBefore = await countEvents(db.pool);
    kafka.pause();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    const storedDuring = await countEvents(db.pool);
    kafka.resume();
    progress('kafka outage: brokers resumed');
    await new Promise((r) => setTimeout(r, 2_000)); // keep producing across the recovery
    stop = true;
    await Promise.all(producers);
    await inbound.close();

    // Inbound: every acknowledged message stored once (redeliveries deduplicated by eventId).
    const inboundIds = [...new Set(inbound.valid.map((t) => t.eventId))];
    await waitFor(
      async () =>
        (await countEvents(db.pool, 'rel-kafka')) >= inboundIds.length ? true : undefined,
      { timeoutMs: 180_000, intervalMs: 200, what: 'every inbound touchpoint in the store' },
    );
    const ids = [...viaHttp.map((t) => t.eventId), ...inboundIds];
    const found = await storedIds(db.pool, ids);
    const lost = ids.filter((id) => found.get(id) !== 1);
    expect(lost).toEqual([]);
    const stored = await countEvents(db.pool);
    expect(stored).toBe(ids.length);
    expect((await checkStreams(db.pool)).broken).toEqual([]);

    // Relay: every stored event on touchline.journey.v1, each customer's first deliveries in
    // revision order (duplicates from retries are allowed by the contract, never gaps).
    progress('kafka outage: reading touchline.journey.v1 back');
    const journey = await readTopic(
      kafka.brokers,
      TOPICS.journey,
      (messages) => {
        const distinct = new Set(messages.map((m) => m.headers.ce_id?.toString()));
        return distinct.size >= stored ? messages : undefined;
      },
      120_000,
    );
    const firstSeen = new Map<string, number[]>();
    const seen = new Set<string>();
    const byPartition = [...journey].sort(
      (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
    );
    for (const m of byPartition) {
      const id = m.headers.ce_id!.toString();
      if (seen.has(id)) continue;
      seen.add(id);
      const stream = m.headers.ce_tlstream!.toString();
      const revisions = firstSeen.get(stream) ?? [];
      revisions.push(Number(m.headers.ce_tlrevision!.toString()));
      firstSeen.set(stream, revisions);
    }
    expect(seen.size).toBe(stored);
    const outOfOrder = [...firstSeen.entries()].filter(([, revisions]) =>
      revisions.some((r, i) => r !== i),
    );
    expect(outOfOrder).toEqual([]);

    // Projections applied everything, each event once (lag 0 at the store's head, no dead letters).
    const status = await waitForProjectionsCaughtUp(service.baseUrl);
    expect(status.filter((s) => s.deadLetters > 0 || !s.healthy)).toEqual([]);

    recordFigures('kafka-outage', {
      outageMs: OUTAGE_MS,
      eventsViaHttp: viaHttp.length,
      eventsViaKafka: inboundIds.length,
      kafkaMessagesSent: inbound.valid.length,
      appendedWhileKafkaDown: storedDuring - storedBefore,
      journeyRecordsRead: journey.length,
      journeyDuplicates: journey.length - seen.size,
      eventsInStore: stored,
      lost: lost.length,
      outOfOrderCustomers: outOfOrder.length,
      durationSeconds: Number(((Date.now() - started) / 1000).toFixed(1)),
    });
  });
});
