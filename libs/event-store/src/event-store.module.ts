import { Global, Inject, Injectable, Logger, Module, type OnModuleDestroy } from '@nestjs/common';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import { DATABASE, type Database } from '@touchline/database';
import { EVENT_STORE_OBSERVER, type EventStoreObserver } from './event-store.observer';
import { EVENT_STORE, type EventStore } from './event-store.port';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.adapter';
import { PostgresEventStore } from './postgres/postgres-event-store.adapter';

@Injectable()
class EventStoreCloser implements OnModuleDestroy {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onModuleDestroy(): Promise<void> {
    await this.store.close();
  }
}

/**
 * Binds the EVENT_STORE port: EventStoreDB when EVENTSTORE_URL is configured, else PostgreSQL on
 * the process's database (after applying the store's migrations). Same code above it either way.
 */
@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [TOUCHLINE_CONFIG, DATABASE, { token: EVENT_STORE_OBSERVER, optional: true }],
      useFactory: async (
        config: TouchlineConfig,
        db: Database,
        observer?: EventStoreObserver,
      ): Promise<EventStore> => {
        const logger = new Logger('EventStore');
        const onSubscriptionReadError = (error: unknown) =>
          logger.warn(`Reading the global log failed, retrying: ${(error as Error).message}`);
        if (config.eventstoreUrl) {
          return new EventStoreDbEventStore(config.eventstoreUrl, { onSubscriptionReadError });
        }
        await PostgresEventStore.migrate(db.pool);
        return new PostgresEventStore(db.pool, {
          onSubscriptionReadError,
          groupCommit: observer
            ? {
                onBatch: (events, requests) => {
                  try {
                    observer.batchCommitted(events, requests);
                  } catch {
                    // Metrics must never fail an append.
                  }
                },
              }
            : undefined,
        });
      },
    },
    EventStoreCloser,
  ],
  exports: [EVENT_STORE],
})
export class EventStoreModule {}
