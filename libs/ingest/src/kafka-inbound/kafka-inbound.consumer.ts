import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { TOUCHLINE_CONFIG, type TouchlineConfig } from '@touchline/config';
import type { KafkaLogger } from '@touchline/kafka';
import { RecordTouchpointsCommand } from '../commands/record-touchpoints/record-touchpoints.command';
import { INGEST_OBSERVER, notify, type IngestObserver } from '../ingest.observer';
import {
  InboundConsumer,
  type InboundConsumerOptions,
  type InboundGroupJoin,
} from './inbound-consumer';

/** Overrides of the consumer's defaults (group, topics, session timeout…); {} in production. */
export const KAFKA_INBOUND_OPTIONS = Symbol('KAFKA_INBOUND_OPTIONS');
export type KafkaInboundOptions = Omit<
  InboundConsumerOptions,
  'brokers' | 'record' | 'logger' | 'onJoin' | 'onRejoin'
> & {
  /** Wait before starting a new consumer after one failed: doubles up to maxMs, with jitter. */
  restartBackoff?: { initialMs?: number; maxMs?: number };
};

/**
 * - `disabled`: KAFKA_BROKERS is not set, nothing runs.
 * - `joining`: connecting, or waiting for the group to hand out partitions (at start, after a
 *   rebalance, after a crash kafkajs restarts from). After a `kill -9` of a member this lasts
 *   about one session timeout (30 s): the group waits for the dead member first.
 * - `joined`: a member of the group with its partitions (possibly none, when the group has more
 *   members than the topic has partitions).
 * - `retrying`: the last consumer could not start or crashed for good; a new one starts at `retryAt`.
 * - `stopped`: the application is shutting down.
 */
export type KafkaInboundState = 'disabled' | 'joining' | 'joined' | 'retrying' | 'stopped';

export interface KafkaInboundStatus {
  state: KafkaInboundState;
  /** When the consumer entered this state. */
  since: Date;
  /** Consumers started so far: 1 for the first, one more for each restart after a failure. */
  attempts: number;
  /** Partitions of the inbound topic this member consumes (joined only). */
  partitions?: number[];
  /** The last failure (a start that failed, a crash); kept once recovered, for the record. */
  lastError?: { message: string; at: Date };
  /** When the next consumer starts (retrying only). */
  retryAt?: Date;
}

/** First wait before a new consumer, doubled after each failure that did not reach a join. */
export const KAFKA_INBOUND_RESTART_BACKOFF = { initialMs: 1_000, maxMs: 30_000 } as const;

/**
 * How long shutdown waits for a consumer that has not joined: kafkajs's disconnect waits for
 * requests in flight, and the coordinator holds a JoinGroup for up to a rebalance. Such a member
 * has nothing to commit, and no member id yet to leave the group with.
 */
const STOP_WAIT_UNJOINED_MS = 5_000;

/**
 * Runs the touchline.inbound.v1 consumer group when KAFKA_BROKERS is configured, and does nothing
 * otherwise. Every message goes through the same validation and record command as HTTP.
 *
 * It starts in the background: bootstrap does not wait for Kafka. Joining the group takes one
 * session timeout after a crash (the group first waits out the dead member), and Kafka may be down;
 * neither may keep the process from serving HTTP, which needs the event store only. A consumer
 * that cannot start, or crashes in a way kafkajs does not recover from itself, is replaced after a
 * capped, jittered backoff, for as long as the process runs. status() says where it stands.
 */
