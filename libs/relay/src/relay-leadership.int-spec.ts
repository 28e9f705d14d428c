import { randomUUID } from 'node:crypto';
import type { Kafka, Message, ProducerRecord } from 'kafkajs';
import { Client, type Pool } from 'pg';
import { PostgresEventStore, type EventStore } from '@touchline/event-store';
import { recordedEventToCloudEvent, toBinaryMessage } from '@touchline/kafka';
import {
  createTestDatabase,
  describeWithPostgresServer,
  waitFor,
  type TestDatabase,
} from '@touchline/testing';
import { LeadershipLostError, Relay, type RelayOptions } from './index';
import { acquireLeadership, type Lease, type LeaderLockOptions } from './leader-lock';
import { SILENT_LOGGER } from './logger';
import { claimTerm } from './sql/claimTerm';
import { countBacklog } from './sql/countBacklog';
import { readCheckpoint } from './sql/readCheckpoint';
import { storeCheckpoint } from './sql/storeCheckpoint';
import { appendJourneys } from './testing/append-journeys';
import { readLog, storedEvents } from './testing/expectations';

/** A producer whose every send the test answers by hand. */
class FakeProducer {
  readonly sends: Array<{
    record: ProducerRecord;
    resolve: () => void;
    reject: (error: Error) => void;
  }> = [];
  readonly events = { REQUEST_TIMEOUT: 'producer.network.request_timeout' };
  connect = async () => undefined;
  disconnect = async () => undefined;
  on = () => undefined;
  send = (record: ProducerRecord) =>
    new Promise<[]>((resolve, reject) =>
      this.sends.push({ record, resolve: () => resolve([]), reject }),
    );
}

const fakeKafka = (producer: FakeProducer) => ({ producer: () => producer }) as unknown as Kafka;

