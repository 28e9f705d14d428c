import { TOPICS } from '@touchline/kafka';
import { describeWithKafka, waitFor } from '@touchline/testing';
import { recordFigures } from './support/figures';
import { ingestBatchUntilAcknowledged, newRetryStats } from './support/http';
import { inboundProducer, readTopic } from './support/kafka';
import { keepProducing } from './support/producers';
import { waitForProjectionsCaughtUp } from './support/projections';
import { progress } from './support/progress';
import { seeded } from './support/random';
import { API_RUNS_PROJECTIONS, KafkaScenario } from './support/scenario';
import { countEvents, expectStoredExactlyOnce, waitForEventsFrom } from './support/store';
import { customers, touchpoints, type Touchpoint } from './support/touchpoints';

const OUTAGE_MS = 6_000;

describeWithKafka('Kafka down and back during ingestion', () => {
  const scenario = new KafkaScenario(API_RUNS_PROJECTIONS);
  beforeAll(() => scenario.setup());
  afterAll(() => scenario.teardown());

  it('the relay and the inbound consumer retry and catch up: nothing lost, nothing applied twice, each customer in order', async () => {
    const { db, kafka, service } = scenario;
    const started = Date.now();
    const random = seeded(Number(process.env.TOUCHLINE_RELIABILITY_SEED) + 3);
    const population = customers('kafka', 60);
    const stats = newRetryStats();
    const viaHttp: Touchpoint[] = [];
    const httpProducer = async () => {
      const batch = touchpoints(random, random.int(1, 10), population, 'rel-http');
      await ingestBatchUntilAcknowledged(() => service.baseUrl, batch, stats);
      viaHttp.push(...batch);
      await new Promise((r) => setTimeout(r, 20));
    };
    const inbound = await inboundProducer(kafka.brokers, random);
    const kafkaProducer = async () => {
      await inbound.send(10, population);
      await new Promise((r) => setTimeout(r, 100));
    };
    const producers = keepProducing([httpProducer, httpProducer, httpProducer, kafkaProducer]);

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
    await producers.stop();
    await inbound.close();

    // Inbound: every acknowledged message stored once (redeliveries deduplicated by eventId).
    const inboundIds = [...new Set(inbound.valid.map((t) => t.eventId))];
    await waitForEventsFrom(
      db.pool,
      'rel-kafka',
      inboundIds.length,
      'every inbound touchpoint in the store',
    );
    const ids = [...viaHttp.map((t) => t.eventId), ...inboundIds];
    const { lost, stored } = await expectStoredExactlyOnce(db.pool, ids);

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