@Injectable()
export class KafkaInboundConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('KafkaInbound');
  private consumer: InboundConsumer | undefined;
  private loop: Promise<void> = Promise.resolve();
  private stopping = false;
  private signalStop: () => void = () => undefined;
  private readonly stopSignal = new Promise<undefined>(
    (resolve) => (this.signalStop = () => resolve(undefined)),
  );
  private current: KafkaInboundStatus = { state: 'disabled', since: new Date(), attempts: 0 };

  constructor(
    @Inject(TOUCHLINE_CONFIG) private readonly config: TouchlineConfig,
    private readonly commandBus: CommandBus,
    @Inject(KAFKA_INBOUND_OPTIONS) private readonly options: KafkaInboundOptions,
    @Optional() @Inject(INGEST_OBSERVER) private readonly observer: IngestObserver | null = null,
  ) {}

  /** Where the consumer stands; for health details, metrics and tests. */
  status(): KafkaInboundStatus {
    const { partitions, ...rest } = this.current;
    return { ...rest, ...(partitions ? { partitions: [...partitions] } : {}) };
  }

  /** The inbound group's lag per partition; empty when the consumer does not run. */
  lag(): Promise<{ partition: number; lag: number }[]> {
    return this.consumer?.lag() ?? Promise.resolve([]);
  }

  // After bootstrap, not at module init: the command bus registers its handlers on bootstrap.
  // Not awaited, see the class comment.
  onApplicationBootstrap(): void {
    const brokers = this.config.kafkaBrokers;
    if (brokers === undefined || brokers.length === 0 || this.stopping) return;
    this.loop = this.keepRunning(brokers);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.signalStop();
    const consumer = this.consumer;
    this.consumer = undefined;
    const joined = this.current.state === 'joined';
    if (consumer) {
      const stopped = consumer.stop().catch((error: unknown) => {
        this.logger.warn(`Stopping the Kafka inbound consumer: ${asError(error).message}`);
      });
      // A member with partitions finishes its chunk, commits and leaves the group: waited for.
      if (joined) await stopped;
      else if (!(await settlesWithin(stopped, STOP_WAIT_UNJOINED_MS)))
        this.logger.warn(
          `The Kafka inbound consumer was still joining its group; not waiting for it to disconnect`,
        );
    }
    await this.loop;
    if (this.current.state !== 'disabled') this.update({ state: 'stopped' });
  }

  private async keepRunning(brokers: string[]): Promise<void> {
    const { restartBackoff, ...options } = this.options;
    const backoff = { ...KAFKA_INBOUND_RESTART_BACKOFF, ...restartBackoff };
    let failures = 0;
    while (!this.stopping) {
      const consumer: InboundConsumer = new InboundConsumer({
        ...options,
        brokers,
        record: (touchpoints) => this.commandBus.execute(new RecordTouchpointsCommand(touchpoints)),
        logger: kafkaLogger(this.logger),
        onBatch: (batch, result) => {
          this.options.onBatch?.(batch, result);
          if (result.deadLettered > 0) {
            const refused = Array.from({ length: result.deadLettered }, () => ({}));
            notify(this.observer, (o) => o.rejected('kafka', refused));
            notify(this.observer, (o) => o.deadLettered(result.deadLettered));
          }
        },
        onJoin: (join) => {
          if (consumer !== this.consumer || this.stopping) return;
          failures = 0;
          this.joined(consumer, join);
        },
        onRejoin: (reason) => {
          if (consumer !== this.consumer || this.stopping) return;
          this.update({
            state: 'joining',
            ...(reason ? { lastError: { message: reason.message, at: new Date() } } : {}),
          });
        },
      });
      this.consumer = consumer;
      this.update({ state: 'joining', attempts: this.current.attempts + 1 });
      const started = consumer.start();
      // kafkajs keeps a started member in the group, rejoining by itself after rebalances and
      // retriable crashes: the consumer is replaced only when it could not start, or gave up.
      const outcome = await Promise.race([
        started.then(
          () => consumer.failed,
          (error: unknown) => asError(error),
        ),
        this.stopSignal,
      ]);
      if (outcome === undefined || this.stopping) return;
      this.consumer = undefined;
      await settlesWithin(
        consumer.stop().catch(() => undefined),
        STOP_WAIT_UNJOINED_MS,
      );
      failures += 1;
      const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (failures - 1));
      const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      this.update({
        state: 'retrying',
        lastError: { message: outcome.message, at: new Date() },
        retryAt: new Date(Date.now() + delay),
      });
      this.logger.warn(
        `Kafka inbound consumer failed (attempt ${this.current.attempts}): ${outcome.message}; ` +
          `a new one starts in ${(delay / 1000).toFixed(1)} s`,
      );
      await settlesWithin(this.stopSignal, delay);
    }
  }

  private joined(consumer: InboundConsumer, join: InboundGroupJoin): void {
    this.update({ state: 'joined', partitions: join.partitions });
    const { topic, groupId, deadLetterTopic } = consumer.description;
    this.logger.log(
      `Consuming ${topic} as group ${groupId} (partitions ${join.partitions.join(', ') || 'none'}, ` +
        `joined in ${join.durationMs} ms); dead letters go to ${deadLetterTopic}`,
    );
  }

  /** A new state starts a new `since`; partitions and retryAt belong to the state that set them. */
  private update(next: Partial<KafkaInboundStatus> & { state: KafkaInboundState }): void {
    const previous = this.current;
    this.current = {
      state: next.state,
      since: next.state === previous.state ? previous.since : new Date(),
      attempts: next.attempts ?? previous.attempts,
      ...(next.partitions ? { partitions: next.partitions } : {}),
      ...((next.lastError ?? previous.lastError)
        ? { lastError: next.lastError ?? previous.lastError }
        : {}),
      ...(next.retryAt ? { retryAt: next.retryAt } : {}),
    };
  }
}

/** Whether `promise` settled within `ms` (it is not cancelled otherwise). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function kafkaLogger(logger: Logger): KafkaLogger {
  const line = (message: string, fields?: Record<string, unknown>) =>
    fields && Object.keys(fields).length > 0 ? `${message} ${safeJson(fields)}` : message;
  return {
    error: (message, fields) => logger.error(line(message, fields)),
    warn: (message, fields) => logger.warn(line(message, fields)),
    info: (message, fields) => logger.log(line(message, fields)),
    debug: (message, fields) => logger.debug(line(message, fields)),
  };
}

function safeJson(fields: Record<string, unknown>): string {
  try {
    return JSON.stringify(fields);
  } catch {
    return '{…}';
  }
}
