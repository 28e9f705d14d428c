import type { Pool } from 'pg';
import { isConnectionError } from '@touchline/database';
import type { AppendResult, AppendedEvent } from '../event-store.port';
import {
  EventIdConflictError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
} from '../errors';
import { encodeCheckpoint } from './checkpoint';
import { appendBatch, type AppendBatchRow, type AppendRequest } from './sql/appendBatch';

export interface PendingAppend extends AppendRequest {
  resolve: (result: AppendResult) => void;
  reject: (error: Error) => void;
}

export interface GroupCommitOptions {
  /** Most events in one transaction. Default 5,000. */
  maxBatchEvents?: number;
  /** Transactions under way at once (each holds a pool connection). Default 2. */
  maxInFlight?: number;
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
 * is answered only after the transaction that holds it has committed.
 */
export class GroupCommitWriter {
  private readonly queue: PendingAppend[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatchEvents: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly pool: Pool,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.maxBatchEvents = options.maxBatchEvents ?? 5_000;
    this.maxInFlight = options.maxInFlight ?? 2;
  }

  append(request: AppendRequest): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ ...request, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when nothing is queued or under way. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0) {
      await new Promise((r) => setTimeout(r, 5));
    }
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

  /** The next batch, in arrival order; a request reusing an event id already in the batch waits. */
  private take(): PendingAppend[] {
    const batch: PendingAppend[] = [];
    const ids = new Set<string>();
    let events = 0;
    for (let i = 0; i < this.queue.length;) {
      const request = this.queue[i]!;
      if (batch.length > 0 && events + request.events.length > this.maxBatchEvents) break;
      if (request.events.some((e) => ids.has(e.eventId))) {
        i++;
        continue;
      }
      request.events.forEach((e) => ids.add(e.eventId));
      events += request.events.length;
      batch.push(request);
      this.queue.splice(i, 1);
    }
    return batch;
  }

  private async commit(batch: PendingAppend[], attempt: number): Promise<void> {
    let rows: AppendBatchRow[];
    try {
      rows = await appendBatch(this.pool, batch);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (isConnectionError(error)) {
        // The outcome is unknown: the caller must retry with the same event ids (idempotent).
        const unavailable = new EventStoreUnavailableError('Event store unavailable', {
          cause: error,
        });
        batch.forEach((r) => r.reject(unavailable));
        return;
      }
      if (code && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) {
        return this.commit(batch, attempt + 1);
      }
      if (batch.length > 1) {
        // Isolate the request that fails so that it cannot take the others down with it.
        for (const request of batch) await this.commit([request], 1);
        return;
      }
      batch[0]!.reject(error as Error);
      return;
    }
    this.options.onBatch?.(
      batch.reduce((n, r) => n + r.events.length, 0),
      batch.length,
    );
    this.options.onCommit?.();
    settle(batch, rows);
  }
}

function settle(batch: PendingAppend[], rows: AppendBatchRow[]): void {
  const byEventId = new Map<string, AppendBatchRow>();
  const failures = new Map<number, AppendBatchRow>();
  for (const row of rows) {
    if (row.out_status === 'appended' || row.out_status === 'duplicate') {
      byEventId.set(row.out_event_id!, row);
    } else {
      failures.set(row.out_req!, row);
    }
  }
  batch.forEach((request, i) => {
    const failure = failures.get(i + 1);
    if (failure) {
      request.reject(
        failure.out_status === 'wrong_expected_revision'
          ? new WrongExpectedRevisionError(
              request.streamId,
              request.expectedRevision,
              Number(failure.out_head),
            )
          : new EventIdConflictError(request.streamId, failure.out_event_id!),
      );
      return;
    }
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
    request.resolve({ streamId: request.streamId, nextExpectedRevision: head, events });
  });
}
