import type { Checkpoint } from '@touchline/event-store';

/**
 * stopped: not started, or stopped. standby: running, waiting for the leader lock (or for
 * PostgreSQL). leader: holds the lock and publishes.
 */
export type RelayRole = 'stopped' | 'standby' | 'leader';

export interface RelayError {
  message: string;
  at: Date;
}

export interface RelayStatus {
  name: string;
  /** This instance. */
  instanceId: string;
  /** This instance's role. */
  role: RelayRole;
  /**
   * The stored checkpoint, as every instance sees it: each event up to it was acknowledged by
   * Kafka. null before the first acknowledged batch.
   */
  checkpoint: Checkpoint | null;
  /** When the stored checkpoint last moved. */
  checkpointMovedAt: Date | null;
  /** The current leadership term (the fencing token) and who opened it, from the database. */
  term: number | null;
  leader: string | null;
  leaderSince: Date | null;
  /**
   * Events in the store after the checkpoint: not yet acknowledged by Kafka. It includes events
   * committed behind a transaction that is still open, which no reader may pass yet: a long open
   * transaction shows here as growing lag. null when it could not be counted.
   */
  lag: number | null;
  /** When the store recorded the oldest event not yet acknowledged; null when there is none. */
  oldestPendingRecordedAt: Date | null;
  /** The backend pid of this instance's lock connection while it leads, for pg_stat_activity. */
  lockBackendPid: number | null;
  /** Events this instance has published and checkpointed since it started. */
  publishedEvents: number;
  /** When this instance last had a batch acknowledged. */
  lastPublishedAt: Date | null;
  /** The last failure this instance saw (Kafka, PostgreSQL, the lock); kept after recovery. */
  lastError: RelayError | null;
  /** Failed attempts in a row on the batch in hand; 0 when the last attempt succeeded. */
  consecutiveFailures: number;
}
