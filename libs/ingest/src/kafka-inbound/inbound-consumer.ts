import type { Admin, Consumer, ConsumerConfig, EachBatchPayload, Producer } from 'kafkajs';
import { EventStoreUnavailableError } from '@touchline/event-store';
import {
  createKafka,
  createProducer,
  TOPICS,
  type CreateKafkaOptions,
  type KafkaLogger,
} from '@touchline/kafka';
import {
  processInboundBatch,
  type InboundBatchResult,
  type RecordTouchpoints,
} from './inbound-batch.processor';

export const INBOUND_GROUP_ID = 'touchline-ingest';

export interface InboundConsumerOptions {
  brokers: string[];
  /** Sends the record command; must resolve only once the touchpoints are durable. */
  record: RecordTouchpoints;
  /** Default touchline-ingest. */
  groupId?: string;
  /** Default touchline.inbound.v1. */
  topic?: string;
  /** Default touchline.inbound.v1.dlq. */
  deadLetterTopic?: string;
  clientId?: string;
  logger?: KafkaLogger;
  /** Most touchpoints per record command. Default 500. */
  maxChunk?: number;
  /** Partitions processed at once, each in its own order. Default 4. */
  partitionsConsumedConcurrently?: number;
  /** kafkajs consumer settings (session timeout, fetch sizes…); groupId is set above. */
  consumer?: Omit<ConsumerConfig, 'groupId'>;
  /** Connection settings for the Kafka client (timeouts, retries). */
  kafka?: Pick<CreateKafkaOptions, 'retry' | 'requestTimeout' | 'connectionTimeout'>;
  /** Wait before a partition is read again after a failed append: doubles up to maxMs. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Called after each batch, for metrics and tests. */
  onBatch?: (
    batch: { topic: string; partition: number; messages: number },
    result: InboundBatchResult,
  ) => void;
  /** Called each time the member has joined the group and received its partitions. */
  onJoin?: (join: InboundGroupJoin) => void;
  /** Called when the member must rejoin: a rebalance, or a crash kafkajs restarts it from. */
  onRejoin?: (reason: Error | undefined) => void;
}

export interface InboundGroupJoin {
  memberId: string;
  /** Partitions of the inbound topic this member now consumes (none is possible: more members than partitions). */
  partitions: number[];
  /** How long the join and sync took, as kafkajs measured it. */
  durationMs: number;
}

const DEFAULT_BACKOFF = { initialMs: 200, maxMs: 30_000 };

/**
 * The inbound consumer group on kafkajs. Offsets are resolved by processInboundBatch only once a
 * message is durable (appended, or dead-lettered with acks -1); kafkajs commits what is resolved.
 * When the store (or the dead-letter write) fails, the partition is paused with exponential
 * backoff and read again from its first unsettled message: nothing is dead-lettered because the
 * store was down, and nothing unsettled is committed.
 */
export class InboundConsumer {
  private readonly topic: string;
  private readonly deadLetterTopic: string;
  private readonly groupId: string;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly failures = new Map<number, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private admin: Admin | undefined;
  private adminConnected: Promise<void> | undefined;
  private stopped = false;
  private fail: (error: Error) => void = () => undefined;

  /**
   * Settles when kafkajs has crashed and will not restart the consumer itself (a non-retriable
   * error, or retries exhausted): the caller replaces it. Never settles once stop() was called.
   */
  readonly failed: Promise<Error> = new Promise<Error>((resolve) => (this.fail = resolve));

  constructor(private readonly options: InboundConsumerOptions) {
    this.topic = options.topic ?? TOPICS.inbound;
    this.deadLetterTopic = options.deadLetterTopic ?? TOPICS.inboundDeadLetter;
    this.groupId = options.groupId ?? INBOUND_GROUP_ID;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  }

  get description(): { topic: string; deadLetterTopic: string; groupId: string } {
    return { topic: this.topic, deadLetterTopic: this.deadLetterTopic, groupId: this.groupId };
  }

