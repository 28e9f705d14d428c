import type { Checkpoint } from '@touchline/event-store';

export interface Backlog {
  /**
   * Committed events after the checkpoint, including those a reader cannot see yet. Exact for
   * small backlogs (zero is always exact); an adapter may estimate large ones.
   */
  events: number;
  /** recordedAt of the first of them in log order; null when there are none. */
  oldestRecordedAt: Date | null;
}

/**
 * Questions about the global log that the EventStore port does not answer (it reads events, it
 * does not count them). One implementation per event store adapter.
 */
export interface LogStats {
  backlog(after: Checkpoint | null): Promise<Backlog>;
  /** The last position a reader can see now: the target a rebuild must reach before switching. */
  head(): Promise<Checkpoint | null>;
  /** The database's clock, which also stamped recordedAt. */
  now(): Promise<Date>;
}
