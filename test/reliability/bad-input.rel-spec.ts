import { TOPICS } from '@touchline/kafka';
import { describeWithKafka } from '@touchline/testing';
import { recordFigures } from './support/figures';
import { getJson, send, type HttpAnswer } from './support/http';
import { distinctDeadLetters, inboundProducer, readTopic } from './support/kafka';
import { badRequest, type BadRequest } from './support/malformed';
import { progress } from './support/progress';
import { seeded } from './support/random';
import { KafkaScenario } from './support/scenario';
import { countEvents } from './support/store';
import { touchpoint } from './support/touchpoints';

const HTTP_REQUESTS = 10_000;
const KAFKA_MESSAGES = 400;
const WORKERS = 16;
/** The 4xx a malformed request may get; anything else (404, 5xx, 2xx, a dropped socket) fails. */
const ACCEPTED = new Set([400, 401, 403, 413, 415]);

/**
 * Defects this suite found in the service and that are not fixed yet. Requests matching one are
 * taken out of the main run (which must stay green and strict) and sent by their own test,
 * marked `it.failing`: it passes while the defect is there and fails once it is fixed, which is
 * the signal to delete the entry here.
 */
// Defects the generator found stay listed here, as `it.failing`, until fixed. The Segment routes'
// acceptance of __proto__/constructor/prototype keys and their 500 on deep nesting were fixed in
// the JSON body parser (libs/ingest/src/http/json-body-parser.ts, checkJsonShape).
const KNOWN_DEFECTS: { route: RegExp; category: RegExp; what: string }[] = [];

const knownDefect = (req: BadRequest) =>
  KNOWN_DEFECTS.find((d) => d.route.test(req.path) && d.category.test(req.category));

