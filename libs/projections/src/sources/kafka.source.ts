import { createHash } from 'node:crypto';
import type { Checkpoint, RecordedEvent } from '@touchline/event-store';
import {
  cloudEventToRecordedEvent,
  fromKafkaMessage,
  TOPICS,
  TOUCHLINE_EXTENSIONS,
  type DecodeResult,
} from '@touchline/kafka';
import type {
  Admin,
  Consumer,
  ConsumerConfig,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
} from 'kafkajs';
import type { SourceFactory } from '../projection-engine';
import type {
  BatchOutcome,
  ProjectionSource,
  SourceConsumer,
  SourceHandle,
  SourceRecord,
  UnreadableRecord,
} from '../source.port';

export interface KafkaSourceOptions {
  /** A client from createKafka (@touchline/kafka). */
  kafka: Kafka;
  /** Default touchline.journey.v1, which only the relay writes. */
  topic?: string;
  /** Each projection is one consumer group, `<groupPrefix>.<projection>`. Default touchline.projector. */
  groupPrefix?: string;
  /**
   * The store position up to which everything is in Kafka: the relay's checkpoint. With it, a
   * partition the consumer has read to its end gets that position, so partitions that receive no
   * events do not hold back read-your-writes and lag. Without it they do.
   */
  publishedUpTo?: () => Promise<Checkpoint | null>;
  /**
   * Turns events as published into what projections read, like the store wrapper the in-process
   * feed reads through (the privacy vault's openAll decrypts the personal fields). Order and
   * count must be kept. Default: as published.
   */
  open?: (events: RecordedEvent[]) => Promise<RecordedEvent[]>;
  /** How often partitions read to their end are advanced to publishedUpTo. Default 100 ms. */
  idleCheckMs?: number;
  /** Most records per transaction (a fetched batch is applied in chunks). Default 500. */
  batchSize?: number;
  /** kafkajs consumer settings (session timeout, heartbeat interval, fetch sizes). */
  consumer?: Omit<ConsumerConfig, 'groupId'>;
  /** First wait after a failure of the source (Kafka unreachable, a crash); doubles up to 5 s. Default 200 ms. */
  retryMs?: number;
}

/** The partition name the engine stores checkpoints under: `<topic>:<partition>`. */
export function kafkaPartitionName(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

interface PartitionState {
  /** Offset of the next record to apply; undefined until the stored cursor is read. */
  next?: bigint;
  cursor: string | null;
  /** The publishedUpTo value this partition was last advanced to. */
  advancedTo?: Checkpoint | null;
}

interface Watermarks {
  publishedUpTo: Checkpoint | null;
  /** publishedUpTo could not be read: partitions are not advanced, records still flow. */
  publishedUpToError?: unknown;
  partitions: Map<number, { low: bigint; high: bigint }>;
}

class Halted extends Error {}

/**
 * The Kafka source of live builds (kafka profile): one consumer group per projection on the
 * journey topic, one engine partition per topic partition, the offset as cursor.
 *
 * - The database is the record, not the group's committed offsets: on every assignment the
 *   partition's stored cursor is read and the consumer seeks to the offset after it (the partition's
 *   start when nothing was applied). Offsets are committed to the group after the database commit,
 *   for the operators' tools only.
 * - Records are applied in offset order, per partition, in chunks of batchSize, heartbeating while
 *   a chunk's transaction runs.
 * - A 'resync' (another member applied the partition meanwhile: a rebalance) re-reads the cursor
 *   and seeks there; the engine's compare-and-set and per-stream revisions make a revoked batch
 *   that still commits, or a redelivered one, change nothing.
 * - Nothing is skipped: a record that is not a journey event goes to the projection's poison
 *   policy (stop: the build fails; dead-letter: a dead letter, then on), and a cursor below the
 *   partition's start (records deleted before they were applied) fails the build.
 * - Position: see publishedUpTo. A partition's position is the highest store position it has
 *   applied, or the relay's checkpoint once the partition is read to its end; the build's position
 *   is the lowest over all the topic's partitions.
 */
export function kafkaSource(options: KafkaSourceOptions): KafkaSourceFactory {
  const topic = options.topic ?? TOPICS.journey;
  const sampler = new WatermarkSampler(options.kafka, topic, options.publishedUpTo);
  const factory: SourceFactory = ({ projection }) =>
    ({
      open: (consumer) => new KafkaPartitionFeed(options, topic, projection, sampler, consumer),
    }) satisfies ProjectionSource;
  return Object.assign(factory, { close: () => sampler.close() });
}

/** The engine's liveSource; close() (after the engine's) ends the shared admin connection. */
export type KafkaSourceFactory = SourceFactory & { close(): Promise<void> };

/**
 * High and low watermarks of the topic's partitions, and the relay's checkpoint read *before* them:
 * every event up to that checkpoint was acknowledged before the watermarks were read, so it lies
 * below its partition's high watermark. Shared by the factory's feeds, cached briefly.
 */
class WatermarkSampler {
  private admin: Promise<Admin> | undefined;
  private last: { at: number; value: Promise<Watermarks> } | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly publishedUpTo?: () => Promise<Checkpoint | null>,
  ) {}

  sample(maxAgeMs: number): Promise<Watermarks> {
    if (this.last && Date.now() - this.last.at <= maxAgeMs) return this.last.value;
    const value = this.read();
    this.last = { at: Date.now(), value };
    value.catch(() => {
      if (this.last?.value === value) this.last = undefined;
    });
    return value;
  }

  private async read(): Promise<Watermarks> {
    let publishedUpTo: Checkpoint | null = null;
    let publishedUpToError: unknown;
    try {
      publishedUpTo = this.publishedUpTo ? await this.publishedUpTo() : null;
    } catch (error) {
      publishedUpToError = error;
    }
    const admin = await this.connect();
    const offsets = await admin.fetchTopicOffsets(this.topic);
    if (offsets.length === 0) throw new Error(`Topic ${this.topic} has no partitions yet`);
    return {
      publishedUpTo,
      publishedUpToError,
      partitions: new Map(
        offsets.map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }]),
      ),
    };
  }

  private connect(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    this.admin.catch(() => (this.admin = undefined));
    return this.admin;
  }

  async close(): Promise<void> {
    const admin = await this.admin?.catch(() => undefined);
    this.admin = undefined;
    await admin?.disconnect();
  }
}

