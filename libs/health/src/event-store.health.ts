import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { withTimeout } from '@touchline/database';
import { EVENT_STORE, type EventStore } from '@touchline/event-store';

/**
 * Ready only when the event store answers a read of the global log (one event): PostgreSQL's
 * events table, or EventStoreDB's $all in that profile.
 */
@Injectable()
export class EventStoreHealthIndicator {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(TOUCHLINE_CONFIG) private readonly config: TouchlineConfig,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'eventStore') {
    const indicator = this.health.check(key);
    const kind = this.config.profile === 'eventstoredb' ? 'eventstoredb' : 'postgres';
    try {
      await withTimeout(this.store.readAll(null, 1), CHECK_TIMEOUT_MS, 'The event store');
      return indicator.up({ kind });
    } catch (error) {
      return indicator.down({ kind, error: (error as Error).message });
    }
  }
}

/** A readiness probe must answer before the orchestrator's own timeout. */
export const CHECK_TIMEOUT_MS = 2_500;
