import {
  CancelledError,
  DeadlineExceededError,
  EventStoreDBClient,
  NotLeaderError,
  START,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
  type AllStreamRecordedEvent,
  type EventData,
  type Position,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { contentDigest } from '../canonical';
import {
  EventIdConflictError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
} from '../errors';
import type {
  AppendResult,
  AppendedEvent,
  BatchHandler,
  Checkpoint,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllResult,
  ReadStreamOptions,
  StreamAppend,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { validateAppend } from '../validate-append';
import { compareCheckpoints, comparePositions, decodeCheckpoint } from './checkpoint';
import {
  assertUserStream,
  isUserEvent,
  readEnvelope,
  toEventData,
  toRecordedEvent,
} from './event-envelope';
import { resolveEventIds, writeClaim, type EventIdState } from './event-id-claims';
import { headRevision, pinExpectedRevision } from './expected-revision';
import { readEvents } from './read-stream';
import { esdbSubscription } from './subscription';

export interface EventStoreDbEventStoreOptions {
  onSubscriptionReadError?: (error: unknown) => void;
}

/** Rounds of resolve-claim-append before giving up on a stream that keeps moving under an append. */
const MAX_ATTEMPTS = 10;

/**
 * The event store on EventStoreDB (20.x and later; 22.6 or later for log positions on stream
 * reads) through @eventstore/db-client. Idempotency by event id is this adapter's own, stronger
 * than EventStoreDB's: see event-id-claims.ts. In a secure cluster the user needs read access to
 * $all (admins by default) and write access to the `tl-eventid-` streams.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly ownsClient: boolean;
  private readonly subscriptions = new Set<Subscription>();
  private readonly appends = new Set<Promise<unknown>>();

  /** A connection string (the store owns, and closes, the client) or a client the caller owns. */
  constructor(
    connection: string | EventStoreDBClient,
    private readonly options: EventStoreDbEventStoreOptions = {},
  ) {
    this.ownsClient = typeof connection === 'string';
    this.client =
      typeof connection === 'string' ? EventStoreDBClient.connectionString(connection) : connection;
  }

  appendToStream(
    streamId: string,
    events: EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    const append = this.append(streamId, events, expectedRevision);
    this.appends.add(append);
    void append.catch(() => undefined).finally(() => this.appends.delete(append));
    return append;
  }

  /**
   * Not atomic here: the v6 client cannot append to several streams in one transaction (that came
   * with KurrentDB 25.1's multi-stream append), so the parts are appended one after the other and
   * a part that fails leaves the parts before it written. Retrying the same call completes it,
   * since every part is idempotent by event id.
   */
  readonly atomicMultiStreamAppends = false;

  async appendToStreams(appends: StreamAppend[]): Promise<AppendResult[]> {
    if (!Array.isArray(appends) || appends.length === 0) {
      throw new TypeError('appends must be a non-empty array');
    }
    const ids = new Set<string>();
    for (const { events } of appends) {
      for (const event of events ?? []) {
        const id = String(event.eventId).toLowerCase();
        if (ids.has(id)) throw new TypeError(`eventId ${id} appears twice in one append`);
        ids.add(id);
      }
    }
    const results: AppendResult[] = [];
    for (const { streamId, events, expectedRevision } of appends) {
      results.push(await this.appendToStream(streamId, events, expectedRevision));
    }
    return results;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = Math.max(options.fromRevision ?? 0, 0);
    const to = options.toRevision;
    if (!Number.isSafeInteger(from) || (to !== undefined && !Number.isSafeInteger(to))) {
      throw new TypeError('fromRevision and toRevision must be integers');
    }
    if (to !== undefined && to < from) return [];
    const events = await readEvents(this.client, streamId, {
      fromRevision: BigInt(from),
      ...(to === undefined ? {} : { maxCount: to - from + 1 }),
    });
    const asOf = options.asOf?.getTime();
    return events
      .filter((e) => asOf === undefined || e.created.getTime() <= asOf)
      .map(toRecordedEvent);
  }

  /**
   * $all holds system events and the event-id claims too, and the client offers no server-side
   * filter for reads, so this scans on until it has `limit` events of ours or reaches the end. An
   * empty result keeps the checkpoint: a log ending in system events is scanned again each time
   * (subscribeToAll, filtered on the server, does not have that cost).
   */
  async readAll(fromCheckpoint: Checkpoint | null, limit: number): Promise<ReadAllResult> {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new TypeError('limit must be a positive integer');
    }
    const from = decodeCheckpoint(fromCheckpoint);
    const events: RecordedEvent[] = [];
    let cursor = from;
    for (;;) {
      // +1: a read from a position may return the event at that position, which is not after it.
      const page = Math.max(2 * (limit - events.length), 64) + 1;
      const raw = await this.readAllPage(cursor, page);
      for (const event of raw) {
        if (comparePositions(event.position, cursor) <= 0) continue;
        cursor = event.position;
        if (isUserEvent(event)) events.push(toRecordedEvent(event));
        if (events.length === limit) break;
      }
      if (events.length === limit || raw.length < page) break;
    }
    const last = events[events.length - 1];
    return { events, checkpoint: last ? last.position : (fromCheckpoint ?? null) };
  }

  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): Subscription {
    const subscription = esdbSubscription(
      {
        client: this.client,
        fromCheckpoint: options.fromCheckpoint ?? null,
        batchSize: options.batchSize ?? 500,
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
    return compareCheckpoints(a, b);
  }

  /** Waits for appends under way, stops subscriptions; closes the client only if it made it. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.appends]);
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    if (this.ownsClient) await this.client.dispose();
  }

  private async append(
    streamId: string,
    events: EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    const checked = validateAppend(streamId, events, expectedRevision);
    assertUserStream(streamId);
    const prepared = checked.map((event) => {
      const digest = contentDigest(streamId, event).toString('hex');
      return { event, digest, data: toEventData(event, digest) };
    });
    let headHint: number | undefined;
    try {
      for (let attempt = 1; ; attempt++) {
        const outcome = await this.tryAppend(streamId, prepared, expectedRevision, headHint);
        if (outcome.done) return outcome.result;
        if (attempt === MAX_ATTEMPTS) {
          throw new EventStoreUnavailableError(
            `Stream ${streamId} or the claims of its events kept changing during ${MAX_ATTEMPTS} attempts to append; nothing was appended`,
          );
        }
        headHint = outcome.head;
        await sleep(Math.random() * 5 * attempt);
      }
    } catch (error) {
      if (isUnavailable(error)) {
        // The outcome is unknown: a retry with the same event ids is safe (idempotent).
        throw new EventStoreUnavailableError('Event store unavailable', { cause: error });
      }
      throw error;
    }
  }

  /**
   * One round: resolve the event ids, check, claim the new ones, append at the exact revision.
   * Not done when another writer got in between; the next round sees what it wrote (possibly
   * these very events: then they are duplicates, as on PostgreSQL).
   */
  private async tryAppend(
    streamId: string,
    prepared: { event: EventToAppend; digest: string; data: EventData }[],
    expected: ExpectedRevision,
    headHint: number | undefined,
  ): Promise<{ done: true; result: AppendResult } | { done: false; head?: number }> {
    const ids = prepared.map((p) => p.event.eventId);
    const { head, states } = await resolveEventIds(this.client, streamId, ids, headHint);

    states.forEach((state, i) => {
      const owner = claimOwner(state);
      if (owner && (owner.streamId !== streamId || owner.contentDigest !== prepared[i]!.digest)) {
        throw new EventIdConflictError(streamId, ids[i]!);
      }
    });
    if (states.some((state) => state.kind === 'stale')) return { done: false };
    const stored = states.map((state) => (state.kind === 'stored' ? state.event : null));
    const fresh = prepared.flatMap((p, i) => {
      const state = states[i]!;
      return state.kind === 'free' || state.kind === 'pending' ? [{ ...p, log: state.log }] : [];
    });
    if (fresh.length === 0) {
      const events = stored.map((event) => appendedOf(event!, 'duplicate'));
      return { done: true, result: { streamId, nextExpectedRevision: head, events } };
    }
    const pinned = pinExpectedRevision(expected, head);
    if (!pinned.ok) throw new WrongExpectedRevisionError(streamId, expected, head);

    const grantedRevision = new Map(fresh.map((f, k) => [f.event.eventId, head + 1 + k]));
    const claimed = await Promise.all(
      fresh.map(({ event, digest, log }) =>
        writeClaim(
          this.client,
          event.eventId,
          {
            streamId,
            contentDigest: digest,
            expectedRevision: head,
            revision: grantedRevision.get(event.eventId)!,
          },
          log,
        ),
      ),
    );
    if (claimed.includes(false)) return { done: false };

    try {
      await this.client.appendToStream(
        streamId,
        fresh.map((f) => f.data),
        { expectedRevision: pinned.send },
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        return { done: false, head: headRevision(error.actualVersion) };
      }
      throw error;
    }

    // The append result carries one position; each event's own comes from reading them back.
    const written = await readEvents(this.client, streamId, {
      fromRevision: BigInt(head + 1),
      maxCount: fresh.length,
    });
    const byId = new Map(written.map((e) => [e.id.toLowerCase(), e]));
    const events = ids.map((id, i) => {
      const duplicate = stored[i];
      if (duplicate) return appendedOf(duplicate, 'duplicate');
      const event = byId.get(id);
      if (!event || Number(event.revision) !== grantedRevision.get(id)) {
        throw new Error(`Event ${id} is not at the revision its append to ${streamId} was granted`);
      }
      return appendedOf(event, 'appended');
    });
    return { done: true, result: { streamId, nextExpectedRevision: head + fresh.length, events } };
  }

  private async readAllPage(
    from: Position | null,
    maxCount: number,
  ): Promise<AllStreamRecordedEvent[]> {
    const events: AllStreamRecordedEvent[] = [];
    for await (const resolved of this.client.readAll({ fromPosition: from ?? START, maxCount })) {
      if (resolved.event) events.push(resolved.event);
    }
    return events;
  }
}

/**
 * Who an event id belongs to, as far as a new append of it is concerned; null when it is free (or
 * not yet known). An event without a digest was not written through this store: it cannot prove
 * to be the same.
 */
function claimOwner(
  state: EventIdState,
): { streamId: string; contentDigest: string | null } | null {
  switch (state.kind) {
    case 'stored':
      return {
        streamId: state.event.streamId,
        contentDigest: readEnvelope(state.event.metadata).contentDigest,
      };
    case 'pending':
      return state.claim;
    case 'free':
    case 'stale':
      return null;
  }
}

function appendedOf(event: EsdbRecordedEvent, status: AppendedEvent['status']): AppendedEvent {
  const recorded = toRecordedEvent(event);
  return {
    eventId: recorded.eventId,
    status,
    revision: recorded.revision,
    position: recorded.position,
    globalPosition: recorded.globalPosition,
  };
}

function isUnavailable(error: unknown): boolean {
  return (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof CancelledError ||
    error instanceof NotLeaderError
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
