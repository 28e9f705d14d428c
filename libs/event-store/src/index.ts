export * from './event-store.port';
export {
  EventStoreConflictError,
  WrongExpectedRevisionError,
  EventIdConflictError,
  EventStoreUnavailableError,
  isConflict,
} from './errors';
export { canonicalJson, contentDigest, recordDigest, chainHash } from './canonical';
export { PostgresEventStore } from './postgres/postgres-event-store.adapter';
export type { PostgresEventStoreOptions } from './postgres/postgres-event-store.adapter';
export { eventStoreMigrations, EVENT_STORE_MIGRATION_SCOPE } from './postgres/migrations';
export { EventStoreModule } from './event-store.module';
export {
  EventStoreDbEventStore,
  type EventStoreDbEventStoreOptions,
} from './eventstoredb/eventstoredb-event-store.adapter';
export { EVENT_STORE_OBSERVER } from './event-store.observer';
export type { EventStoreObserver } from './event-store.observer';
