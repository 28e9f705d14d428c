export { createTestDatabase, STRICT } from './test-database';
export type { TestDatabase } from './test-database';
export { waitFor } from './wait-for';
export { describeWithPostgresServer } from './postgres-server';
export { startKafka, kafkaAvailability, describeWithKafka } from './kafka-mock-cluster';
export type { KafkaTestCluster, KafkaAvailability } from './kafka-mock-cluster';
