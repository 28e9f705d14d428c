import { waitFor } from '@touchline/testing';
import { Client } from 'pg';
import { recordFigures } from './support/figures';
import { getJson, ingestBatchUntilAcknowledged, newRetryStats } from './support/http';
import { KEYS } from './support/keys';
import {
  projectionStatus,
  waitForProjectionsCaughtUp,
  type ProjectionStatusView,
} from './support/projections';
import { seeded } from './support/random';
import { ServiceScenario } from './support/scenario';
import { customers, touchpoints } from './support/touchpoints';

const HELD_EVENTS = 200;

/** touchline_projection_lag_events{projection="<name>"} from /metrics, or undefined. */
async function metricLag(baseUrl: string): Promise<Map<string, number> | undefined> {
  const answer = await getJson(baseUrl, '/metrics', KEYS.ops);
  if (answer.status === 404) return undefined; // a build without /metrics
  expect(answer.status).toBe(200);
  const lags = new Map<string, number>();
  for (const match of answer.text.matchAll(
    /^touchline_projection_lag_events\{[^}]*projection="([^"]+)"[^}]*\} (\S+)$/gm,
  ))
    lags.set(match[1]!, Number(match[2]));
  return lags;
}

describe('a long-open transaction elsewhere on the PostgreSQL cluster', () => {
  const scenario = new ServiceScenario();
  let holder: Client | undefined;

  beforeAll(() => scenario.setup());
  afterAll(async () => {
    await holder?.end().catch(() => undefined);
    await scenario.teardown();
  });

  it('makes projection lag grow and show in the ops API and /metrics, and the lag drains when it ends', async () => {
    const { service } = scenario;
    const started = Date.now();
    const random = seeded(Number(process.env.TOUCHLINE_RELIABILITY_SEED) + 5);
    const population = customers('ltx', 20);
    const stats = newRetryStats();
    const ingest = async (n: number) => {
      for (let i = 0; i < n; i += 20) {
        const batch = touchpoints(random, Math.min(20, n - i), population, 'rel-ltx');
        await ingestBatchUntilAcknowledged(() => service.baseUrl, batch, stats);
      }
    };
    await ingest(40);
    await waitForProjectionsCaughtUp(service.baseUrl);

    // Another client, in the server's default database (not the service's): a transaction with an
    // id holds back pg_snapshot_xmin for the whole cluster.
    holder = new Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT txid_current()');
    const heldAt = Date.now();

    await ingest(HELD_EVENTS);
    // Committed and acknowledged, but behind the open transaction: lag, never "caught up".
    const held = await waitFor(
      async () => {
        const status = await projectionStatus(service.baseUrl);
        return status.every((s) => s.lagEvents >= HELD_EVENTS && !s.caughtUp) ? status : undefined;
      },
      {
        timeoutMs: 30_000,
        what: `every projection to report at least ${HELD_EVENTS} events of lag`,
      },
    );
    // The lag keeps being reported while the transaction stays open: stalled, growing in time.
    const later = await waitFor(
      async () => {
        const status = await projectionStatus(service.baseUrl);
        return status.every(
          (s) => s.lagSeconds >= 1 && s.stalledForMs >= 1_000 && s.lagEvents >= HELD_EVENTS,
        )
          ? status
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'lag in seconds to grow past 1 s' },
    );
    const metrics = await metricLag(service.baseUrl);
    if (metrics !== undefined) {
      for (const s of held) expect(metrics.get(s.name)).toBeGreaterThanOrEqual(HELD_EVENTS);
    }

    await holder.query('COMMIT');
    const releasedAt = Date.now();
    await waitForProjectionsCaughtUp(service.baseUrl);
    const drainMs = Date.now() - releasedAt;
    // The gauges are sampled, not computed per scrape: poll until they show the drain too.
    if (metrics !== undefined)
      await waitFor(
        async () => {
          const after = await metricLag(service.baseUrl);
          return held.every((s) => after?.get(s.name) === 0) ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200, what: '/metrics to report the lag drained' },
      );

    recordFigures('long-transaction', {
      heldEvents: HELD_EVENTS,
      heldForMs: releasedAt - heldAt,
      projections: held.length,
      maxLagEventsReported: Math.max(...later.map((s: ProjectionStatusView) => s.lagEvents)),
      maxLagSecondsReported: Math.max(...later.map((s) => s.lagSeconds)),
      reportedInMetrics: metrics !== undefined,
      drainMs,
      durationSeconds: Number(((Date.now() - started) / 1000).toFixed(1)),
    });
  });
});
