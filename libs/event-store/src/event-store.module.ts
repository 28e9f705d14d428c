import { Global, Inject, Injectable, Logger, Module, type OnModuleDestroy } from '@nestjs/common';
import { DATABASE, type Database } from '@touchline/database';
import { EVENT_STORE, type EventStore } from './event-store.port';
import { PostgresEventStore } from './postgres/postgres-event-store.adapter';

@Injectable()
class EventStoreCloser implements OnModuleDestroy {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onModuleDestroy(): Promise<void> {
    await this.store.close();
  }
}

/**
 * Binds the EVENT_STORE port to the PostgreSQL adapter on the process's database, after applying
 * the store's migrations. (The EventStoreDB profile binds its adapter here too.)
 */
@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [DATABASE],
      useFactory: async (db: Database): Promise<EventStore> => {
        const logger = new Logger('EventStore');
        await PostgresEventStore.migrate(db.pool);
        return new PostgresEventStore(db.pool, {
          onSubscriptionReadError: (error) =>
            logger.warn(`Reading the global log failed, retrying: ${(error as Error).message}`),
        });
      },
    },
    EventStoreCloser,
  ],
  exports: [EVENT_STORE],
})
export class EventStoreModule {}
