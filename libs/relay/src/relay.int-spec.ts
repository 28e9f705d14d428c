import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { PostgresEventStore } from '@touchline/event-store';
import { createKafka } from '@touchline/kafka';
import {
  createTestDatabase,
  describeWithKafka,
  describeWithPostgresServer,
  kafkaAvailability,
  startKafka,
  waitFor,
  type KafkaTestCluster,
  type TestDatabase,
} from '@touchline/testing';
import { Relay, type RelayOptions } from './index';
import { appendJourneys } from './testing/append-journeys';
import { expectJourneyInKafka, storedEvents } from './testing/expectations';
import { readJourney, type JourneyInbox } from './testing/journey-inbox';

const availability = kafkaAvailability();
const mockOnly = (name: string, fn: jest.ProvidesCallback, timeout?: number): void =>
  availability.available && availability.kind === 'mock'
    ? it(name, fn, timeout)
    : it.skip(`${name} — skipped: needs the kcat mock, whose brokers it can freeze`, fn);

describeWithPostgresServer('Relay to Kafka', () => {
  describeWithKafka('Relay to Kafka (PostgreSQL store, Kafka or the kcat mock)', () => {
    let cluster: KafkaTestCluster;
    let kafka: Kafka;
    const cleanup: Array<() => Promise<unknown>> = [];

    beforeAll(async () => {
      cluster = await startKafka();
      kafka = createKafka({ brokers: cluster.brokers, clientId: 'relay-int-spec' });
    });

    afterEach(async () => {
      for (const step of cleanup.splice(0).reverse()) await step();
    });

    afterAll(async () => {
      await cluster?.stop();
    });

    /** Each test gets a database of its own: its relay starts from an empty log. */
    async function fixture() {
      const db: TestDatabase = await createTestDatabase();
      cleanup.push(() => db.destroy());
      await PostgresEventStore.migrate(db.pool);
      await Relay.migrate(db.pool);
      const store = new PostgresEventStore(db.pool, { idlePollMs: 20 });
      cleanup.push(() => store.close());
      const source = `/touchline/relay-int-spec/${randomUUID()}`;
      const inbox = await readJourney(kafka, source);
      cleanup.push(() => inbox.stop());
      const relay = (overrides: Partial<RelayOptions> = {}) => {
        const r = new Relay({
          pool: db.pool,
          store,
          kafka,
          source,
          standbyPollMs: 100,
          ...overrides,
        });
        cleanup.push(() => r.stop());
        return r;
      };
      return { db, store, source, inbox, relay };
    }

    const everything = (inbox: JourneyInbox, count: number) => () =>
      inbox.distinct() >= count ? true : undefined;

    it('publishes every event, as its CloudEvent and in per-customer order, while 50 customers append concurrently', async () => {
      const { db, store, source, inbox, relay } = await fixture();
      const r = relay({ batchSize: 200 });
      r.start();
      await waitFor(() => (r.role === 'leader' ? true : undefined), { what: 'the relay to lead' });

      await appendJourneys(store, { prefix: 'c', customers: 50, fromRevision: 0, toRevision: 40 });
      const stored = await storedEvents(store, db.pool);
      expect(stored).toHaveLength(2_000);

      await waitFor(everything(inbox, 2_000), { what: '2,000 events in Kafka', timeoutMs: 60_000 });
      expectJourneyInKafka(stored, inbox, source);

      const status = await waitFor(
        async () => {
          const s = await r.status();
          return s.lag === 0 ? s : undefined;
        },
        { what: 'the checkpoint to cover the log' },
      );
      expect(status).toMatchObject({
        role: 'leader',
        checkpoint: stored[stored.length - 1]!.position,
        term: 1,
        leader: r.instanceId,
        publishedEvents: 2_000,
        consecutiveFailures: 0,
      });
      expect(status.lastPublishedAt).toBeInstanceOf(Date);
    }, 120_000);

    mockOnly(
      'rides out a Kafka outage: re-sends with backoff, never checkpoints what the brokers did not acknowledge',
      async () => {
        const { db, store, source, inbox, relay } = await fixture();
        // Short request timeouts so the outage surfaces quickly; the relay's retries outlast it.
        const impatient = createKafka({
          brokers: cluster.brokers,
          clientId: 'relay-int-spec-outage',
          requestTimeout: 1_000,
          retry: { initialRetryTime: 100, maxRetryTime: 500, retries: 2 },
        });
        const r = relay({ kafka: impatient, publishRetry: { initialMs: 100, maxMs: 1_000 } });
        r.start();

        await appendJourneys(store, {
          prefix: 'o',
          customers: 50,
          fromRevision: 0,
          toRevision: 10,
        });
        const acknowledged = await waitFor(
          async () => {
            const s = await r.status();
            return s.lag === 0 && s.checkpoint !== null ? s.checkpoint : undefined;
          },
          { what: 'the first 500 events to be acknowledged' },
        );

        cluster.pause();
        try {
          await appendJourneys(store, {
            prefix: 'o',
            customers: 50,
            fromRevision: 10,
            toRevision: 20,
          });
          // Until the brokers answer again, every look at the checkpoint finds it where the
          // acknowledged events left it, with the new events counted as lag.
          await waitFor(
            async () => {
              const s = await r.status();
              expect(s.checkpoint).toBe(acknowledged);
              expect(s.lag).toBe(500);
              return s.consecutiveFailures >= 2 ? true : undefined;
            },
            { what: 'the relay to fail and re-send the batch', timeoutMs: 60_000 },
          );
          expect((await r.status()).role).toBe('leader');
        } finally {
          cluster.resume();
        }

        const stored = await storedEvents(store, db.pool);
        await waitFor(everything(inbox, 1_000), { what: 'every event after the outage' });
        const status = await waitFor(
          async () => {
            const s = await r.status();
            return s.lag === 0 ? s : undefined;
          },
          { what: 'the checkpoint to catch up' },
        );
        expect(status.checkpoint).toBe(stored[stored.length - 1]!.position);
        expect(status.consecutiveFailures).toBe(0);
        expect(status.lastError).not.toBeNull();
        expectJourneyInKafka(stored, inbox, source);
      },
      120_000,
    );

    mockOnly(
      'fences a leader that lost its lock connection mid-batch: it stops, the standby continues from the checkpoint',
      async () => {
        const { db, store, source, inbox, relay } = await fixture();
        const impatient = createKafka({
          brokers: cluster.brokers,
          clientId: 'relay-int-spec-fence',
          requestTimeout: 1_000,
          retry: { initialRetryTime: 100, maxRetryTime: 500, retries: 2 },
        });
        // After losing its lead it backs off for a long time, so the standby is the one to take over.
        const first = relay({
          kafka: impatient,
          reconnect: { initialMs: 60_000, maxMs: 60_000 },
          stopGraceMs: 100,
        });
        const second = relay();
        first.start();
        await waitFor(() => (first.role === 'leader' ? true : undefined), { what: 'a leader' });
        second.start();

        await appendJourneys(store, {
          prefix: 'f',
          customers: 10,
          fromRevision: 0,
          toRevision: 10,
        });
        await waitFor(async () => ((await first.status()).lag === 0 ? true : undefined), {
          what: 'the first 100 events to be acknowledged',
        });

        // A batch the brokers will not acknowledge while the leader still holds the lock.
        cluster.pause();
        let before: Awaited<ReturnType<Relay['status']>>;
        try {
          await appendJourneys(store, {
            prefix: 'f',
            customers: 10,
            fromRevision: 10,
            toRevision: 20,
          });
          before = await waitFor(
            async () => {
              const s = await first.status();
              return s.lag === 100 && s.lastError !== null ? s : undefined;
            },
            { what: 'the leader to be stuck on the unacknowledged batch' },
          );
          await db.pool.query('SELECT pg_terminate_backend($1)', [before.lockBackendPid]);
          await waitFor(() => (first.role !== 'leader' ? true : undefined), {
            what: 'the leader to step down while Kafka is still down',
          });
          await waitFor(() => (second.role === 'leader' ? true : undefined), {
            what: 'the standby to take over',
          });
          const after = await second.status();
          expect(after.checkpoint).toBe(before.checkpoint);
          expect(after.term).toBe(before.term! + 1);
        } finally {
          cluster.resume();
        }

        const stored = await storedEvents(store, db.pool);
        await waitFor(everything(inbox, 200), { what: 'all 200 events in Kafka' });
        await waitFor(async () => ((await second.status()).lag === 0 ? true : undefined), {
          what: 'the new leader to checkpoint everything',
        });
        const [one, two] = [await first.status(), await second.status()];
        expect(one.publishedEvents).toBe(100);
        expect(two.publishedEvents).toBe(100);
        expect(two.checkpoint).toBe(stored[stored.length - 1]!.position);
        expectJourneyInKafka(stored, inbox, source);
      },
      120_000,
    );
  });
});
