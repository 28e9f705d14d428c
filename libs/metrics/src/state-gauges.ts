import { withTimeout } from '@touchline/database';
import type { KafkaInboundState, KafkaInboundStatus } from '@touchline/ingest';
import type { ProjectionEngine, ProjectionStatus } from '@touchline/projections';
import type { RelayStatus } from '@touchline/relay';
import type { TouchlineMetrics } from './touchline-metrics';

/** Where the scrape-time gauges read from; each is absent where the process does not run it. */
export interface StateSources {
  projections?: () => Promise<ProjectionStatus[]>;
  relay?: () => Promise<RelayStatus>;
  inboundLag?: () => Promise<{ partition: number; lag: number }[]>;
  /** The Kafka inbound consumer's state (in memory, never blocks). */
  inbound?: () => KafkaInboundStatus;
}

/** The states a running inbound consumer can be in, each a series of the state gauge. */
const INBOUND_STATES: readonly KafkaInboundState[] = ['joining', 'joined', 'retrying', 'stopped'];

/** A scrape must answer even when Kafka or the database hangs. */
const SOURCE_TIMEOUT_MS = 3_000;

/** The functions made by shared(): wrapping one again would only add a second cache. */
const sharedReads = new WeakSet<object>();

/**
 * One read shared by everyone who asks: while a read is in flight every caller gets that same
 * read, and its result serves them for `ttlMs` after it arrives. A failed read is not kept (the
 * next caller tries again), and a read still in flight after `maxWaitMs` is given up for a fresh
 * one, so that a connection that hangs does not hold every later caller on it for good.
 */
export function shared<T>(
  read: () => Promise<T>,
  ttlMs = 1_000,
  maxWaitMs = 10_000,
): () => Promise<T> {
  if (sharedReads.has(read)) return read;
  let last: { startedAt: number; settledAt?: number; value: Promise<T> } | undefined;
  const get = (): Promise<T> => {
    const now = performance.now();
    const current = last;
    if (
      current &&
      (current.settledAt === undefined
        ? now - current.startedAt <= maxWaitMs
        : now - current.settledAt <= ttlMs)
    ) {
      return current.value;
    }
    const entry: NonNullable<typeof last> = {
      startedAt: now,
      value: new Promise<T>((resolve) => resolve(read())),
    };
    last = entry;
    entry.value.then(
      () => {
        entry.settledAt = performance.now();
      },
      () => {
        if (last === entry) last = undefined;
      },
    );
    return entry.value;
  };
  sharedReads.add(get);
  return get;
}

/** The one shared read of each engine's status in this process. */
const engineStatus = new WeakMap<object, () => Promise<ProjectionStatus[]>>();

/**
 * The projection engine's status, shared by everything in the process that asks for it: the
 * readiness probes (libs/health) and the gauges below. A read costs several queries per
 * projection (a count of its backlog, and of the whole log while a rebuild runs): however many
 * probes and scrapes arrive, the engine is asked at most once a second, and not again while a
 * read is under way (unless that read hangs for over 10 s).
 */
export function sharedProjectionStatus(
  engine: Pick<ProjectionEngine, 'status'>,
): () => Promise<ProjectionStatus[]> {
  let read = engineStatus.get(engine);
  if (!read) {
    read = shared(() => engine.status());
    engineStatus.set(engine, read);
  }
  return read;
}

/**
 * Registers the gauges that describe state: projection lag and health, rebuild progress, relay
 * lag, the inbound consumer's state and its group's lag. They are computed when Prometheus
 * scrapes, so they cost nothing between scrapes. A source that fails leaves its gauges empty for
 * that scrape (and touchline_scrape_errors_total says so, from the next scrape on, since metrics
 * are collected side by side) rather than failing the whole scrape.
 */
