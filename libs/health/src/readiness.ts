import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { withTimeout } from '@touchline/database';
import { DatabaseHealthIndicator } from './database.health';
import { CHECK_TIMEOUT_MS, EventStoreHealthIndicator } from './event-store.health';
import { KafkaHealthIndicator } from './kafka.health';
import { ProjectionsHealthIndicator } from './projections.health';

/** One check's result: `status` up or down, and what the check says about it. */
export type CheckResult = HealthIndicatorResult[string];

/** The answer of a readiness probe, in the `@nestjs/terminus` shape. */
export interface ReadinessReport {
  /** `ok`: every required check is up; `error`: one is down; `shutting_down`: the process stops. */
  status: 'ok' | 'error' | 'shutting_down';
  /** The checks that are up, required or only reported. */
  info: Record<string, CheckResult>;
  /** The required checks that are down: why the process is not ready. */
  error: Record<string, CheckResult>;
  /** Every check, required or only reported, up or down. */
  details: Record<string, CheckResult>;
}

/** The checks readiness fails on; every other one is only reported. */
export const REQUIRED_CHECKS = ['database', 'eventStore'] as const;

/**
 * A check that overruns its own deadline (the Kafka check reads the relay, then the brokers,
 * each with one) still answers in time: the probe as a whole stays under 3 s.
 */
const CHECK_DEADLINE_MS = CHECK_TIMEOUT_MS + 250;

/**
 * Whether this process can serve what it is there for, and nothing more. In Kubernetes' terms a
 * process that is not ready is taken out of its Service's endpoints (no traffic; it is not
 * restarted), so readiness fails only when the traffic would fail:
 *
 * - Required: the database and the event store. An append needs nothing else, and a query reads
 *   the same database; a process that cannot reach them could only answer errors.
 * - Reported, never required: the projections, and Kafka with the relay and the inbound consumer.
 *   They are in `details` (and in /metrics) whatever their state. A failed or stalled projection
 *   is a state of the shared registry, not of this process: every process running it stops at
 *   the same event, and one long transaction anywhere stalls every reader. Failing on it would
 *   take every replica out of the load balancer at once and stop HTTP ingestion, which needs no
 *   read model, while repairing nothing; queries keep answering from the last applied state, with
 *   the lag visible. Kafka serves the relay and the inbound consumer, never an HTTP request. The
 *   worker serves no traffic at all: its readiness gates rollouts, and a rollout must not wait for
 *   a projection it may be deploying the fix for. Projections, relay and consumer are alerted on
 *   from the metrics instead (docs/observability.md).
 *
 * Every check has a deadline, so a database or broker that stops answering makes the probe answer
 * `down` in time rather than hang.
 */
@Injectable()
export class Readiness implements BeforeApplicationShutdown {
  private shuttingDown = false;

  constructor(
    private readonly database: DatabaseHealthIndicator,
    private readonly eventStore: EventStoreHealthIndicator,
    private readonly projections: ProjectionsHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

  async check(): Promise<ReadinessReport> {
    const checks: Array<[string, () => Promise<HealthIndicatorResult>]> = [
      ['database', () => this.database.check()],
      ['eventStore', () => this.eventStore.check()],
      ['projections', () => this.projections.check()],
    ];
    if (this.kafka.configured) checks.push(['kafka', () => this.kafka.check()]);
    const results = await Promise.all(checks.map(([key, check]) => bounded(key, check)));

    const details: Record<string, CheckResult> = Object.assign({}, ...results);
    const info: Record<string, CheckResult> = {};
    const error: Record<string, CheckResult> = {};
    for (const [key, result] of Object.entries(details)) {
      if (result.status === 'up') info[key] = result;
      else if ((REQUIRED_CHECKS as readonly string[]).includes(key)) error[key] = result;
    }
    const status = this.shuttingDown
      ? 'shutting_down'
      : Object.keys(error).length > 0
        ? 'error'
        : 'ok';
    return { status, info, error, details };
  }

  /** Once the application is stopping, the probe says so: the load balancer drains it first. */
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }
}

async function bounded(
  key: string,
  check: () => Promise<HealthIndicatorResult>,
): Promise<HealthIndicatorResult> {
  try {
    return await withTimeout(check(), CHECK_DEADLINE_MS, `The ${key} check`);
  } catch (error) {
    return { [key]: { status: 'down' as const, error: (error as Error).message } };
  }
}
