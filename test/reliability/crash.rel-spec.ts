import { TOPICS } from '@touchline/kafka';
import { describeWithKafka, waitFor } from '@touchline/testing';
import { recordFigures } from './support/figures';
import { ingestBatchUntilAcknowledged, newRetryStats, postUntilAcknowledged } from './support/http';
import { distinctDeadLetters, inboundProducer, readTopic } from './support/kafka';
import { KEYS } from './support/keys';
import { keepProducing } from './support/producers';
import { compareWithCleanRebuild } from './support/projections';
import { seeded } from './support/random';
import { API_RUNS_PROJECTIONS, KafkaScenario } from './support/scenario';
import { countEvents, expectStoredExactlyOnce, waitForEventsFrom } from './support/store';
import { customers, touchpoint, touchpoints, type Touchpoint } from './support/touchpoints';
import { progress } from './support/progress';

const ROUNDS = 10;
const HTTP_PRODUCERS = 8;
const KAFKA_MESSAGES_PER_ROUND = 200;
const HTTP_REQUESTS_PER_ROUND = 60;
/**
 * In these rounds the kill waits until the Kafka inbound consumer is appending, so that it also
 * dies mid-consumption; in the others it may have caught up with the round's messages already.
 */
const KAFKA_KILL_ROUNDS = new Set([5, 10]);

/**
 * The service's Kafka inbound consumer has joined its group, as its readiness details say
 * (`details.kafka.inbound.state`, present in a 200 and in a 503 alike).
 */
