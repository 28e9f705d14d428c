import type { Pool } from 'pg';
import { runMigrations } from '@touchline/database';
import { eventDigests } from '../canonical';
import type {
  AppendResult,
  BatchHandler,
  Checkpoint,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { pollingSubscription } from '../subscription';
import { validateAppend } from '../validate-append';
import { compareCursors, decodeCheckpoint } from './checkpoint';
import { GroupCommitWriter, type GroupCommitOptions } from './group-commit';
import type { AppendRequest } from './sql/appendBatch';
import { EVENT_STORE_MIGRATION_SCOPE, eventStoreMigrations } from './migrations';
import { readAll } from './sql/readAll';
import { readStream } from './sql/readStream';

export interface PostgresEventStoreOptions {
  groupCommit?: Omit<GroupCommitOptions, 'onCommit'>;
  /** Longest wait of an idle subscription before it looks again. Default 50 ms. */
  idlePollMs?: number;
  onSubscriptionReadError?: (error: unknown) => void;
}

/** The event store on PostgreSQL through `pg`. Also runs on PGlite (the embedded profile). */
export class PostgresEventStore implements EventStore {
  private readonly writer: GroupCommitWriter;
  private readonly subscriptions = new Set<Subscription>();
  private wake = signal();

  constructor(
    private readonly pool: Pool,
    private readonly options: PostgresEventStoreOptions = {},
  ) {
    this.writer = new GroupCommitWriter(pool, {
      ...options.groupCommit,
      onCommit: () => this.wakeSubscribers(),
    });
  }

  /** Applies the store's migrations (idempotent; safe from concurrent starts). */
  static async migrate(pool: Pool): Promise<void> {
    await runMigrations(pool, EVENT_STORE_MIGRATION_SCOPE, eventStoreMigrations);
  }

  async appendToStream(
    streamId: string,
    events: EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    return this.writer.append(
      request(streamId, validateAppend(streamId, events, expectedRevision), expectedRevision),
    );
  }

  readonly atomicMultiStreamAppends = true;

  async appendToStreams(appends: StreamAppend[]): Promise<AppendResult[]> {
    if (!Array.isArray(appends) || appends.length === 0) {
      throw new TypeError('appends must be a non-empty array');
    }
    const ids = new Set<string>();
    const requests = appends.map(({ streamId, events, expectedRevision }) => {
      const checked = validateAppend(streamId, events, expectedRevision);
      for (const event of checked) {
        if (ids.has(event.eventId)) {
          throw new TypeError(`eventId ${event.eventId} appears twice in one append`);
        }
        ids.add(event.eventId);
      }
      return request(streamId, checked, expectedRevision);
    });
    return this.writer.appendAtomically(requests);
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return readStream(this.pool, streamId, options);
  }

  readAll(fromCheckpoint: Checkpoint | null, limit: number): Promise<ReadAllResult> {
    if (!Number.isInteger(limit) || limit < 1)
      throw new TypeError('limit must be a positive integer');
    return readAll(this.pool, decodeCheckpoint(fromCheckpoint), limit);
  }

  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): Subscription {
    const subscription = pollingSubscription(
      {
        fromCheckpoint: options.fromCheckpoint ?? null,
        batchSize: options.batchSize ?? 500,
        idlePollMs: this.options.idlePollMs ?? 50,
        readAll: (from, limit) => this.readAll(from, limit),
        nextWake: () => this.wake.promise,
        onReadError: this.options.onSubscriptionReadError,
      },
      handler,
    );
    this.subscriptions.add(subscription);
    void subscription.done
      .catch(() => undefined)
      .finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  compareCheckpoints(a: Checkpoint | null, b: Checkpoint | null): number {
    return compareCursors(decodeCheckpoint(a), decodeCheckpoint(b));
  }

  /** Waits for queued appends, stops subscriptions. The pool belongs to the caller. */
  async close(): Promise<void> {
    await this.writer.drain();
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
  }

  private wakeSubscribers(): void {
    const current = this.wake;
    this.wake = signal();
    current.fire();
  }
}

function request(
  streamId: string,
  events: EventToAppend[],
  expectedRevision: ExpectedRevision,
): AppendRequest {
  const digests = events.map((e) => eventDigests(streamId, e));
  return {
    streamId,
    events,
    expectedRevision,
    contentDigests: digests.map((d) => d.content),
    recordDigests: digests.map((d) => d.record),
  };
}

/** A promise shared by every idle subscriber, fired (and replaced) on each local commit. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}
