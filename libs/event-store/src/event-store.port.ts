/**
 * The event store: the only source of truth. One port, two adapters (PostgreSQL, EventStoreDB),
 * one contract suite (contract/event-store.contract.ts) that both must pass.
 */
export const EVENT_STORE = Symbol('EVENT_STORE');

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A number (the revision of the stream's last event), or a condition on the stream's existence. */
export type ExpectedRevision = number | 'no_stream' | 'stream_exists' | 'any';

/**
 * An opaque, totally ordered token for a place in the global log. Passing the checkpoint of an
 * event to readAll or subscribeToAll continues right after that event. Compare with
 * EventStore.compareCheckpoints, never as strings.
 */
export type Checkpoint = string;

/**
 * An event's personal fields, encrypted by the privacy library with the data key of the stream's
 * data subject (envelope encryption, docs/privacy.md). The store keeps and returns it as it is:
 * it never sees a key nor plaintext.
 */
export interface PersonalPart {
  /** The data key that encrypted it. */
  keyId: string;
  /** Opaque to the store. */
  ciphertext: Buffer;
}

/** The personal part as appended: with a keyed digest of the plaintext, for idempotency. */
export interface PersonalPartToAppend extends PersonalPart {
  /**
   * A keyed MAC (under the data subject's key) of the personal plaintext. The content digest
   * covers it instead of the ciphertext (encryption is randomised, so a retry's ciphertext
   * differs), and it is keyed so that it tells nothing about the plaintext once the key is gone.
   */
  digest: Buffer;
}

export interface EventToAppend {
  /** Producer-supplied uuid: the idempotency key. */
  eventId: string;
  /** A persisted contract, e.g. "purchase"; never a class name. */
  type: string;
  /** Schema version of `data`; upcasters lift old versions on read. Default 1. */
  version?: number;
  data: JsonObject;
  metadata?: JsonObject;
  /** When it happened in the world (the producer's clock); the store records its own time too. */
  occurredAt?: Date;
  /** Encrypted personal fields, kept beside `data` (which then holds none in clear). */
  personal?: PersonalPartToAppend;
}

export interface RecordedEvent {
  streamId: string;
  /** 0-based, gap-free within the stream. */
  revision: number;
  eventId: string;
  type: string;
  version: number;
  data: JsonObject;
  metadata: JsonObject;
  occurredAt: Date | null;
  /** When the store recorded it. */
  recordedAt: Date;
  /** Where the event sits in the global log; also the checkpoint that continues after it. */
  position: Checkpoint;
  /** A human-readable global sequence number (not the order: order by position). */
  globalPosition: string;
  /** sha256(previous hash of the stream ‖ this event), hex; null where the adapter keeps none. */
  hash: string | null;
  /** The encrypted personal fields as stored; absent when the event has none. */
  personal?: PersonalPart;
}

export type AppendStatus = 'appended' | 'duplicate';

export interface AppendedEvent {
  eventId: string;
  status: AppendStatus;
  revision: number;
  position: Checkpoint;
  globalPosition: string;
}

export interface AppendResult {
  streamId: string;
  /** The revision of the stream's last event after this append: the next expectedRevision. */
  nextExpectedRevision: number;
  events: AppendedEvent[];
}

/** One stream's part of a multi-stream append. */
export interface StreamAppend {
  streamId: string;
  events: EventToAppend[];
  expectedRevision: ExpectedRevision;
}

export interface ReadStreamOptions {
  /** Inclusive. Default 0. */
  fromRevision?: number;
  /** Inclusive. Default: the end. */
  toRevision?: number;
  /** Only events the store had recorded at or before this instant. */
  asOf?: Date;
}

export interface ReadAllResult {
  events: RecordedEvent[];
  /** Where the next read continues; equal to the input when no event was read. */
  checkpoint: Checkpoint | null;
}

export interface SubscribeOptions {
  /** Start after this checkpoint; null or absent: from the beginning of the log. */
  fromCheckpoint?: Checkpoint | null;
  /** Largest batch handed to the handler. Default 500. */
  batchSize?: number;
}

/**
 * Called with each batch, in global order. The subscription moves on only after the promise
 * resolves; a rejection stops the subscription (its `done` rejects with that error).
 */
export type BatchHandler = (events: RecordedEvent[], checkpoint: Checkpoint) => Promise<void>;

export interface Subscription {
  /** Stops after the batch in hand; resolves when stopped. */
  stop(): Promise<void>;
  /** Settles when the subscription ends: resolves on stop(), rejects on a handler error. */
  readonly done: Promise<void>;
}

export interface EventStore {
  /** Whether appendToStreams is all or nothing (PostgreSQL) or part by part (EventStoreDB). */
  readonly atomicMultiStreamAppends: boolean;
  appendToStream(
    streamId: string,
    events: EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult>;
  /**
   * Appends to several streams at once, all or nothing: when any part fails its check nothing is
   * written and the promise rejects with that part's error. Results are in the order given. An
   * event id may appear only once across the parts.
   */
  appendToStreams(appends: StreamAppend[]): Promise<AppendResult[]>;
  /** Events of one stream in revision order; [] for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Up to `limit` events of the global log after `fromCheckpoint`, in global order. */
  readAll(fromCheckpoint: Checkpoint | null, limit: number): Promise<ReadAllResult>;
  /** A catch-up subscription to the global log: history first, then live events. */
  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): Subscription;
  /** Negative when a is before b, 0 when equal, positive when after; null is before everything. */
  compareCheckpoints(a: Checkpoint | null, b: Checkpoint | null): number;
  close(): Promise<void>;
}
