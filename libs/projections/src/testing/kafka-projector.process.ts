/**
 * One projector in a process of its own (a ProjectionEngine on the Kafka source), so that the
 * scale-out test can kill it the honest way (SIGKILL: no shutdown hook, the kernel closes its
 * sockets). Configured by environment: PROJECTOR_DATABASE_URL, PROJECTOR_BROKERS, PROJECTOR_TOPIC,
 * PROJECTOR_NAME, PROJECTOR_SCOPE, PROJECTOR_GROUP. Prints `batch <partition>` for every committed
 * batch that applied events, so the test knows who works on what.
 */
import { Pool } from 'pg';
import { PostgresEventStore } from '@touchline/event-store';
import { createKafka } from '@touchline/kafka';
import { PostgresLogStats } from '../log-stats/postgres-log-stats';
import { ProjectionEngine } from '../projection-engine';
import { kafkaSource } from '../sources/kafka.source';
import { customerPurchases } from './customer-purchases.fixture';
import { relayCheckpoint } from './relay-checkpoint';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const pool = new Pool({ connectionString: required('PROJECTOR_DATABASE_URL'), max: 4 });
pool.on('error', () => undefined);
const topic = required('PROJECTOR_TOPIC');
const engine = new ProjectionEngine({
  pool,
  store: new PostgresEventStore(pool),
  logStats: new PostgresLogStats(pool),
  projections: [
    customerPurchases({ name: required('PROJECTOR_NAME'), scope: required('PROJECTOR_SCOPE') }),
  ],
  reconcileIntervalMs: 100,
  retryMinMs: 10,
  retryMaxMs: 200,
  liveSource: kafkaSource({
    kafka: createKafka({
      brokers: required('PROJECTOR_BROKERS').split(','),
      clientId: 'projector-process',
    }),
    topic,
    groupPrefix: required('PROJECTOR_GROUP'),
    publishedUpTo: () => relayCheckpoint(pool, topic),
    batchSize: 20,
    consumer: { sessionTimeout: 6_000, heartbeatInterval: 300 },
  }),
  observer: (activity) => {
    if (activity.type === 'batch-committed' && activity.applied > 0)
      process.stdout.write(`batch ${activity.partition}\n`);
  },
});
void engine.start().then(() => process.stdout.write('started\n'));
