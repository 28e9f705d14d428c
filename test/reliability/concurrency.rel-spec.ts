import { recordFigures } from './support/figures';
import { newRetryStats, postUntilAcknowledged, type HttpAnswer } from './support/http';
import { KEYS } from './support/keys';
import { projectionRows, waitForProjectionsCaughtUp } from './support/projections';
import { seeded } from './support/random';
import { ServiceScenario } from './support/scenario';
import { checkStreams, countEvents } from './support/store';
import { customers, touchpoints, type Touchpoint } from './support/touchpoints';

const PRODUCERS = 32;
const REQUESTS_PER_PRODUCER = 40;
const CUSTOMERS = 12; // few, so that producers collide on the same streams all the time

describe('concurrency: 32 producers on overlapping customers, with retries', () => {
  const scenario = new ServiceScenario();
  beforeAll(() => scenario.setup());
  afterAll(() => scenario.teardown());

  it('stores each event once, leaves no gap in any stream and no event out of any projection', async () => {
    const { db, service } = scenario;
    const started = Date.now();
    const random = seeded(Number(process.env.TOUCHLINE_RELIABILITY_SEED) + 4);
    const population = customers('conc', CUSTOMERS);
    const stats = newRetryStats();
    const sent = new Map<string, Touchpoint>();
    const statuses: Record<string, number> = {};
    let resent = 0;
    const count = (answer: HttpAnswer) => {
      const results = (answer.json as { results?: { status: string }[] }).results ?? [
        answer.json as { status: string },
      ];
      for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    };

    const producer = async () => {
      const mine: unknown[][] = [];
      for (let i = 0; i < REQUESTS_PER_PRODUCER; i++) {
        // A producer retrying a request it already sent (a lost answer, a timeout): same ids.
        if (mine.length > 0 && random.chance(0.15)) {
          const [path, body] = random.pick(mine) as [string, unknown];
          resent += 1;
          count(await postUntilAcknowledged(() => service.baseUrl, path, KEYS.ingest, body, stats));
          continue;
        }
        const batch = touchpoints(random, random.int(1, 8), population, 'rel-conc');
        for (const t of batch) sent.set(t.eventId, t);
        const [path, body] =
          batch.length === 1
            ? ['/v1/touchpoints', batch[0]]
            : ['/v1/touchpoints/batch', { touchpoints: batch }];
        mine.push([path, body]);
        count(await postUntilAcknowledged(() => service.baseUrl, path, KEYS.ingest, body, stats));
      }
    };
    await Promise.all(Array.from({ length: PRODUCERS }, producer));

    // The store: every event once, every stream 0..n-1 with its head in place.
    expect(await countEvents(db.pool)).toBe(sent.size);
    const streams = await checkStreams(db.pool);
    expect(streams.broken).toEqual([]);
    expect(streams.streams).toBe(CUSTOMERS);
    expect(statuses.appended).toBe(sent.size);

    // The projections: caught up without dead letters; the timeline holds every event once;
    // each profile counts exactly its stream's touchpoints.
    const status = await waitForProjectionsCaughtUp(service.baseUrl);
    expect(status.filter((s) => s.deadLetters > 0 || !s.healthy)).toEqual([]);
    const timeline = await projectionRows(db.pool, 'customer_timeline');
    const timelineIds = timeline.map((r) => (r.data as { eventId: string }).eventId);
    expect(new Set(timelineIds).size).toBe(timelineIds.length);
    expect(timelineIds.sort()).toEqual([...sent.keys()].sort());
    const perCustomer = new Map<string, number>();
    for (const t of sent.values())
      perCustomer.set(t.customerId, (perCustomer.get(t.customerId) ?? 0) + 1);
    const profiles = await projectionRows(db.pool, 'customer_profile');
    const counted = new Map(
      profiles.map((r) => [r.key, (r.data as { touchpoints: number }).touchpoints]),
    );
    expect(counted).toEqual(perCustomer);

    recordFigures('concurrency', {
      producers: PRODUCERS,
      customers: CUSTOMERS,
      requests: stats.attempts,
      requestsResent: resent,
      eventsAppended: statuses.appended ?? 0,
      duplicatesAnswered: statuses.duplicate ?? 0,
      answers409or429or503: Object.entries(stats.answers)
        .filter(([code]) => code !== '202')
        .reduce((sum, [, n]) => sum + n, 0),
      eventsInStore: sent.size,
      brokenStreams: streams.broken.length,
      durationSeconds: Number(((Date.now() - started) / 1000).toFixed(1)),
    });
  });
});
