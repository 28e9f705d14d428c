import { DATABASE, type Database } from '@touchline/database';
import { EVENT_STORE, type EventStore } from '@touchline/event-store';
import { PostgresLogStats, ProjectionEngine } from '@touchline/projections';
import { READ_MODEL_PROJECTIONS } from '@touchline/read-models';

/**
 * The CLI's projection engine: the read models' definitions over the configured database, never
 * started. It reads status and records rebuilds; the running API or worker does the work (their
 * engines pick a rebuild up within a second).
 */
export const cliProjectionEngine = {
  provide: ProjectionEngine,
  inject: [DATABASE, EVENT_STORE],
  useFactory: (db: Database, store: EventStore): ProjectionEngine =>
    new ProjectionEngine({
      pool: db.pool,
      store,
      logStats: new PostgresLogStats(db.pool),
      projections: READ_MODEL_PROJECTIONS,
      positionPollMs: 250,
    }),
};
