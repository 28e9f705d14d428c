import type { ProjectionStatus } from '@touchline/projections';
import { touchpointExample, type Touchpoint } from '@touchline/touchpoints';
import { registerStateGauges, shared } from './state-gauges';
import { MAX_SOURCE_LABELS, TouchlineMetrics } from './touchline-metrics';

function touchpoint(type: 'purchase' | 'survey.nps', source: string): Touchpoint {
  const example = touchpointExample(type) as Touchpoint;
  return { ...example, metadata: { source } } as Touchpoint;
}

/** The value of one sample line of the exposition, e.g. `name{a="b"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('TouchlineMetrics', () => {
  let metrics: TouchlineMetrics;
  beforeEach(() => {
    metrics = new TouchlineMetrics({ defaultMetrics: false });
  });

  it('counts ingested touchpoints by type, source and outcome, and times the append', async () => {
    const batch = [touchpoint('purchase', 'shop'), touchpoint('survey.nps', 'survey-tool')];
    metrics.ingestObserver.recorded(batch, { statuses: ['appended', 'duplicate'] }, 0.012);
    metrics.ingestObserver.recorded([batch[0]!], { statuses: ['appended'] }, 0.003);
    metrics.ingestObserver.recorded([batch[0]!], { error: new Error('store down') }, 2);
    metrics.ingestObserver.rejected('http', [{ type: 'purchase' }, { type: 'no-such-type' }, {}]);

    const text = await metrics.scrape();
    const counted = (labels: string) => sample(text, `touchline_ingest_events_total{${labels}}`);
    expect(counted('type="purchase",source="shop",outcome="appended"')).toBe(2);
    expect(counted('type="survey.nps",source="survey-tool",outcome="duplicate"')).toBe(1);
    expect(counted('type="purchase",source="shop",outcome="failed"')).toBe(1);
    expect(counted('type="purchase",source="http:invalid",outcome="rejected"')).toBe(1);
    expect(counted('type="unknown",source="http:invalid",outcome="rejected"')).toBe(2);
    expect(sample(text, 'touchline_append_duration_seconds_count{kind="batch",outcome="ok"}')).toBe(
      1,
    );
    expect(
      sample(text, 'touchline_append_duration_seconds_count{kind="single",outcome="ok"}'),
    ).toBe(1);
    expect(
      sample(
        text,
        'touchline_append_duration_seconds_bucket{le="2.5",kind="single",outcome="error"}',
      ),
    ).toBe(1);
  });

  it(`keeps at most ${MAX_SOURCE_LABELS} producer sources as labels; the rest are "other"`, async () => {
    for (let i = 0; i < MAX_SOURCE_LABELS + 5; i++) {
      metrics.ingestObserver.recorded(
        [touchpoint('purchase', `src-${i}`)],
        { statuses: ['appended'] },
        0.001,
      );
    }
    const text = await metrics.scrape();
    expect(
      sample(
        text,
        `touchline_ingest_events_total{type="purchase",source="src-0",outcome="appended"}`,
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        `touchline_ingest_events_total{type="purchase",source="other",outcome="appended"}`,
      ),
    ).toBe(5);
  });

  it('records group-commit batch sizes and dead letters', async () => {
    metrics.eventStoreObserver.batchCommitted(120, 40);
    metrics.eventStoreObserver.batchCommitted(1, 1);
    metrics.ingestObserver.deadLettered(3);
    const text = await metrics.scrape();
    expect(sample(text, 'touchline_event_store_batch_events_count')).toBe(2);
    expect(sample(text, 'touchline_event_store_batch_events_sum')).toBe(121);
    expect(sample(text, 'touchline_event_store_batch_events_bucket{le="100"}')).toBe(1);
    expect(sample(text, 'touchline_event_store_batch_requests_sum')).toBe(41);
    expect(sample(text, 'touchline_kafka_inbound_dead_letters_total')).toBe(3);
  });

  it('exposes process metrics unless told not to', async () => {
    const withDefaults = new TouchlineMetrics();
    expect(await withDefaults.scrape()).toMatch(/^process_cpu_user_seconds_total /m);
    expect(await metrics.scrape()).not.toMatch(/process_cpu_user_seconds_total/);
  });
});

describe('state gauges', () => {
  const projection = (name: string, overrides: Partial<ProjectionStatus> = {}) =>
    ({
      name,
      lagEvents: 0,
      lagSeconds: 0,
      stalledForMs: 0,
      healthy: true,
      deadLetters: 0,
      rebuild: null,
      ...overrides,
    }) as ProjectionStatus;

  it('reads projection, relay and Kafka lag at scrape time, once per scrape', async () => {
    const metrics = new TouchlineMetrics({ defaultMetrics: false });
    const projections = jest.fn().mockResolvedValue([
      projection('customer_profile', { lagEvents: 42, lagSeconds: 3.5 }),
      projection('survey_daily', {
        healthy: false,
        stalledForMs: 45_000,
        deadLetters: 2,
        rebuild: { applied: 250, total: 1_000 } as ProjectionStatus['rebuild'],
      }),
    ]);
    const relay = jest.fn().mockResolvedValue({
      role: 'leader',
      lag: 7,
      oldestPendingRecordedAt: new Date(Date.now() - 2_000),
    });
    const inboundLag = jest.fn().mockResolvedValue([
      { partition: 0, lag: 5 },
      { partition: 1, lag: 0 },
    ]);
    const inbound = () => ({
      state: 'joining' as const,
      since: new Date(Date.now() - 12_000),
      attempts: 1,
    });
    registerStateGauges(metrics, { projections, relay, inboundLag, inbound });

    const text = await metrics.scrape();
    const value = (series: string) => sample(text, series);
    expect(value('touchline_projection_lag_events{projection="customer_profile"}')).toBe(42);
    expect(value('touchline_projection_lag_seconds{projection="customer_profile"}')).toBe(3.5);
    expect(value('touchline_projection_healthy{projection="survey_daily"}')).toBe(0);
    expect(value('touchline_projection_healthy{projection="customer_profile"}')).toBe(1);
    expect(value('touchline_projection_stalled_seconds{projection="survey_daily"}')).toBe(45);
    expect(value('touchline_projection_dead_letters{projection="survey_daily"}')).toBe(2);
    expect(value('touchline_projection_rebuild_progress_ratio{projection="survey_daily"}')).toBe(
      0.25,
    );
    // No rebuild under way: no sample, rather than a misleading 0.
    expect(
      value('touchline_projection_rebuild_progress_ratio{projection="customer_profile"}'),
    ).toBe(undefined);
    expect(value('touchline_relay_lag_events')).toBe(7);
    expect(value('touchline_relay_leader')).toBe(1);
    expect(value('touchline_relay_lag_seconds')).toBeGreaterThanOrEqual(2);
    expect(value('touchline_kafka_inbound_consumer_lag{partition="0"}')).toBe(5);
    expect(value('touchline_kafka_inbound_consumer_state{state="joining"}')).toBe(1);
    expect(value('touchline_kafka_inbound_consumer_state{state="joined"}')).toBe(0);
    expect(value('touchline_kafka_inbound_consumer_state{state="retrying"}')).toBe(0);
    expect(value('touchline_kafka_inbound_consumer_state_seconds')).toBeGreaterThanOrEqual(12);
    // Eight projection gauges and three relay gauges: one read of each source.
    expect(projections).toHaveBeenCalledTimes(1);
    expect(relay).toHaveBeenCalledTimes(1);
  });

  it('answers a scrape when a source fails, and counts the failure', async () => {
    const metrics = new TouchlineMetrics({ defaultMetrics: false });
    registerStateGauges(metrics, {
      projections: () => Promise.reject(new Error('database down')),
    });
    const text = await metrics.scrape();
    expect(text).not.toMatch(/^touchline_projection_lag_events\{/m);
    // Metrics are collected side by side: the failure shows from the next scrape on.
    const next = await metrics.scrape();
    expect(
      sample(next, 'touchline_scrape_errors_total{source="projections"}'),
    ).toBeGreaterThanOrEqual(1);
    // Absent sources register no gauges at all.
    expect(text).not.toMatch(/touchline_relay_lag_events/);
  });

  it('shares one read between the gauges of a scrape, and retries after a failure', async () => {
    let calls = 0;
    const read = shared(async () => {
      calls++;
      if (calls === 1) throw new Error('first fails');
      return calls;
    }, 60_000);
    await expect(read()).rejects.toThrow('first fails');
    expect(await read()).toBe(2);
    expect(await read()).toBe(2);
    expect(calls).toBe(2);
  });
});
