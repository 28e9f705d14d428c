import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Kafka } from 'kafkajs';
import { PostgresEventStore } from '@touchline/event-store';
import { createKafka } from '@touchline/kafka';
import {
  createTestDatabase,
  describeWithKafka,
  describeWithPostgresServer,
  startKafka,
  waitFor,
  type KafkaTestCluster,
  type TestDatabase,
} from '@touchline/testing';
import { Relay } from './index';
import { countBacklog } from './sql/countBacklog';
import { readCheckpoint } from './sql/readCheckpoint';
import { appendJourneys } from './testing/append-journeys';
import { expectJourneyInKafka, storedEvents } from './testing/expectations';
import { readJourney } from './testing/journey-inbox';

const ROOT = resolve(__dirname, '../../..');
const RELAY_PROCESS = resolve(__dirname, 'testing/relay-process.ts');

describeWithPostgresServer('Relay failover', () => {
  describeWithKafka('Relay failover (a leader process killed mid-stream)', () => {
    let cluster: KafkaTestCluster;
    let kafka: Kafka;
    let db: TestDatabase;
    let child: ChildProcess | undefined;
    const cleanup: Array<() => Promise<unknown>> = [];

    beforeAll(async () => {
      cluster = await startKafka();
      kafka = createKafka({ brokers: cluster.brokers, clientId: 'relay-failover-spec' });
      db = await createTestDatabase();
      await PostgresEventStore.migrate(db.pool);
      await Relay.migrate(db.pool);
    });

    afterAll(async () => {
      child?.kill('SIGKILL');
      for (const step of cleanup.splice(0).reverse()) await step();
      await db?.destroy();
      await cluster?.stop();
    });

    function startRelayProcess(instance: string, source: string): ChildProcess {
      const stderr: string[] = [];
      const process_ = spawn(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', RELAY_PROCESS],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            RELAY_DATABASE_URL: db.url,
            RELAY_BROKERS: cluster.brokers.join(','),
            RELAY_SOURCE: source,
            RELAY_INSTANCE: instance,
            // Small batches: many acknowledgements and checkpoints, so the kill lands between some.
            RELAY_BATCH_SIZE: '10',
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      process_.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
      process_.once('exit', (code, signal) => {
        if (signal !== 'SIGKILL') stderr.push(`relay process exited: code ${code}, ${signal}`);
      });
      cleanup.push(async () => {
        if (stderr.length > 0) process.stderr.write(`relay process stderr:\n${stderr.join('')}`);
      });
      return process_;
    }

    it('the standby continues from the checkpoint; every event reaches Kafka, in order per customer', async () => {
      const source = `/touchline/relay-failover-spec/${randomUUID()}`;
      const store = new PostgresEventStore(db.pool, { idlePollMs: 20 });
      cleanup.push(() => store.close());
      const inbox = await readJourney(kafka, source);
      cleanup.push(() => inbox.stop());

      child = startRelayProcess('doomed', source);
      const leading = await waitFor(
        async () => {
          const row = await readCheckpoint(db.pool, 'touchline.journey.v1');
          return row?.leader === 'doomed' ? row : undefined;
        },
        { what: 'the relay process to lead', timeoutMs: 60_000 },
      );

      const standby = new Relay({
        pool: db.pool,
        store,
        kafka,
        source,
        instanceId: 'standby',
        standbyPollMs: 100,
      });
      cleanup.push(() => standby.stop());
      standby.start();

      // Appends go on while the leader is killed and the standby takes over.
      const appending = appendJourneys(store, {
        prefix: 'k',
        customers: 50,
        fromRevision: 0,
        toRevision: 30,
      });
      let appended = false;
      void appending.then(() => (appended = true));
      const atKill = await waitFor(
        async () => {
          const row = await readCheckpoint(db.pool, 'touchline.journey.v1');
          if (!row?.checkpoint) return undefined;
          const { rows } = await db.pool.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM touchline.events',
          );
          const published = rows[0]!.n - (await countBacklog(db.pool, row.checkpoint)).events;
          return published >= 50 ? row : undefined;
        },
        { what: 'the leader to publish 50 events' },
      );
      // Mid-stream: events are still being appended, and the standby has been refused the lock.
      expect(appended).toBe(false);
      expect(standby.role).toBe('standby');
      child.kill('SIGKILL');
      await waitFor(
        () => (child!.exitCode !== null || child!.signalCode !== null ? true : undefined),
        {
          what: 'the relay process to die',
        },
      );

      await waitFor(() => (standby.role === 'leader' ? true : undefined), {
        what: 'the standby to take over',
      });
      const takeover = await standby.status();
      expect(takeover.term).toBe(leading.term + 1);
      expect(takeover.leader).toBe('standby');
      // The dead leader's last checkpoint, or the standby's progress from it; never behind it.
      expect(
        store.compareCheckpoints(takeover.checkpoint, atKill.checkpoint),
      ).toBeGreaterThanOrEqual(0);

      await appending;
      await appendJourneys(store, { prefix: 'k', customers: 50, fromRevision: 30, toRevision: 40 });
      const stored = await storedEvents(store, db.pool);
      expect(stored).toHaveLength(2_000);

      await waitFor(() => (inbox.distinct() >= 2_000 ? true : undefined), {
        what: 'all 2,000 events in Kafka',
        timeoutMs: 60_000,
      });
      const final = await waitFor(
        async () => {
          const s = await standby.status();
          return s.lag === 0 ? s : undefined;
        },
        { what: 'the standby to checkpoint everything' },
      );
      expect(final.checkpoint).toBe(stored[stored.length - 1]!.position);
      expect(final.publishedEvents).toBeGreaterThan(0);
      expectJourneyInKafka(stored, inbox, source);
    }, 180_000);
  });
});
