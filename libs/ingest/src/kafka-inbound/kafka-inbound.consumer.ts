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
import { InboundConsumer, type InboundConsumerOptions } from './inbound-consumer';

/** Overrides of the consumer's defaults (group, topics, session timeout…); {} in production. */
export const KAFKA_INBOUND_OPTIONS = Symbol('KAFKA_INBOUND_OPTIONS');
export type KafkaInboundOptions = Omit<InboundConsumerOptions, 'brokers' | 'record' | 'logger'>;

/**
 * Runs the touchline.inbound.v1 consumer group when KAFKA_BROKERS is configured, and does nothing
 * otherwise. Every message goes through the same validation and record command as HTTP.
 */
@Injectable()
export class KafkaInboundConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('KafkaInbound');
  private consumer: InboundConsumer | undefined;

  constructor(
    @Inject(TOUCHLINE_CONFIG) private readonly config: TouchlineConfig,
    private readonly commandBus: CommandBus,
    @Inject(KAFKA_INBOUND_OPTIONS) private readonly options: KafkaInboundOptions,
    @Optional() @Inject(INGEST_OBSERVER) private readonly observer: IngestObserver | null = null,
  ) {}

  /** The inbound group's lag per partition; empty when the consumer does not run. */
  lag(): Promise<{ partition: number; lag: number }[]> {
    return this.consumer?.lag() ?? Promise.resolve([]);
  }

  /** Whether the consumer runs (KAFKA_BROKERS is set and it started). */
  get running(): boolean {
    return this.consumer !== undefined;
  }

  // After bootstrap, not at module init: the command bus registers its handlers on bootstrap.
  async onApplicationBootstrap(): Promise<void> {
    const brokers = this.config.kafkaBrokers;
    if (brokers === undefined || brokers.length === 0) return;
    const consumer = new InboundConsumer({
      ...this.options,
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
    });
    await consumer.start();
    this.consumer = consumer;
    const { topic, groupId, deadLetterTopic } = consumer.description;
    this.logger.log(
      `Consuming ${topic} as group ${groupId}; dead letters go to ${deadLetterTopic}`,
    );
  }

  async onModuleDestroy(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }
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
