/** Optional: bound by the application (e.g. to metrics); the store works the same without it. */
export const EVENT_STORE_OBSERVER = Symbol('EVENT_STORE_OBSERVER');

/** What the PostgreSQL store reports as it works. Must be cheap and must not throw. */
export interface EventStoreObserver {
  /** A group-commit transaction committed: its events and the append requests it answered. */
  batchCommitted(events: number, requests: number): void;
}
