import {
  Kafka,
  Partitioners,
  logLevel as KafkaLogLevel,
  type LogEntry,
  type Producer,
  type ProducerConfig,
  type RetryOptions,
} from 'kafkajs';

/**
 * The little the Kafka client needs from a logger. Adapting pino is one line per level
 * (`info: (msg, fields) => pino.info(fields ?? {}, msg)`); Nest's Logger fits as is for strings.
 */
export interface KafkaLogger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

export type KafkaLogLevelName = 'error' | 'warn' | 'info' | 'debug';

export interface CreateKafkaOptions {
  brokers: string[];
  clientId: string;
  /** Where kafkajs's own logs go. Without one the client logs nothing (quiet tests, no console). */
  logger?: KafkaLogger;
  /** Default 'info' when a logger is given. */
  logLevel?: KafkaLogLevelName;
  /** Overrides DEFAULT_RETRY field by field. */
  retry?: RetryOptions;
  /** How long one request may wait for its answer. Default 30 s (kafkajs's). */
  requestTimeout?: number;
  /** TCP connect timeout. Default 3 s. */
  connectionTimeout?: number;
}

/**
 * Exponential backoff from 300 ms, capped at 30 s per wait, 8 retries: about a minute in all,
 * enough to ride out a broker restart or a leader election without surfacing an error, short
 * enough that a dead cluster shows up in health checks. kafkajs's own default gives up after
 * about 9 s.
 */
export const DEFAULT_RETRY: Readonly<RetryOptions> = {
  initialRetryTime: 300,
  maxRetryTime: 30_000,
  multiplier: 2,
  factor: 0.2,
  retries: 8,
};

const LEVELS: Record<KafkaLogLevelName, KafkaLogLevel> = {
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

export function createKafka(options: CreateKafkaOptions): Kafka {
  const { logger } = options;
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    // kafkajs's 1 s default fails spuriously on a loaded CI machine.
    connectionTimeout: options.connectionTimeout ?? 3_000,
    requestTimeout: options.requestTimeout ?? 30_000,
    logLevel: logger ? LEVELS[options.logLevel ?? 'info'] : KafkaLogLevel.NOTHING,
    logCreator: () => (entry: LogEntry) => {
      if (logger) route(logger, entry);
    },
  });
}

/**
 * A producer that partitions keys with the Java client's murmur2 hash, so a customer's events land
 * on the same partition whichever client (Java, Kafka Connect, kafkajs) writes them.
 */
export function createProducer(kafka: Kafka, config: ProducerConfig = {}): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...config });
}

function route(logger: KafkaLogger, { namespace, level, log }: LogEntry): void {
  const { message, ...fields } = log as Record<string, unknown>;
  // kafkajs repeats its clock and its own name in every entry; the host logger has both.
  delete fields.timestamp;
  delete fields.logger;
  const text = namespace ? `[${namespace}] ${String(message)}` : String(message);
  switch (level) {
    case KafkaLogLevel.ERROR:
      return logger.error(text, fields);
    case KafkaLogLevel.WARN:
      return logger.warn(text, fields);
    case KafkaLogLevel.INFO:
      return logger.info(text, fields);
    default:
      return logger.debug(text, fields);
  }
}