describeWithPostgresServer('Relay leadership and checkpoints (PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: EventStore;
  const cleanup: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = db.pool;
    await PostgresEventStore.migrate(pool);
    await Relay.migrate(pool);
    store = new PostgresEventStore(pool, { idlePollMs: 20 });
  });

  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  afterAll(async () => {
    await store?.close();
    await db?.destroy();
  });

  function lockOptions(name: string, overrides: Partial<LeaderLockOptions> = {}) {
    const options: LeaderLockOptions = {
      name,
      connect: async () => {
        const client = new Client({ connectionString: db.url });
        await client.connect();
        return client;
      },
      pollMs: 50,
      heartbeatMs: 100,
      statementTimeoutMs: 2_000,
      reconnect: { initialMs: 50, maxMs: 500 },
      serverKeepalive: { idle: 5, interval: 2, count: 3 },
      logger: SILENT_LOGGER,
      onError: () => undefined,
      onStandby: () => undefined,
      ...overrides,
    };
    return options;
  }

  async function lead(options: LeaderLockOptions): Promise<Lease> {
    const lease = await acquireLeadership(options, new AbortController().signal);
    if (!lease) throw new Error('no lease');
    cleanup.push(() => lease.release());
    return lease;
  }

  function relay(producer: FakeProducer, overrides: Partial<RelayOptions> = {}): Relay {
    const r = new Relay({
      pool,
      store,
      kafka: fakeKafka(producer),
      name: `relay-${randomUUID()}`,
      source: '/touchline/spec',
      standbyPollMs: 50,
      heartbeatMs: 100,
      publishRetry: { initialMs: 10, maxMs: 50 },
      stopGraceMs: 100,
      ...overrides,
    });
    cleanup.push(() => r.stop());
    return r;
  }

  describe('the checkpoint row', () => {
    it('moves only by compare-and-set from the previous value, under the current term', async () => {
      const name = `cas-${randomUUID()}`;
      expect(await claimTerm(pool, name, 'a')).toEqual({ term: 1, checkpoint: null });
      expect(await storeCheckpoint(pool, name, 1, null, '700-5')).toBe(true);

      expect(await claimTerm(pool, name, 'b')).toEqual({ term: 2, checkpoint: '700-5' });
      // The deposed leader, even from the right previous value: refused.
      expect(await storeCheckpoint(pool, name, 1, '700-5', '701-9')).toBe(false);
      // The leader from a stale value (which would move it backwards or skip): refused.
      expect(await storeCheckpoint(pool, name, 2, null, '701-9')).toBe(false);
      expect(await storeCheckpoint(pool, name, 2, '700-4', '701-9')).toBe(false);
      expect(await storeCheckpoint(pool, name, 2, '700-5', '701-9')).toBe(true);

      expect(await readCheckpoint(pool, name)).toMatchObject({
        checkpoint: '701-9',
        term: 2,
        leader: 'b',
      });
    });
  });

  describe('the leader lock', () => {
    it('lets one instance lead; the standby takes over when the leader releases it', async () => {
      const name = `lock-${randomUUID()}`;
      const first = await lead(lockOptions(name));
      let polls = 0;
      const stop = new AbortController();
      cleanup.push(async () => stop.abort());
      const second = acquireLeadership(
        lockOptions(name, { onStandby: () => (polls += 1) }),
        stop.signal,
      );
      await waitFor(() => (polls >= 3 ? true : undefined), { what: 'the standby to poll' });

      await first.release();
      const lease = await second;
      expect(lease).not.toBeNull();
      cleanup.push(() => lease!.release());
      expect(lease!.backendPid).not.toBe(first.backendPid);
    });

    it('is lost at once when PostgreSQL ends the session, and the lock is free again', async () => {
      const name = `kill-${randomUUID()}`;
      const lease = await lead(lockOptions(name));
      await pool.query('SELECT pg_terminate_backend($1)', [lease.backendPid]);

      await waitFor(() => (lease.lost ? true : undefined), { what: 'the lease to notice' });
      expect(lease.signal.reason).toBeInstanceOf(LeadershipLostError);
      await expect(lease.connection.query('SELECT 1')).rejects.toBeInstanceOf(LeadershipLostError);
      const next = await lead(lockOptions(name));
      expect(next.lost).toBe(false);
    });

    it('is lost when the lock connection stops answering in time, and then freed', async () => {
      const name = `silent-${randomUUID()}`;
      const lease = await lead(lockOptions(name, { statementTimeoutMs: 300 }));
      // A statement that outlives the timeout stands for a server or network that went silent.
      await expect(lease.connection.query('SELECT pg_sleep(1)')).rejects.toBeInstanceOf(
        LeadershipLostError,
      );
      expect(lease.lost).toBe(true);
      // The lease dropped its socket, so the server ends the session (once the statement in hand
      // is over: a busy backend reads no socket) and frees the lock.
      const next = await lead(lockOptions(name));
      expect(next.lost).toBe(false);
    });
  });

  describe('lag', () => {
    it('counts events after a checkpoint, also those a reader cannot pass yet', async () => {
      const prefix = `lag-${randomUUID()}`;
      const before = await storedEvents(store, pool);
      const after = before[before.length - 1]?.position ?? null;
      await appendJourneys(store, { prefix, customers: 1, fromRevision: 0, toRevision: 3 });
      expect((await countBacklog(pool, after)).events).toBe(3);

      // A transaction that took its id first and stays open holds every reader before it.
      const blocker = await pool.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('SELECT pg_current_xact_id()');
        await appendJourneys(store, { prefix, customers: 1, fromRevision: 3, toRevision: 4 });
        const visible = await readLog(store);
        expect(visible.some((e) => e.streamId === `customer-${prefix}-0` && e.revision === 3)).toBe(
          false,
        );
        const backlog = await countBacklog(pool, after);
        expect(backlog.events).toBe(4);
        expect(backlog.oldestRecordedAt).toBeInstanceOf(Date);
      } finally {
        await blocker.query('ROLLBACK');
        blocker.release();
      }
    });
  });

  describe('the relay with a producer the test controls', () => {
    it('moves the checkpoint only after the send was acknowledged, and re-sends a failed batch', async () => {
      const producer = new FakeProducer();
      const r = relay(producer);
      const before = await storedEvents(store, pool);
      r.start();
      await waitFor(() => (r.role === 'leader' ? true : undefined), { what: 'the relay to lead' });

      // Whatever earlier tests stored is published first; acknowledge it.
      const start = before[before.length - 1]?.position ?? null;
      await waitFor(
        async () => {
          for (const send of producer.sends.splice(0)) send.resolve();
          return (await r.status()).checkpoint === start ? true : undefined;
        },
        { what: 'the relay to catch up with earlier events' },
      );

      const prefix = `ack-${randomUUID()}`;
      await appendJourneys(store, { prefix, customers: 2, fromRevision: 0, toRevision: 3 });
      const fresh = (await storedEvents(store, pool)).slice(before.length);
      const first = await waitFor(() => producer.sends[0], { what: 'the first send' });
      expect((await r.status()).checkpoint).toBe(start);

      first.reject(new Error('broker said no'));
      const second = await waitFor(() => producer.sends[1], { what: 'the re-send' });
      expect(second.record.messages).toEqual(first.record.messages);
      expect((await r.status()).checkpoint).toBe(start);
      expect((await r.status()).lastError?.message).toBe('broker said no');

      // Exactly the stored events, as binary-mode CloudEvents, acks from all in-sync replicas.
      const batch = second.record;
      expect(batch.acks).toBe(-1);
      const expected: Message[] = fresh
        .slice(0, batch.messages.length)
        .map((e) => toBinaryMessage(recordedEventToCloudEvent(e, { source: '/touchline/spec' })));
      expect(batch.messages).toEqual(expected);

      second.resolve();
      await waitFor(
        async () => {
          for (const send of producer.sends.splice(2)) send.resolve();
          const status = await r.status();
          return status.checkpoint === fresh[fresh.length - 1]!.position && status.lag === 0
            ? status
            : undefined;
        },
        { what: 'the checkpoint to reach the last acknowledged event' },
      );
    });

    it('on stop, abandons an unacknowledged batch after the grace period and hands over the lock', async () => {
      const producer = new FakeProducer();
      const name = `stop-${randomUUID()}`;
      const leader = relay(producer, { name, stopGraceMs: 200 });
      const standbyProducer = new FakeProducer();
      const standby = relay(standbyProducer, { name });
      leader.start();
      await waitFor(() => (leader.role === 'leader' ? true : undefined), { what: 'a leader' });
      standby.start();
      await waitFor(() => producer.sends[0], { what: 'a send in flight' });

      await leader.stop();
      expect(leader.role).toBe('stopped');
      expect((await leader.status()).checkpoint).toBeNull();
      await waitFor(() => (standby.role === 'leader' ? true : undefined), {
        what: 'the standby to take over',
      });
      await waitFor(() => standbyProducer.sends[0], { what: 'the standby to re-send the batch' });
      expect(standbyProducer.sends[0]!.record.messages).toEqual(producer.sends[0]!.record.messages);
    });

    it('stops publishing when its lock connection is lost and leaves the checkpoint alone', async () => {
      const producer = new FakeProducer();
      const name = `zombie-${randomUUID()}`;
      // Its lead would end in a long backoff, so the standby gets the lock.
      const zombie = relay(producer, { name, reconnect: { initialMs: 60_000, maxMs: 60_000 } });
      const standbyProducer = new FakeProducer();
      const standby = relay(standbyProducer, { name });

      zombie.start();
      await waitFor(() => (zombie.role === 'leader' ? true : undefined), { what: 'a leader' });
      standby.start();
      const stuck = await waitFor(() => producer.sends[0], { what: 'a send in flight' });
      const { lockBackendPid, checkpoint, term } = await zombie.status();
      expect(checkpoint).toBeNull();

      await pool.query('SELECT pg_terminate_backend($1)', [lockBackendPid]);
      await waitFor(() => (zombie.role !== 'leader' ? true : undefined), {
        what: 'the zombie to step down',
      });
      expect((await zombie.status()).lastError?.message).toMatch(/lock/);

      // Its broker acknowledges late: too late, nothing moves on its account.
      stuck.resolve();
      await waitFor(() => (standby.role === 'leader' ? true : undefined), {
        what: 'the standby to take over',
      });
      const taken = await standby.status();
      expect(taken.term).toBe(term! + 1);
      expect(taken.leader).toBe(standby.instanceId);
      expect(producer.sends).toHaveLength(1);
      expect((await zombie.status()).publishedEvents).toBe(0);

      // The new leader starts again from the stored checkpoint: the whole log, the zombie's batch too.
      const all = await storedEvents(store, pool);
      await waitFor(
        async () => {
          for (const send of standbyProducer.sends.splice(0)) send.resolve();
          const status = await standby.status();
          return status.checkpoint === all[all.length - 1]!.position ? true : undefined;
        },
        { what: 'the new leader to publish everything' },
      );
      expect((await standby.status()).publishedEvents).toBe(all.length);
      expect(producer.sends).toHaveLength(1);
    });
  });
});