async function inboundJoined(baseUrl: string): Promise<true | undefined> {
  try {
    const answer = await fetch(`${baseUrl}/health/ready`);
    const body = (await answer.json()) as {
      details?: { kafka?: { inbound?: { state?: string } } };
    };
    return body.details?.kafka?.inbound?.state === 'joined' ? true : undefined;
  } catch {
    return undefined; // not listening yet, or the answer was cut
  }
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

describeWithKafka('crash: kill -9 of the service during sustained HTTP and Kafka ingestion', () => {
  const scenario = new KafkaScenario(API_RUNS_PROJECTIONS);
  beforeAll(() => scenario.setup());
  afterAll(() => scenario.teardown());

  it(`loses nothing acknowledged, stores nothing twice, and its projections equal a clean rebuild after ${ROUNDS} kills`, async () => {
    const { db, kafka, service } = scenario;
    const started = Date.now();
    const random = seeded(Number(process.env.TOUCHLINE_RELIABILITY_SEED) + 1);
    const population = customers('crash', 300);
    const stats = newRetryStats();
    const acknowledged: Touchpoint[] = [];

    // A fixed number of acknowledged HTTP requests per round, like the Kafka messages below: the
    // service serves HTTP during the ~30 s its consumer takes to rejoin, and unbounded producers
    // would write ~200,000 events in ten rounds, more than the mock cluster keeps of the journey
    // topic (its projections then fail on offsets that are gone).
    let httpBudget = 0;
    const httpProducer = async () => {
      if (stats.acknowledged >= httpBudget) {
        await new Promise((r) => setTimeout(r, 50));
        return;
      }
      const customerId = random.pick(population);
      if (random.chance(0.5)) {
        const t = touchpoint(random, customerId, 'rel-http');
        await postUntilAcknowledged(
          () => service.baseUrl,
          '/v1/touchpoints',
          KEYS.ingest,
          t,
          stats,
        );
        acknowledged.push(t);
      } else {
        const batch = touchpoints(random, random.int(2, 25), population, 'rel-http');
        await ingestBatchUntilAcknowledged(() => service.baseUrl, batch, stats);
        acknowledged.push(...batch);
      }
    };
    const inbound = await inboundProducer(kafka.brokers, random);
    // A fixed number of Kafka messages per round, so that the work to check does not grow with
    // how slowly the machine restarts the service.
    let kafkaBudget = 0;
    const kafkaProducer = async () => {
      if (inbound.valid.length + inbound.malformed < kafkaBudget)
        await inbound.send(20, population, 0.05);
      await new Promise((r) => setTimeout(r, 100));
    };

    const producers = keepProducing([
      ...Array.from({ length: HTTP_PRODUCERS }, () => httpProducer),
      kafkaProducer,
    ]);
    const restarts: number[] = [];
    const rejoins: number[] = [];
    // The service serves HTTP before its consumer has joined the group; kill it only once it has,
    // as a crash-looping deployment's startup probe would hold it. Kills faster than the group's
    // session timeout (30 s) leave dead members in the group, and the kcat mock makes the oldest
    // member the leader that assigns partitions, dead or not (docs/reliability.md).
    const waitForJoin = (what: string) =>
      waitFor(() => inboundJoined(service.baseUrl), { timeoutMs: 120_000, intervalMs: 100, what });
    await waitForJoin('the Kafka inbound consumer to join at the first start');
    let kafkaKills = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      kafkaBudget += KAFKA_MESSAGES_PER_ROUND;
      httpBudget += HTTP_REQUESTS_PER_ROUND;
      // Kill only while ingestion is under way: after new acknowledgements since the restart.
      const ackedAtStart = stats.acknowledged;
      await waitFor(() => (stats.acknowledged > ackedAtStart + 20 ? true : undefined), {
        timeoutMs: 30_000,
        what: `HTTP acknowledgements in round ${round}`,
      });
      if (KAFKA_KILL_ROUNDS.has(round)) {
        const fromKafka = await countEvents(db.pool, 'rel-kafka');
        await waitFor(
          async () => ((await countEvents(db.pool, 'rel-kafka')) > fromKafka ? true : undefined),
          { timeoutMs: 60_000, intervalMs: 50, what: `Kafka inbound appends in round ${round}` },
        );
        kafkaKills += 1;
      } else {
        await new Promise((r) => setTimeout(r, random.int(100, 700)));
      }
      await service.kill();
      const killed = Date.now();
      restarts.push(await service.restart());
      await waitForJoin(`the Kafka inbound consumer to rejoin after round ${round}`);
      rejoins.push(Date.now() - killed);
      progress(
        `round ${round}: killed, serving HTTP again after ${restarts.at(-1)} ms, consumer rejoined after ${rejoins.at(-1)} ms; ${stats.acknowledged} HTTP acknowledgements, ${inbound.valid.length} Kafka messages so far`,
      );
    }
    await producers.stop();
    await inbound.close();
    progress('producers stopped; checking Kafka inbound');

    // Kafka inbound: every acknowledged valid message stored, every malformed one dead-lettered.
    const kafkaIds = inbound.valid.map((t) => t.eventId);
    await waitForEventsFrom(
      db.pool,
      'rel-kafka',
      new Set(kafkaIds).size,
      'every Kafka inbound touchpoint in the store',
    );
    const deadLetters = await readTopic(kafka.brokers, TOPICS.inboundDeadLetter, (messages) => {
      const distinct = distinctDeadLetters(messages);
      return distinct.size >= inbound.malformed ? distinct : undefined;
    });
    expect(deadLetters.size).toBe(inbound.malformed);

    // Every acknowledged event exactly once, and nothing that was not sent.
    const sent = [...acknowledged.map((t) => t.eventId), ...kafkaIds];
    expect(new Set(sent).size).toBe(sent.length); // the generator never reuses an id
    const check = await expectStoredExactlyOnce(db.pool, sent);

    progress('store checked; comparing projections with a clean rebuild');
    // After the last restart the projections converge to a clean rebuild, row for row.
    const converged = Date.now();
    const compared = await compareWithCleanRebuild(service.baseUrl, db.pool);
    for (const { name, before, after } of compared)
      expect({ name, rows: after }).toEqual({ name, rows: before });
    expect(compared.length).toBeGreaterThan(0);

    recordFigures('crash', {
      rounds: ROUNDS,
      killsDuringKafkaConsumption: kafkaKills,
      httpRequests: stats.attempts,
      httpAcknowledged: stats.acknowledged,
      httpTransportErrors: stats.answers.error ?? 0,
      http503: stats.answers['503'] ?? 0,
      eventsViaHttp: acknowledged.length,
      eventsViaKafka: kafkaIds.length,
      kafkaMalformedDeadLettered: deadLetters.size,
      eventsInStore: check.stored,
      streams: check.streams.streams,
      lost: check.lost.length,
      duplicated: check.duplicated,
      projectionsCompared: compared.length,
      projectionRowsCompared: compared.reduce((sum, c) => sum + c.rows, 0),
      restartMsMedian: median(restarts),
      restartMsMax: Math.max(...restarts),
      rejoinMsMedian: median(rejoins),
      rejoinMsMax: Math.max(...rejoins),
      rebuildCompareSeconds: Number(((Date.now() - converged) / 1000).toFixed(1)),
      durationSeconds: Number(((Date.now() - started) / 1000).toFixed(1)),
    });
  }, 900_000);
});