describeWithKafka('bad input: generated malformed requests and messages', () => {
  const scenario = new KafkaScenario();
  beforeAll(() => scenario.setup());
  afterAll(() => scenario.teardown());
  /** The generated requests that hit a known defect, for the last test. */
  const defective: BadRequest[] = [];

  it(`refuses ${HTTP_REQUESTS.toLocaleString('en')} malformed HTTP requests with a clear 4xx, never 5xx, writes nothing and stays up`, async () => {
    const { db, service } = scenario;
    const started = Date.now();
    const seed = Number(process.env.TOUCHLINE_RELIABILITY_SEED) + 6;
    const random = seeded(seed);
    progress(`bad input: ${HTTP_REQUESTS} requests from seed ${seed}`);
    const oversized = JSON.stringify({
      touchpoints: Array.from({ length: 1_001 }, () => touchpoint(random, 'c-bad-big', 'rel-bad')),
    });
    const pid = service.pid;
    const byCategory = new Map<string, Record<string, number>>();
    const failures: {
      index: number;
      category: string;
      path: string;
      status: number | string;
      body: string;
    }[] = [];
    let next = 0;
    // Generated in order from one seeded stream, sent by several workers: request i is always
    // the same for a seed, whatever the interleaving.
    const requests: BadRequest[] = [];
    while (requests.length < HTTP_REQUESTS) {
      const req = badRequest(random, oversized);
      if (knownDefect(req)) defective.push(req);
      else requests.push(req);
    }
    const worker = async () => {
      while (next < requests.length) {
        const index = next++;
        const req = requests[index]!;
        let answer: HttpAnswer | undefined;
        let outcome: number | string;
        try {
          answer = await send(service.baseUrl, {
            path: req.path,
            headers: req.headers,
            body: req.body,
          });
          outcome = answer.status;
        } catch (error) {
          outcome = `transport: ${(error as Error).message}`;
        }
        const counts = byCategory.get(req.category) ?? {};
        counts[String(outcome)] = (counts[String(outcome)] ?? 0) + 1;
        byCategory.set(req.category, counts);
        const message = (answer?.json as { message?: unknown } | undefined)?.message;
        const clear = typeof message === 'string' && message.length > 0;
        if (typeof outcome !== 'number' || !ACCEPTED.has(outcome) || !clear)
          failures.push({
            index,
            category: req.category,
            path: req.path,
            status: outcome,
            body: answer?.text.slice(0, 300) ?? '',
          });
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    const elapsed = Date.now() - started;

    if (failures.length > 0) {
      const summary = new Map<string, number>();
      for (const f of failures) {
        const key = `${f.category} | ${f.path} | ${f.status}`;
        summary.set(key, (summary.get(key) ?? 0) + 1);
      }
      progress(
        `bad input: ${failures.length} wrong answers (seed ${seed}), by category | route | answer:\n${[
          ...summary.entries(),
        ]
          .map(([key, n]) => `  ${n} × ${key}`)
          .join('\n')}\nfirst ones:\n${JSON.stringify(failures.slice(0, 5), null, 1)}`,
      );
    }
    expect(failures.slice(0, 20)).toEqual([]);
    expect(await countEvents(db.pool)).toBe(0);
    // Still up, the same process: no crash and restart hidden behind the answers.
    expect((await getJson(service.baseUrl, '/health/live')).status).toBe(200);
    expect(service.pid).toBe(pid);

    const statuses: Record<string, number> = {};
    for (const counts of byCategory.values())
      for (const [status, n] of Object.entries(counts))
        statuses[status] = (statuses[status] ?? 0) + n;
    recordFigures('bad-input-http', {
      seed,
      requests: HTTP_REQUESTS,
      categories: byCategory.size,
      ...Object.fromEntries(Object.entries(statuses).map(([s, n]) => [`answered${s}`, n])),
      answered5xx: Object.entries(statuses)
        .filter(([s]) => s.startsWith('5'))
        .reduce((sum, [, n]) => sum + n, 0),
      writes: 0,
      requestsPerSecond: Math.round(HTTP_REQUESTS / (elapsed / 1000)),
      durationSeconds: Number((elapsed / 1000).toFixed(1)),
    });
  });

  it(`dead-letters ${KAFKA_MESSAGES} malformed Kafka messages and stores none of them`, async () => {
    const { db, kafka, service } = scenario;
    const started = Date.now();
    const random = seeded(Number(process.env.TOUCHLINE_RELIABILITY_SEED) + 7);
    const producer = await inboundProducer(kafka.brokers, random);
    for (let i = 0; i < KAFKA_MESSAGES; i += 50)
      await producer.send(
        Math.min(50, KAFKA_MESSAGES - i),
        ['c-bad-k1', 'c-bad-k2', 'c-bad-k3'],
        1,
      );
    await producer.close();
    expect(producer.malformed).toBe(KAFKA_MESSAGES);
    const deadLetters = await readTopic(kafka.brokers, TOPICS.inboundDeadLetter, (messages) => {
      const distinct = distinctDeadLetters(messages);
      return distinct.size >= KAFKA_MESSAGES ? distinct : undefined;
    });
    expect(deadLetters.size).toBe(KAFKA_MESSAGES);
    const reasons: Record<string, number> = {};
    for (const reason of deadLetters.values()) reasons[reason] = (reasons[reason] ?? 0) + 1;
    expect(Object.keys(reasons).sort()).toEqual(
      ['invalid_cloudevent', 'invalid_touchpoint', 'undecodable'].sort(),
    );
    expect(await countEvents(db.pool)).toBe(0);
    expect((await getJson(service.baseUrl, '/health/live')).status).toBe(200);
    recordFigures('bad-input-kafka', {
      messages: KAFKA_MESSAGES,
      deadLettered: deadLetters.size,
      ...Object.fromEntries(Object.entries(reasons).map(([r, n]) => [`reason_${r}`, n])),
      writes: 0,
      durationSeconds: Number(((Date.now() - started) / 1000).toFixed(1)),
    });
  });

  for (const defect of KNOWN_DEFECTS)
    it.failing(`known defect, not fixed yet: ${defect.what}`, async () => {
      const requests = defective.filter(
        (r) => defect.route.test(r.path) && defect.category.test(r.category),
      );
      expect(requests.length).toBeGreaterThan(0);
      const statuses: number[] = [];
      for (const req of requests.slice(0, 50)) {
        const answer = await send(scenario.service.baseUrl, {
          path: req.path,
          headers: req.headers,
          body: req.body,
        });
        statuses.push(answer.status);
      }
      expect(statuses.filter((s) => !ACCEPTED.has(s))).toEqual([]);
    });
});