/** One build's consumer: a kafkajs consumer group member feeding the engine's runner. */
class KafkaPartitionFeed implements SourceHandle {
  readonly done: Promise<void>;
  private readonly groupId: string;
  private readonly batchSize: number;
  private readonly idleCheckMs: number;
  private readonly retryMs: number;
  private readonly states = new Map<number, PartitionState>();
  private readonly locks = new Map<number, Promise<unknown>>();
  private assigned: number[] = [];
  private kafkaConsumer: Consumer | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private checking = false;
  private idleErrorReportedAt = 0;
  private stopped = false;
  private wakeStop: () => void = () => undefined;
  private readonly stopSignal = new Promise<void>((resolve) => (this.wakeStop = resolve));

  constructor(
    private readonly options: KafkaSourceOptions,
    private readonly topic: string,
    projection: string,
    private readonly sampler: WatermarkSampler,
    private readonly consumer: SourceConsumer,
  ) {
    this.groupId = `${options.groupPrefix ?? 'touchline.projector'}.${projection}`;
    this.batchSize = options.batchSize ?? 500;
    this.idleCheckMs = options.idleCheckMs ?? 100;
    this.retryMs = options.retryMs ?? 200;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1)
      throw new TypeError('batchSize must be a positive integer');
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeStop();
    await this.done;
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (!this.stopped) {
      try {
        await this.declarePartitions();
        if (this.stopped) break;
        await this.consume();
        break;
      } catch (error) {
        if (error instanceof Halted) break;
        this.consumer.reportSourceError(error);
        await this.disconnect();
        backoff = Math.min(backoff === 0 ? this.retryMs : backoff * 2, 5_000);
        await this.pause(backoff);
      }
    }
    await this.disconnect();
  }

  /** Every partition of the topic gets a checkpoint row, so none is left out of the build's position. */
  private async declarePartitions(): Promise<void> {
    const { partitions } = await this.sampler.sample(0);
    const names = [...partitions.keys()].map((p) => kafkaPartitionName(this.topic, p));
    const outcome = await this.consumer.usePartitions?.(names);
    if (outcome === 'halt') throw new Halted();
  }

  /** Runs the group member until stop() or a halt; a crash kafkajs does not restart from is thrown. */
  private async consume(): Promise<void> {
    const kafkaConsumer = this.options.kafka.consumer({
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      ...this.options.consumer,
      groupId: this.groupId,
    });
    this.kafkaConsumer = kafkaConsumer;
    let crashed: (error: unknown) => void = () => undefined;
    const crash = new Promise<never>((_, reject) => (crashed = reject));
    crash.catch(() => undefined);
    kafkaConsumer.on(kafkaConsumer.events.GROUP_JOIN, ({ payload }) => {
      this.assign(payload.memberAssignment[this.topic] ?? []);
    });
    kafkaConsumer.on(kafkaConsumer.events.CRASH, ({ payload }) => {
      this.consumer.reportSourceError(payload.error);
      if (!payload.restart) crashed(payload.error);
    });
    await kafkaConsumer.connect();
    await kafkaConsumer.subscribe({ topic: this.topic, fromBeginning: true });
    await kafkaConsumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    this.idleTimer = setInterval(() => void this.checkIdle(), this.idleCheckMs);
    this.idleTimer.unref();
    await Promise.race([this.stopSignal, crash]);
  }

  /** A new assignment: every partition's cursor is read again from the database before use. */
  private assign(partitions: number[]): void {
    this.assigned = [...partitions];
    this.states.clear();
    for (const partition of partitions) {
      const state: PartitionState = { cursor: null };
      this.states.set(partition, state);
      // Seek at once: the group may have nothing to deliver from its own offset (its committed
      // offset can be ahead of a cursor wound back by an operator), so no batch would ever come.
      void this.exclusive(partition, async () => {
        if (this.states.get(partition) !== state || this.stopped) return;
        const next = await this.nextOffset(partition, state);
        if (next !== undefined) this.seek(partition, next);
      }).catch((error: unknown) => this.consumer.reportSourceError(error));
    }
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const partition = batch.partition;
    await this.exclusive(partition, async () => {
      const state = this.states.get(partition);
      if (!state || this.stopped || !payload.isRunning() || payload.isStale()) return;
      const next = await this.nextOffset(partition, state);
      if (next === undefined) return;
      const messages = batch.messages.filter((m) => BigInt(m.offset) >= next);
      if (messages.length === 0 || BigInt(messages[0]!.offset) !== next) {
        // The group's offset is not the database's (an assignment, a redelivery after a crash):
        // the database wins. Records before `next` are applied already. Unless the partition no
        // longer has `next`: then seeking to it would bring this same batch again, forever.
        if (!(await this.gone(partition, state, next))) this.seek(partition, next);
        return;
      }
      for (let i = 0; i < messages.length; i += this.batchSize) {
        if (this.stopped || !payload.isRunning() || payload.isStale()) return;
        if (this.states.get(partition) !== state) return;
        const chunk = messages.slice(i, i + this.batchSize);
        let outcome: BatchOutcome;
        try {
          outcome = await this.applyChunk(partition, state, chunk, payload);
        } catch (error) {
          // The database or `open` failed (the engine retries its own transient failures): read
          // the partition again from the last applied record after a pause.
          this.consumer.reportSourceError(error);
          await this.pause(this.retryMs);
          this.seek(partition, state.next!);
          return;
        }
        if (outcome !== 'applied') return;
        payload.resolveOffset(chunk[chunk.length - 1]!.offset);
      }
    });
  }

  /** The offset to continue from, reading the stored cursor on the partition's first use. */
  private async nextOffset(partition: number, state: PartitionState): Promise<bigint | undefined> {
    if (state.next !== undefined) return state.next;
    const cursor = await this.consumer.cursorOf(kafkaPartitionName(this.topic, partition));
    if (this.states.get(partition) !== state) return undefined;
    state.cursor = cursor;
    if (cursor !== null) {
      state.next = BigInt(cursor) + 1n;
    } else {
      const { partitions } = await this.sampler.sample(0);
      state.next = partitions.get(partition)?.low ?? 0n;
    }
    return state.next;
  }

  /**
   * Applies a chunk in offset order: each run of events in one transaction, and each record that
   * is not an event, in its place, to the projection's poison policy (reject). Such a record is
   * never skipped: it may have been an event, which every read model would then lack for good.
   */
  private async applyChunk(
    partition: number,
    state: PartitionState,
    messages: KafkaMessage[],
    payload: EachBatchPayload,
  ): Promise<BatchOutcome> {
    const name = kafkaPartitionName(this.topic, partition);
    const heartbeat = setInterval(
      () => void payload.heartbeat().catch(() => undefined),
      Math.max(500, Math.floor((this.options.consumer?.heartbeatInterval ?? 3_000) / 2)),
    );
    try {
      for (const piece of pieces(this.topic, partition, messages)) {
        let outcome: BatchOutcome;
        let cursor: string;
        if (piece.unreadable) {
          cursor = piece.unreadable.cursor;
          outcome = await this.consumer.reject(name, piece.unreadable);
        } else {
          const records = await this.opened(piece.records);
          cursor = records[records.length - 1]!.cursor;
          outcome = await this.consumer.apply({
            partition: name,
            records,
            commit: () => this.commitOffset(partition, cursor),
          });
        }
        if (outcome !== 'applied') {
          this.settle(partition, state, outcome);
          return outcome;
        }
        state.cursor = cursor;
        state.next = BigInt(cursor) + 1n;
      }
      return 'applied';
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** The events as projections read them (see KafkaSourceOptions.open). */
  private async opened(records: SourceRecord[]): Promise<SourceRecord[]> {
    if (!this.options.open) return records;
    const opened = await this.options.open(records.map((r) => r.event));
    return opened.map((event, i) => ({ event, cursor: records[i]!.cursor }));
  }

  /**
   * Whether the partition no longer holds `next` (retention or deleted records removed it before
   * this build applied it). Then the build cannot be completed from Kafka: it is failed with the
   * reason, which status shows. A rebuild reads the store, and its build continues from the
   * partition's start. On an error nothing is decided: the caller seeks, and the next batch asks
   * again.
   */
  private async gone(partition: number, state: PartitionState, next: bigint): Promise<boolean> {
    const name = kafkaPartitionName(this.topic, partition);
    try {
      const low = (await this.sampler.sample(0)).partitions.get(partition)?.low;
      if (low === undefined || next >= low) return false;
      const reason =
        `${name}: offsets ${next} to ${low - 1n} are gone from Kafka (retention or deleted ` +
        `records) before this build applied them; rebuild the projection from the store`;
      this.consumer.reportSourceError(new Error(reason));
      this.settle(partition, state, await this.consumer.fail(name, reason));
      return true;
    } catch (error) {
      this.consumer.reportSourceError(error);
      await this.pause(this.retryMs);
      return false;
    }
  }

  /**
   * Partitions read to their end get the relay's checkpoint as position: every event up to it that
   * was routed to the partition lies below the high watermark read after it, and so is applied.
   */
  private async checkIdle(): Promise<void> {
    if (this.checking || this.stopped || !this.options.publishedUpTo) return;
    this.checking = true;
    try {
      const sample = await this.sampler.sample(this.idleCheckMs / 2);
      if (sample.publishedUpToError !== undefined) throw sample.publishedUpToError;
      if (sample.publishedUpTo === null) return;
      for (const partition of this.assigned) {
        if (this.stopped) return;
        const high = sample.partitions.get(partition)?.high;
        if (high === undefined) continue;
        await this.exclusive(partition, async () => {
          const state = this.states.get(partition);
          if (!state || this.stopped) return;
          const next = await this.nextOffset(partition, state);
          if (next === undefined || next < high) return;
          if (state.advancedTo === sample.publishedUpTo) return;
          const outcome = await this.advance(partition, state, state.cursor, sample.publishedUpTo);
          if (outcome === 'applied') state.advancedTo = sample.publishedUpTo;
          else this.settle(partition, state, outcome);
        });
      }
    } catch (error) {
      // Checked ten times a second: report a lasting failure every 10 s, not every time.
      if (Date.now() - this.idleErrorReportedAt >= 10_000) {
        this.idleErrorReportedAt = Date.now();
        this.consumer.reportSourceError(error);
      }
    } finally {
      this.checking = false;
    }
  }

  private async advance(
    partition: number,
    state: PartitionState,
    cursor: string | null,
    position: Checkpoint | null,
  ): Promise<BatchOutcome> {
    if (!this.consumer.advance) return 'applied';
    const outcome = await this.consumer.advance(kafkaPartitionName(this.topic, partition), {
      cursor,
      position,
    });
    if (outcome === 'applied') state.cursor = cursor;
    return outcome;
  }

  /** After a resync or a halt: forget the partition's cursor and seek to the stored one, or stop. */
  private settle(partition: number, state: PartitionState, outcome: BatchOutcome): void {
    if (outcome === 'halt') {
      this.stopped = true;
      this.wakeStop();
      return;
    }
    if (this.states.get(partition) !== state) return;
    const fresh: PartitionState = { cursor: null };
    this.states.set(partition, fresh);
    void this.exclusive(partition, async () => {
      if (this.states.get(partition) !== fresh || this.stopped) return;
      const next = await this.nextOffset(partition, fresh);
      if (next !== undefined) this.seek(partition, next);
    }).catch((error: unknown) => this.consumer.reportSourceError(error));
  }

  private seek(partition: number, offset: bigint): void {
    try {
      this.kafkaConsumer?.seek({ topic: this.topic, partition, offset: offset.toString() });
    } catch (error) {
      // Not assigned any more: the next owner reads the cursor itself.
      this.consumer.reportSourceError(error);
    }
  }

  private async commitOffset(partition: number, cursor: string): Promise<void> {
    await this.kafkaConsumer?.commitOffsets([
      { topic: this.topic, partition, offset: (BigInt(cursor) + 1n).toString() },
    ]);
  }

  /** One thing at a time per partition: batches, idle advances and seeks never interleave. */
  private exclusive<T>(partition: number, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(partition) ?? Promise.resolve();
    const result = previous.then(work, work);
    this.locks.set(
      partition,
      result.catch(() => undefined),
    );
    return result;
  }

  private async disconnect(): Promise<void> {
    clearInterval(this.idleTimer);
    const consumer = this.kafkaConsumer;
    this.kafkaConsumer = undefined;
    this.assigned = [];
    this.states.clear();
    await consumer?.disconnect().catch((error: unknown) => this.consumer.reportSourceError(error));
  }

  private pause(ms: number): Promise<void> {
    return Promise.race([
      new Promise<void>((resolve) => setTimeout(resolve, ms).unref()),
      this.stopSignal,
    ]);
  }
}

type Piece =
  | { records: SourceRecord[]; unreadable?: undefined }
  | { records?: undefined; unreadable: UnreadableRecord };

/** Messages as runs of events, split at each record that is not one. */
function pieces(topic: string, partition: number, messages: KafkaMessage[]): Piece[] {
  const out: Piece[] = [];
  for (const message of messages) {
    const decoded = fromKafkaMessage(message);
    const recorded = decoded.ok
      ? cloudEventToRecordedEvent(decoded.event)
      : { ok: false as const, reason: decoded.error.message };
    const last = out[out.length - 1];
    if (!recorded.ok) {
      out.push({ unreadable: unreadable(topic, partition, message, decoded, recorded.reason) });
    } else if (last?.records) {
      last.records.push({ event: recorded.event, cursor: message.offset });
    } else {
      out.push({ records: [{ event: recorded.event, cursor: message.offset }] });
    }
  }
  return out;
}

/**
 * A message that is not a journey event. Only the relay writes the topic, so it is a bug or a
 * foreign producer; what it claims to be is read from its CloudEvent attributes where they can
 * be, for the operator. Its id is made from its place in the topic, as no claimed id can be trusted.
 */
function unreadable(
  topic: string,
  partition: number,
  message: KafkaMessage,
  decoded: DecodeResult,
  why: string,
): UnreadableRecord {
  const name = kafkaPartitionName(topic, partition);
  const attribute = (attr: string): string | undefined => {
    const value = decoded.ok
      ? attr === 'type'
        ? decoded.event.type
        : decoded.event.extensions[attr]
      : header(message, `ce_${attr}`);
    return value === undefined ? undefined : printable(String(value));
  };
  const revision = attribute(TOUCHLINE_EXTENSIONS.revision);
  return {
    cursor: message.offset,
    reason: printable(`${name} offset ${message.offset} is not a journey event: ${why}`),
    claimed: {
      eventId: placeId(name, message.offset),
      type: attribute('type') ?? '',
      streamId: attribute(TOUCHLINE_EXTENSIONS.stream) ?? '',
      revision: revision !== undefined && /^\d{1,15}$/.test(revision) ? Number(revision) : -1,
      position: attribute(TOUCHLINE_EXTENSIONS.position) ?? '',
    },
  };
}

function header(message: KafkaMessage, name: string): string | undefined {
  const raw = message.headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return typeof value === 'string' || value === undefined ? value : value.toString('utf8');
}

/** Text PostgreSQL stores and a log line shows: no control characters (NUL is refused), bounded. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > 1_000 ? `${clean.slice(0, 1_000)}…` : clean;
}

/** A UUID (version 5 layout) named by the record's place: the same record, the same id. */
function placeId(partitionName: string, offset: string): string {
  const hash = createHash('sha1').update(`${partitionName}@${offset}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
