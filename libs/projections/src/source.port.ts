import type { RecordedEvent } from '@touchline/event-store';
import type { FailedEvent } from './sql/builds';

/**
 * Where a projection's events come from. Two implementations are planned:
 *   - the in-process feed (sources/in-process.source.ts): one partition, `$all`, over
 *     `store.subscribeToAll`; the cursor is the store's checkpoint;
 *   - a Kafka consumer group on touchline.journey.v1: one partition per assigned topic partition,
 *     the cursor is the partition's offset, `commit` commits it to the group after the database did.
 *
 * The engine keeps, per build and partition, the cursor of the last record it applied, in the same
 * transaction as the rows. A source asks for it (cursorOf) when it starts or is assigned a
 * partition and delivers the records that follow it, in order.
 */
export interface ProjectionSource {
  open(consumer: SourceConsumer): SourceHandle;
}

export interface SourceRecord {
  event: RecordedEvent;
  /** Where this source continues after the record (in-process: event.position; Kafka: offset). */
  cursor: string;
}

export interface SourceBatch {
  /** '$all' for the in-process feed; e.g. 'touchline.journey.v1:3' for Kafka. */
  partition: string;
  /** In order; per stream in revision order. Never empty. */
  records: SourceRecord[];
  /** Called after the batch's transaction committed (Kafka: commit the offsets). Failures are reported, not retried: the database is the record. */
  commit?: () => Promise<void>;
}

/**
 * - applied: committed (possibly with every record skipped as already applied); continue.
 * - resync: the stored cursor is not the one this batch continues from (another runner moved it,
 *   or the source never asked): nothing was written; ask cursorOf again and redeliver from there.
 * - halt: the build is stopped, failed, retired or being closed: nothing more for this consumer.
 */
export type BatchOutcome = 'applied' | 'resync' | 'halt';

export interface SourceConsumer {
  /** The cursor stored for this partition, null when nothing was applied from it yet. */
  cursorOf(partition: string): Promise<string | null>;
  /** Resolves after the batch is committed (or known to be a no-op). */
  apply(batch: SourceBatch): Promise<BatchOutcome>;
  /** For errors of the source itself (reads, connections); the source retries on its own. */
  reportSourceError(error: unknown): void;
  /**
   * For partitioned sources (Kafka). Declares every partition of the build: missing checkpoint
   * rows are created (nothing applied: they hold the build's position back) and rows of other
   * partitions ('$all', left by the rebuild that made this build) are deleted. Call before the
   * first cursorOf.
   */
  usePartitions?(partitions: readonly string[]): Promise<BatchOutcome>;
  /**
   * For partitioned sources. Nothing for this build lies between the cursor last read or written
   * for the partition and `mark.cursor`, and every event routed to the partition up to store
   * position `mark.position` is applied: both are stored (the position only ever rises) without
   * touching rows. Same compare-and-set and outcomes as apply.
   */
  advance?(partition: string, mark: PartitionMark): Promise<BatchOutcome>;
  /**
   * A record that is not an event (Kafka: a message that does not decode), delivered in its place
   * in the partition's order: it is never skipped. The projection's poison policy decides, as for
   * an event it cannot apply: 'stop' fails the build with the reason ('halt', the cursor stays
   * before the record); 'dead-letter' records a dead letter with the reason and stores
   * `record.cursor` ('applied'). Same compare-and-set as apply.
   */
  reject(partition: string, record: UnreadableRecord): Promise<BatchOutcome>;
  /**
   * The source cannot deliver what follows the partition's cursor (Kafka: the records were deleted
   * before they were applied): the build is failed with the reason, whatever its poison policy
   * ('halt'). Same compare-and-set as apply: 'resync' when another runner moved the cursor.
   */
  fail(partition: string, reason: string): Promise<BatchOutcome>;
}

export interface UnreadableRecord {
  /** Where the source continues after the record. */
  cursor: string;
  /** Why it is not an event, and where it is: the dead letter's or the failed build's reason. */
  reason: string;
  /**
   * What the record claims to be, as far as it can be read ('' and -1 where it cannot), for the
   * dead letter and the failed build's status. The eventId is the source's own for the record's
   * place, never the one it claims: a broken copy of a real event must not hide its dead letter.
   */
  claimed: FailedEvent;
}

export interface PartitionMark {
  cursor: string | null;
  position: string | null;
}

export interface SourceHandle {
  /** Stops after the batch in hand; resolves when stopped. */
  stop(): Promise<void>;
  /** Settles when the source ends: on stop(), or on 'halt'. */
  readonly done: Promise<void>;
}

/** Partition name of sources that read the store's global log directly. */
export const ALL_PARTITION = '$all';
