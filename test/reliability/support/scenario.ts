import {
  createTestDatabase,
  startKafka,
  type KafkaTestCluster,
  type TestDatabase,
} from '@touchline/testing';
import { API_KEYS } from './keys';
import { startTouchline, type Touchline } from './service';

/**
 * The kafka profile leaves projections to the worker process by default; with this environment
 * the API runs the same Kafka-fed projections, so that one process under test holds the whole
 * flow.
 */
export const API_RUNS_PROJECTIONS = { TOUCHLINE_RUN_PROJECTIONS: 'true' };

/**
 * What a scenario runs against: a fresh database and the service on it with the suite's API keys
 * (support/keys.ts) and `env`. `setup()` goes in beforeAll, `teardown()` in afterAll; teardown
 * stops what started, last first, and skips what did not.
 */
export class ServiceScenario {
  db!: TestDatabase;
  service!: Touchline;

  constructor(protected readonly env: Record<string, string> = {}) {}

  async setup(): Promise<void> {
    this.db = await createTestDatabase();
    this.service = await startTouchline({
      databaseUrl: this.db.url,
      apiKeys: API_KEYS,
      env: this.env,
    });
  }

  async teardown(): Promise<void> {
    await this.service?.stop();
    await this.db?.destroy();
  }
}

/** The same in the kafka profile: Kafka is KAFKA_BROKERS, or a mock cluster of its own. */
export class KafkaScenario extends ServiceScenario {
  kafka!: KafkaTestCluster;

  override async setup(): Promise<void> {
    this.db = await createTestDatabase();
    this.kafka = await startKafka();
    this.service = await startTouchline({
      databaseUrl: this.db.url,
      kafkaBrokers: this.kafka.brokers,
      apiKeys: API_KEYS,
      env: this.env,
    });
  }

  override async teardown(): Promise<void> {
    await this.service?.stop();
    await this.kafka?.stop();
    await this.db?.destroy();
  }
}