  /**
   * Connects and subscribes, then runs the group member. Resolves once kafkajs's first join and
   * sync has ended, joined or not: a join that fails with a retriable error is retried by
   * kafkajs in the background (onRejoin), one that cannot be retried settles `failed`. onJoin
   * says when the member has partitions. Rejects when it cannot connect or subscribe. stop() may
   * be called at any point, also while start() is still under way.
   */
  async start(): Promise<void> {
    if (this.consumer || this.stopped)
      throw new Error('The inbound consumer was started or stopped already');
    const { options } = this;
    const kafka = createKafka({
      brokers: options.brokers,
      clientId: options.clientId ?? this.groupId,
      logger: options.logger,
      // kafkajs reports every join, pause and resume at info; warnings and errors are the signal.
      // KAFKAJS_LOG_LEVEL=debug in the environment overrides this (kafkajs reads it itself).
      logLevel: 'warn',
      ...options.kafka,
    });
    // Not idempotent: Kafka's idempotence needs the cluster controller (the test mock has none),
    // and a dead-letter topic read by people can take a rare retry duplicate.
    const producer = createProducer(kafka, { idempotent: false });
    const restartOnFailure = options.consumer?.retry?.restartOnFailure;
    const consumer = kafka.consumer({
      ...options.consumer,
      retry: {
        // kafkajs's own default for a consumer given no retry options; the rest is the client's.
        retries: 5,
        ...options.consumer?.retry,
        // kafkajs restarts a crashed consumer on a timer of its own; a stopped one must stay stopped.
        restartOnFailure: async (error) =>
          !this.stopped && (restartOnFailure ? await restartOnFailure(error) : true),
      },
      groupId: this.groupId,
    });
    // Connected on the first lag() only: a process that is never asked opens no extra connection.
    const admin = kafka.admin();
    this.producer = producer;
    this.consumer = consumer;
    this.admin = admin;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      if (this.stopped) return;
      options.onJoin?.({
        memberId: payload.memberId,
        partitions: [...(payload.memberAssignment[this.topic] ?? [])].sort((a, b) => a - b),
        durationMs: payload.duration,
      });
    });
    consumer.on(consumer.events.REBALANCING, () => {
      if (!this.stopped) options.onRejoin?.(undefined);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.stopped) return;
      options.logger?.error(`Kafka inbound consumer crashed: ${payload.error.message}`, {
        restart: payload.restart,
      });
      if (payload.restart) options.onRejoin?.(payload.error);
      else this.fail(payload.error);
    });
    try {
      await producer.connect();
      this.throwIfStopped();
      await consumer.connect();
      this.throwIfStopped();
      // From the beginning: a new group must not skip what was produced before it first joined.
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      this.throwIfStopped();
      await consumer.run({
        autoCommit: true,
        // Commits inside a long batch too; a commit only ever covers resolved (durable) offsets.
        autoCommitInterval: 1_000,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 4,
        eachBatch: (payload) => this.eachBatch(payload),
      });
    } catch (error) {
      // The clients themselves, not this.*: a stop() meanwhile has cleared those already, and a
      // connect that was still retrying when it disconnected may have connected since.
      this.stopped = true;
      this.clearTimers();
      if (this.consumer === consumer) this.detach();
      await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
      throw error;
    }
  }

  /**
   * Finishes the chunk in hand, commits what is settled, leaves the group. On a member still
   * connecting or joining it waits for kafkajs's requests in flight (a JoinGroup can be held by
   * the coordinator for a whole rebalance): callers that must not wait bound it themselves.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    const { consumer, producer, admin } = this;
    this.detach();
    try {
      await consumer?.disconnect();
    } finally {
      await Promise.all([producer?.disconnect(), admin?.disconnect()]);
    }
  }

  private throwIfStopped(): void {
    if (this.stopped) throw new Error('The inbound consumer was stopped while starting');
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private detach(): void {
    this.consumer = undefined;
    this.producer = undefined;
    this.admin = undefined;
    this.adminConnected = undefined;
  }

  /**
   * Messages not yet committed by the group, per partition of the inbound topic: the high
   * watermark minus the group's committed offset (the whole partition when the group has none).
   */
  async lag(): Promise<{ partition: number; lag: number }[]> {
    const admin = this.admin;
    if (!admin) return [];
    this.adminConnected ??= admin.connect().catch((error: unknown) => {
      this.adminConnected = undefined;
      throw error;
    });
    await this.adminConnected;
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(this.topic),
      admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] }),
    ]);
    const done = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]));
    return ends.map(({ partition, high, low }) => {
      const at = done.get(partition);
      const from = at === undefined || at < 0 ? Number(low) : at;
      return { partition, lag: Math.max(0, Number(high) - from) };
    });
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const producer = this.producer;
    if (!producer) return;
    const result = await processInboundBatch(
      batch,
      {
        record: this.options.record,
        deadLetter: async (messages) => {
          await producer.send({ topic: this.deadLetterTopic, acks: -1, messages });
        },
        resolveOffset: (offset) => payload.resolveOffset(offset),
        commitOffsetsIfNecessary: () => payload.commitOffsetsIfNecessary(),
        heartbeat: () => payload.heartbeat(),
        isActive: () => payload.isRunning() && !payload.isStale(),
      },
      { maxChunk: this.options.maxChunk ?? 500 },
    );
    this.options.onBatch?.(
      { topic: batch.topic, partition: batch.partition, messages: batch.messages.length },
      result,
    );
    if (result.status === 'retry') this.retryLater(payload, result.error);
    else if (result.status === 'done') this.failures.delete(batch.partition);
  }

  private retryLater(payload: EachBatchPayload, error: unknown): void {
    const { partition } = payload.batch;
    const attempt = (this.failures.get(partition) ?? 0) + 1;
    this.failures.set(partition, attempt);
    const ceiling = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (attempt - 1));
    // Jitter, so that partitions (and members) that failed together do not retry in lockstep.
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    const text = error instanceof Error ? error.message : String(error);
    const fields = { topic: payload.batch.topic, partition, attempt, retryInMs: delay };
    if (error instanceof EventStoreUnavailableError) {
      this.options.logger?.warn(`Event store unavailable, partition paused: ${text}`, fields);
    } else {
      // Not a known transient failure: still retried (dead-lettering a valid touchpoint would
      // lose it), but loudly, since only a fix will end it.
      this.options.logger?.error(
        `Recording inbound touchpoints failed, partition paused: ${text}`,
        {
          ...fields,
          stack: error instanceof Error ? error.stack : undefined,
        },
      );
    }
    const resume = payload.pause();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      resume();
    }, delay);
    this.timers.add(timer);
  }
}
