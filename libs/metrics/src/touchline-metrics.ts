import type { EventStoreObserver } from '@touchline/event-store';
import type { IngestEntryPoint, IngestObserver } from '@touchline/ingest';
import { isTouchpointType, type Touchpoint } from '@touchline/touchpoints';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CollectFunction,
} from 'prom-client';

/** Producers' `source` values become a label; past this many distinct ones the rest are "other". */
export const MAX_SOURCE_LABELS = 100;

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000];

/**
 * The service's Prometheus metrics, in a registry of its own (not prom-client's global one, so
 * that two applications in one process, as in tests, do not collide). Counters and histograms
 * are updated on the hot path by the observers below (a map lookup and an addition); gauges that
 * describe state (lags, rebuilds) are read from their owners when Prometheus scrapes.
 */
export class TouchlineMetrics {
  readonly registry = new Registry();
  private readonly sources = new Set<string>();

  readonly ingestedEvents = new Counter({
    name: 'touchline_ingest_events_total',
    help: 'Touchpoints received, by type, producer source and outcome (appended, duplicate, rejected, failed)',
    labelNames: ['type', 'source', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly appendDuration = new Histogram({
    name: 'touchline_append_duration_seconds',
    help: 'Time to append a record command to the event store (queueing for group commit included), by kind (single, batch) and outcome (ok, error)',
    labelNames: ['kind', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'touchline_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly batchEvents = new Histogram({
    name: 'touchline_event_store_batch_events',
    help: 'Events per group-commit transaction of the PostgreSQL event store',
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });

  readonly batchRequests = new Histogram({
    name: 'touchline_event_store_batch_requests',
    help: 'Append requests answered by one group-commit transaction',
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });

  readonly deadLetters = new Counter({
    name: 'touchline_kafka_inbound_dead_letters_total',
    help: 'Inbound Kafka messages written to the dead-letter topic by this process',
    registers: [this.registry],
  });

  readonly scrapeErrors = new Counter({
    name: 'touchline_scrape_errors_total',
    help: 'Scrapes in which a state source (projections, relay, kafka_inbound) could not be read',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  constructor({ defaultMetrics = true }: { defaultMetrics?: boolean } = {}) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge whose values are read at scrape time. */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: CollectFunction<Gauge<L>>,
  ): Gauge<L> {
    return new Gauge<L>({ name, help, labelNames, collect, registers: [this.registry] });
  }

  /** The Prometheus text exposition. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  readonly ingestObserver: IngestObserver = {
    recorded: (touchpoints, outcome, seconds) => {
      const ok = 'statuses' in outcome;
      this.appendDuration.observe(
        { kind: touchpoints.length === 1 ? 'single' : 'batch', outcome: ok ? 'ok' : 'error' },
        seconds,
      );
      touchpoints.forEach((touchpoint, i) => {
        const result = ok ? (outcome.statuses[i] ?? 'failed') : 'failed';
        this.ingestedEvents.inc(this.touchpointLabels(touchpoint, result));
      });
    },
    rejected: (entryPoint: IngestEntryPoint, items) => {
      for (const item of items) {
        const type =
          typeof item.type === 'string' && isTouchpointType(item.type) ? item.type : 'unknown';
        // The source of an invalid item is not trusted as a label: it is the entry point's.
        this.ingestedEvents.inc({ type, source: `${entryPoint}:invalid`, outcome: 'rejected' });
      }
    },
    deadLettered: (count) => this.deadLetters.inc(count),
  };

  readonly eventStoreObserver: EventStoreObserver = {
    batchCommitted: (events, requests) => {
      this.batchEvents.observe(events);
      this.batchRequests.observe(requests);
    },
  };

  private touchpointLabels(touchpoint: Touchpoint, outcome: string) {
    return { type: touchpoint.type, source: this.sourceLabel(touchpoint.metadata.source), outcome };
  }

  private sourceLabel(source: string): string {
    if (this.sources.has(source)) return source;
    if (this.sources.size >= MAX_SOURCE_LABELS) return 'other';
    this.sources.add(source);
    return source;
  }
}
