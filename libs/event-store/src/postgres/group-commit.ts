import type { Pool } from 'pg';
import { isConnectionError } from '@touchline/database';
import type { AppendResult, AppendedEvent } from '../event-store.port';
import {
  EventIdConflictError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
} from '../errors';
import { encodeCheckpoint } from './checkpoint';
import {
  appendBatch,
  appendBatchAtomically,
  type AppendBatchRow,
  type AppendRequest,
} from './sql/appendBatch';

/**
 * What callers queue: one append (appendToStream), or several that must commit together or not
 * at all (appendToStreams).
 */
interface PendingUnit {
  requests: AppendRequest[];
  atomic: boolean;
  resolve: (results: AppendResult[]) => void;
  reject: (error: Error) => void;
}

export interface GroupCommitOptions {
  /** Most events in one transaction. Default 5,000. */
  maxBatchEvents?: number;
  /** Transactions under way at once (each holds a pool connection). Default 2. */
  maxInFlight?: number;
  /**
   * Below this many queued events a batch is not split across free transaction slots. Splitting
   * lets Node and PostgreSQL work at once instead of taking turns. Default 100.
   */
  minSplitEvents?: number;
  /** Called after each committed batch (wakes in-process subscribers). */
  onCommit?: () => void;
  /** Called with each batch's size in events, for metrics. */
  onBatch?: (events: number, requests: number) => void;
}

/** Retried as a whole: a race with another writer that the next attempt sees resolved. */
const RETRYABLE = new Set(['40P01', '40001', '23505']);
const MAX_ATTEMPTS = 5;

/**
 * Group commit: appends that arrive while a transaction is under way wait and go together in the
 * next one, so many small concurrent requests cost few transactions (and few fsyncs). Each request
 * keeps its own optimistic concurrency and idempotency check inside touchline.append_batch, and
 * is answered only after the transaction that holds it has committed. An atomic unit (several
 * streams, all or nothing) gets a transaction of its own.
 */
export class GroupCommitWriter {
  private readonly queue: PendingUnit[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatchEvents: number;
  private readonly maxInFlight: number;
  private readonly minSplitEvents: number;

  constructor(
    private readonly pool: Pool,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.maxBatchEvents = options.maxBatchEvents ?? 5_000;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.minSplitEvents = options.minSplitEvents ?? 100;
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    const [result] = await this.enqueue([request], false);
    return result!;
  }

  appendAtomically(requests: AppendRequest[]): Promise<AppendResult[]> {
    return this.enqueue(requests, requests.length > 1);
  }

  /** Resolves when nothing is queued or under way. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private enqueue(requests: AppendRequest[], atomic: boolean): Promise<AppendResult[]> {
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.queue.push({ requests, atomic, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // setImmediate lets the appends of the current tick join the batch.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
        const batch = this.take();
        this.inFlight++;
        void this.commit(batch, 1).finally(() => {
          this.inFlight--;
          this.schedule();
        });
      }
    });
  }

  /**
   * The next batch, in arrival order. An atomic unit goes alone. A unit reusing an event id
   * already in the batch waits for a later one (append_batch sees each id once).
   */
  private take(): PendingUnit[] {
    const first = this.queue[0]!;
    if (first.atomic) return this.queue.splice(0, 1);
    const freeSlots = Math.max(1, this.maxInFlight - this.inFlight);
    const queued = this.queue.reduce((n, unit) => n + unit.requests[0]!.events.length, 0);
    const limit = Math.min(
      this.maxBatchEvents,
      Math.max(this.minSplitEvents, Math.ceil(queued / freeSlots)),
    );
    const batch: PendingUnit[] = [];
    const ids = new Set<string>();
    let events = 0;
    for (let i = 0; i < this.queue.length;) {
      const unit = this.queue[i]!;
      if (unit.atomic) break;
      const size = unit.requests[0]!.events.length;
      if (batch.length > 0 && events + size > limit) break;
      if (unit.requests[0]!.events.some((e) => ids.has(e.eventId))) {
        i++;
        continue;
      }
      unit.requests[0]!.events.forEach((e) => ids.add(e.eventId));
      events += size;
      batch.push(unit);
      this.queue.splice(i, 1);
    }
    return batch;
  }

  private async commit(batch: PendingUnit[], attempt: number): Promise<void> {
    const requests = batch.flatMap((unit) => unit.requests);
    const atomic = batch.length === 1 && batch[0]!.atomic;
    let rows: AppendBatchRow[];
    try {
      rows = atomic
        ? await appendBatchAtomically(this.pool, requests)
        : await appendBatch(this.pool, requests);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (isConnectionError(error)) {
        // The outcome is unknown: the caller must retry with the same event ids (idempotent).
        const unavailable = new EventStoreUnavailableError('Event store unavailable', {
          cause: error,
        });
        batch.forEach((unit) => unit.reject(unavailable));
        return;
      }
      if (code && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) {
        return this.commit(batch, attempt + 1);
      }
      if (batch.length > 1) {
        // Isolate the unit that fails so that it cannot take the others down with it.
        for (const unit of batch) await this.commit([unit], 1);
        return;
      }
      batch[0]!.reject(error as Error);
      return;
    }
    this.options.onBatch?.(
      requests.reduce((n, r) => n + r.events.length, 0),
      requests.length,
    );
    this.options.onCommit?.();
    settle(batch, rows);
  }
}

function settle(batch: PendingUnit[], rows: AppendBatchRow[]): void {
  const byEventId = new Map<string, AppendBatchRow>();
  const failures = new Map<number, AppendBatchRow>();
  for (const row of rows) {
    if (row.out_status === 'appended' || row.out_status === 'duplicate') {
      byEventId.set(row.out_event_id!, row);
    } else {
      failures.set(row.out_req!, row);
    }
  }
  let index = 0;
  for (const unit of batch) {
    const results: AppendResult[] = [];
    let failed: Error | undefined;
    for (const request of unit.requests) {
      index++;
      const failure = failures.get(index);
      if (failure) {
        failed ??=
          failure.out_status === 'wrong_expected_revision'
            ? new WrongExpectedRevisionError(
                request.streamId,
                request.expectedRevision,
                Number(failure.out_head),
              )
            : new EventIdConflictError(request.streamId, failure.out_event_id!);
        continue;
      }
      results.push(resultOf(request, byEventId));
    }
    if (failed) unit.reject(failed);
    else unit.resolve(results);
  }
}

function resultOf(request: AppendRequest, byEventId: Map<string, AppendBatchRow>): AppendResult {
  let head = -1;
  const events: AppendedEvent[] = request.events.map((event) => {
    const row = byEventId.get(event.eventId)!;
    const revision = Number(row.out_revision);
    head = Math.max(head, revision, row.out_head === null ? -1 : Number(row.out_head));
    return {
      eventId: event.eventId,
      status: row.out_status as AppendedEvent['status'],
      revision,
      position: encodeCheckpoint(row.out_tx!, row.out_position!),
      globalPosition: row.out_position!,
    };
  });
  return { streamId: request.streamId, nextExpectedRevision: head, events };
}