export function registerStateGauges(metrics: TouchlineMetrics, sources: StateSources): void {
  const errors = metrics.scrapeErrors;
  const read = async <T>(source: string, get: (() => Promise<T>) | undefined) => {
    if (!get) return undefined;
    try {
      return await withTimeout(get(), SOURCE_TIMEOUT_MS, `The ${source} source`);
    } catch {
      errors.inc({ source });
      return undefined;
    }
  };
  const projections = sources.projections && shared(sources.projections);
  const relay = sources.relay && shared(sources.relay);
  const inboundLag = sources.inboundLag && shared(sources.inboundLag);

  const perProjection = (
    name: string,
    help: string,
    value: (status: ProjectionStatus) => number | null,
  ) =>
    metrics.gauge(name, help, ['projection'], async function () {
      this.reset();
      for (const status of (await read('projections', projections)) ?? []) {
        const v = value(status);
        if (v !== null) this.set({ projection: status.name }, v);
      }
    });

  perProjection(
    'touchline_projection_lag_events',
    'Events committed to the store that the live projection has not applied yet',
    (s) => s.lagEvents,
  );
  perProjection(
    'touchline_projection_lag_seconds',
    'Age of the oldest event the live projection has not applied yet; 0 when caught up',
    (s) => s.lagSeconds,
  );
  perProjection(
    'touchline_projection_healthy',
    '1 when the projection runs and makes progress; 0 when failed or stalled',
    (s) => (s.healthy ? 1 : 0),
  );
  perProjection(
    'touchline_projection_stalled_seconds',
    'How long work has waited without the checkpoint moving; 0 when nothing waits',
    (s) => s.stalledForMs / 1000,
  );
  perProjection(
    'touchline_projection_dead_letters',
    'Events the live projection dead-lettered',
    (s) => s.deadLetters,
  );
  perProjection(
    'touchline_projection_rebuild_applied_events',
    'Events applied by the rebuild under way (absent when none)',
    (s) => s.rebuild?.applied ?? null,
  );
  perProjection(
    'touchline_projection_rebuild_total_events',
    'Events the rebuild under way must apply to catch up (absent when none)',
    (s) => s.rebuild?.total ?? null,
  );
  perProjection(
    'touchline_projection_rebuild_progress_ratio',
    'applied / total of the rebuild under way, 0..1 (absent when none)',
    (s) => (s.rebuild ? (s.rebuild.total === 0 ? 1 : s.rebuild.applied / s.rebuild.total) : null),
  );

  if (relay) {
    metrics.gauge(
      'touchline_relay_lag_events',
      'Events in the store not yet acknowledged by Kafka (behind the relay checkpoint)',
      [],
      async function () {
        this.reset();
        const status = await read('relay', relay);
        if (status?.lag != null) this.set(status.lag);
      },
    );
    metrics.gauge(
      'touchline_relay_lag_seconds',
      'Age of the oldest event not yet acknowledged by Kafka; 0 when none',
      [],
      async function () {
        this.reset();
        const status = await read('relay', relay);
        if (!status) return;
        const oldest = status.oldestPendingRecordedAt;
        this.set(oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0);
      },
    );
    metrics.gauge(
      'touchline_relay_leader',
      '1 when this process is the relay leader, 0 on standby or stopped',
      [],
      async function () {
        this.reset();
        const status = await read('relay', relay);
        if (status) this.set(status.role === 'leader' ? 1 : 0);
      },
    );
  }

  const inbound = sources.inbound;
  if (inbound) {
    metrics.gauge(
      'touchline_kafka_inbound_consumer_state',
      '1 for the state the Kafka inbound consumer is in (joining, joined, retrying, stopped), 0 for the others',
      ['state'],
      function () {
        this.reset();
        const { state } = inbound();
        if (state === 'disabled') return;
        for (const s of INBOUND_STATES) this.set({ state: s }, s === state ? 1 : 0);
      },
    );
    metrics.gauge(
      'touchline_kafka_inbound_consumer_state_seconds',
      'How long the Kafka inbound consumer has been in its current state',
      [],
      function () {
        this.reset();
        const { state, since } = inbound();
        if (state !== 'disabled') this.set(Math.max(0, (Date.now() - since.getTime()) / 1000));
      },
    );
  }

  if (inboundLag) {
    metrics.gauge(
      'touchline_kafka_inbound_consumer_lag',
      'Messages of touchline.inbound.v1 not yet committed by the touchline-ingest group, per partition',
      ['partition'],
      async function () {
        this.reset();
        for (const { partition, lag } of (await read('kafka_inbound', inboundLag)) ?? []) {
          this.set({ partition: String(partition) }, lag);
        }
      },
    );
  }
}
