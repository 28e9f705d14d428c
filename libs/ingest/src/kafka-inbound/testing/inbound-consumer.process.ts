/**
 * The inbound consumer alone in a process, for the crash-safety suite to SIGKILL: a real crash
 * (no disconnect, no final commit, no flush), which no in-process stop can imitate.
 *
 * Environment: TL_BROKERS, TL_DATABASE_URL, TL_TOPIC, TL_DEAD_LETTER_TOPIC, TL_GROUP_ID, and
 * optionally TL_KILL_AFTER_APPENDED: the process SIGKILLs itself as soon as the store has
 * acknowledged that many new events, before their offsets are resolved or committed (the worst
 * moment: in the store, not committed). Reports on stdout, one line each: `ready`, then
 * `appended <total>` after every acknowledged append.
 */
import { openPersonalDataVault, TEST_MASTER_KEYS } from '@touchline/privacy';
import { openDatabase } from '@touchline/database';
import { PostgresEventStore } from '@touchline/event-store';
import { RecordTouchpointsCommand } from '../../commands/record-touchpoints/record-touchpoints.command';
import { RecordTouchpointsHandler } from '../../commands/record-touchpoints/record-touchpoints.handler';
import { InboundConsumer } from '../inbound-consumer';

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const killAfter = Number(process.env.TL_KILL_AFTER_APPENDED ?? Infinity);
  const db = await openDatabase({ databaseUrl: env('TL_DATABASE_URL'), poolSize: 4 });
  const { vault } = await openPersonalDataVault(db.pool, TEST_MASTER_KEYS);
  const handler = new RecordTouchpointsHandler(new PostgresEventStore(db.pool), vault);
  let appended = 0;
  const consumer = new InboundConsumer({
    brokers: env('TL_BROKERS').split(','),
    topic: env('TL_TOPIC'),
    deadLetterTopic: env('TL_DEAD_LETTER_TOPIC'),
    groupId: env('TL_GROUP_ID'),
    maxChunk: 25,
    consumer: {
      sessionTimeout: 6_000,
      heartbeatInterval: 300,
      maxWaitTimeInMs: 100,
      // Small fetches, so that a kill lands between fetches as well as inside one.
      maxBytesPerPartition: 16_384,
    },
    record: async (touchpoints) => {
      const recorded = await handler.execute(new RecordTouchpointsCommand(touchpoints));
      appended += recorded.filter((r) => r.status === 'appended').length;
      process.stdout.write(`appended ${appended}\n`);
      if (appended >= killAfter) process.kill(process.pid, 'SIGKILL');
      return recorded;
    },
  });
  await consumer.start();
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
