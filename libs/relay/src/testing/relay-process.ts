/**
 * One relay in a process of its own, so that the failover test can kill it the honest way
 * (SIGKILL: no shutdown hook runs, the kernel closes its sockets). Configured by environment:
 * RELAY_DATABASE_URL, RELAY_BROKERS, RELAY_SOURCE, RELAY_INSTANCE, RELAY_BATCH_SIZE.
 */
import { Pool } from 'pg';
import { PostgresEventStore } from '@touchline/event-store';
import { createKafka } from '@touchline/kafka';
import { Relay } from '../relay';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const pool = new Pool({ connectionString: required('RELAY_DATABASE_URL'), max: 4 });
pool.on('error', () => undefined);
const relay = new Relay({
  pool,
  store: new PostgresEventStore(pool),
  kafka: createKafka({ brokers: required('RELAY_BROKERS').split(','), clientId: 'relay-process' }),
  source: required('RELAY_SOURCE'),
  instanceId: required('RELAY_INSTANCE'),
  batchSize: Number(process.env.RELAY_BATCH_SIZE ?? 500),
  logger: {
    error: (message, fields) => process.stderr.write(`${message} ${JSON.stringify(fields)}\n`),
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
  },
});
relay.start();
process.stdout.write('started\n');
