import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type AppendResult,
  type EventData,
  type EventStoreDBClient,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SubscribeToAllOptions,
} from '@eventstore/db-client';

interface StoredRecord {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: unknown;
  isJson: true;
  created: Date;
  position: Position;
}

/**
 * A stand-in for the few client calls the adapter makes, with the server behaviour it relies on:
 * exact and conditional expected revisions, EventStoreDB's own idempotency at an exact expectation
 * (a batch already at the expected place succeeds without writing), StreamNotFoundError while
 * iterating a missing stream, reads of $all inclusive of their start position, subscriptions
 * exclusive of theirs, server-side event type filters, and system events in $all. Every call
 * yields to the event loop, so concurrent appends interleave. Not a substitute for the server:
 * the int-spec runs the contract against a real EventStoreDB.
 */
export class InMemoryEventStoreDb {
  private readonly log: StoredRecord[] = [];
  private readonly streams = new Map<string, StoredRecord[]>();
  private readonly listeners = new Set<(record: StoredRecord) => void>();
  private readonly subscriptions = new Set<Readable>();
  private readonly failures: { streamId: string; when: 'before' | 'after' }[] = [];
  private position = 0n;
  private appends = 0;

  asClient(): EventStoreDBClient {
    return this as unknown as EventStoreDBClient;
  }

  /** The next append to the stream fails as a lost connection: before it is written, or after. */
  failNextAppend(streamId: string, when: 'before' | 'after'): void {
    this.failures.push({ streamId, when });
  }

  /** Drops every open subscription with an error, as a lost connection would. */
  dropSubscriptions(): void {
    for (const subscription of this.subscriptions) subscription.destroy(new UnavailableError());
  }

  writeSystemEvent(): void {
    this.write('$stats-127.0.0.1:2113', {
      id: randomUUID(),
      type: '$statsCollected',
      data: {},
      metadata: undefined,
    });
  }

  streamNames(): string[] {
    return [...this.streams.keys()];
  }

  async appendToStream(
    streamId: string,
    events: EventData | EventData[],
    options: { expectedRevision?: AppendExpectedRevision } = {},
  ): Promise<AppendResult> {
    await tick();
    const failure = this.takeFailure(streamId);
    if (failure === 'before') throw new UnavailableError();
    const batch = Array.isArray(events) ? events : [events];
    const expected = options.expectedRevision ?? ANY;
    const stream = this.streams.get(streamId);
    const head = stream ? BigInt(stream.length - 1) : -1n;
    if (expected !== ANY && expected !== STREAM_EXISTS) {
      const start = expected === NO_STREAM ? 0 : Number(expected) + 1;
      const there = stream?.slice(start, start + batch.length) ?? [];
      if (there.length === batch.length && there.every((r, i) => r.id === batch[i]!.id)) {
        return {
          success: true,
          nextExpectedRevision: BigInt(start + batch.length - 1),
          position: there[0]!.position,
        };
      }
    }
    const holds =
      expected === ANY ||
      (expected === NO_STREAM && !stream) ||
      (expected === STREAM_EXISTS && !!stream) ||
      expected === head;
    if (!holds) {
      throw new WrongExpectedVersionError(undefined, {
        streamName: streamId,
        expected,
        current: stream ? head : NO_STREAM,
      });
    }
    // System events turn up in $all between ours, as $stats-… events do on a real server.
    if (++this.appends % 3 === 0) this.writeSystemEvent();
    const written = batch.map((event) => this.write(streamId, event));
    if (failure === 'after') throw new UnavailableError();
    const last = written[written.length - 1]!;
    return { success: true, nextExpectedRevision: last.revision, position: last.position };
  }

  readStream(
    streamId: string,
    options: ReadStreamOptions = {},
  ): AsyncIterable<{ event: StoredRecord }> {
    const records = async (): Promise<StoredRecord[]> => {
      await tick();
      const stream = this.streams.get(streamId);
      if (!stream) throw new StreamNotFoundError(undefined, streamId);
      const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
      const from = options.fromRevision;
      if (options.direction === BACKWARDS) {
        const first = from === END || from === undefined ? stream.length - 1 : Number(from);
        return stream
          .slice(0, first + 1)
          .reverse()
          .slice(0, max);
      }
      const first = from === START || from === undefined ? 0 : Number(from);
      return stream.slice(first, first + max);
    };
    return wrap(records);
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<{ event: StoredRecord }> {
    return wrap(async () => {
      await tick();
      const from = options.fromPosition;
      const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
      const start =
        from === START || from === undefined ? 0n : from === END ? this.position + 1n : from.commit;
      return this.log.filter((r) => r.position.commit >= start).slice(0, max);
    });
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): Readable & { unsubscribe(): Promise<void> } {
    const from = options.fromPosition;
    const after =
      from === START || from === undefined ? -1n : from === END ? this.position : from.commit;
    const filter =
      options.filter && 'regex' in options.filter ? new RegExp(options.filter.regex) : null;
    const stream = new Readable({ objectMode: true, highWaterMark: 4, read: () => undefined });
    const push = (record: StoredRecord) => {
      if (record.position.commit > after && (!filter || filter.test(record.type))) {
        stream.push({ event: { ...record } });
      }
    };
    setImmediate(() => {
      if (stream.destroyed) return;
      this.log.forEach(push);
      this.listeners.add(push);
    });
    this.subscriptions.add(stream);
    stream.once('close', () => {
      this.listeners.delete(push);
      this.subscriptions.delete(stream);
    });
    return Object.assign(stream, {
      unsubscribe: async () => {
        this.listeners.delete(push);
      },
    });
  }

  async dispose(): Promise<void> {}

  private takeFailure(streamId: string): 'before' | 'after' | null {
    const i = this.failures.findIndex((f) => f.streamId === streamId);
    return i === -1 ? null : this.failures.splice(i, 1)[0]!.when;
  }

  private write(
    streamId: string,
    event: Pick<EventData, 'id' | 'type' | 'data' | 'metadata'>,
  ): StoredRecord {
    const stream = this.streams.get(streamId) ?? [];
    this.streams.set(streamId, stream);
    // Gaps between positions, as between the byte offsets EventStoreDB uses.
    this.position += 100n + BigInt(Math.floor(Math.random() * 100));
    const record: StoredRecord = {
      streamId,
      id: event.id,
      revision: BigInt(stream.length),
      type: event.type,
      data: structuredClone(event.data),
      metadata: event.metadata === undefined ? undefined : structuredClone(event.metadata),
      isJson: true,
      created: new Date(),
      position: { commit: this.position, prepare: this.position },
    };
    stream.push(record);
    this.log.push(record);
    for (const listener of this.listeners) listener(record);
    return record;
  }
}

function wrap(records: () => Promise<StoredRecord[]>): AsyncIterable<{ event: StoredRecord }> {
  return {
    async *[Symbol.asyncIterator]() {
      for (const record of await records()) yield { event: { ...record } };
    },
  };
}

function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
}
