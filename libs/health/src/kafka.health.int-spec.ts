import type { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import { loadConfig } from '@touchline/config';
import { KafkaInboundConsumer, type KafkaInboundStatus } from '@touchline/ingest';
import { RELAY } from '@touchline/relay';
import { describeWithKafka, startKafka, waitFor, type KafkaTestCluster } from '@touchline/testing';
import { KafkaHealthIndicator } from './kafka.health';

/** The kafka check against a broker that answers, then freezes, then comes back. */
describeWithKafka('KafkaHealthIndicator', () => {
  let cluster: KafkaTestCluster;
  let indicator: KafkaHealthIndicator;

  beforeAll(async () => {
    cluster = await startKafka();
    const config = { ...loadConfig({}), kafkaBrokers: cluster.brokers };
    // This process runs no relay: the check is about the brokers alone.
    const moduleRef = {
      get: () => {
        throw new Error('no relay here');
      },
    } as unknown as ModuleRef;
    indicator = new KafkaHealthIndicator(moduleRef, config, new HealthIndicatorService());
  });
  afterAll(async () => {
    await indicator?.onModuleDestroy();
    await cluster?.stop();
  });

  it('is not ready while this process leads the relay and cannot publish; a standby is', async () => {
    let relayStatus = {
      role: 'leader',
      lag: 40,
      consecutiveFailures: 3,
      lastError: null as unknown,
    };
    const moduleRef = {
      get: (token: unknown) => {
        if (token === RELAY) return { status: async () => relayStatus };
        throw new Error('no inbound consumer here');
      },
    } as unknown as ModuleRef;
    const config = { ...loadConfig({}), kafkaBrokers: cluster.brokers };
    const withRelay = new KafkaHealthIndicator(moduleRef, config, new HealthIndicatorService());
    try {
      relayStatus = {
        ...relayStatus,
        lastError: { message: 'KafkaJSNumberOfRetriesExceeded', at: new Date() },
      };
      const failing = await withRelay.check();
      expect(failing.kafka).toMatchObject({
        status: 'down',
        error: 'the relay cannot publish to Kafka',
        relay: { role: 'leader', lag: 40, consecutiveFailures: 3 },
      });
      relayStatus = { role: 'standby', lag: 40, consecutiveFailures: 0, lastError: null };
      expect((await withRelay.check()).kafka).toMatchObject({
        status: 'up',
        relay: { role: 'standby' },
      });
      relayStatus = { role: 'leader', lag: 0, consecutiveFailures: 1, lastError: null };
      expect((await withRelay.check()).kafka.status).toBe('up');
    } finally {
      await withRelay.onModuleDestroy();
    }
  });

  it("reports the inbound consumer's state in its details, and stays up whatever that state", async () => {
    let inbound: KafkaInboundStatus = {
      state: 'retrying',
      since: new Date('2026-11-23T18:00:01Z'),
      attempts: 2,
      lastError: { message: 'Connection timeout', at: new Date('2026-11-23T18:00:01Z') },
      retryAt: new Date('2026-11-23T18:00:03Z'),
    };
    const moduleRef = {
      get: (token: unknown) => {
        if (token === KafkaInboundConsumer) return { status: () => inbound };
        throw new Error('no relay here');
      },
    } as unknown as ModuleRef;
    const config = { ...loadConfig({}), kafkaBrokers: cluster.brokers };
    const withInbound = new KafkaHealthIndicator(moduleRef, config, new HealthIndicatorService());
    try {
      expect((await withInbound.check()).kafka).toEqual({
        status: 'up',
        brokers: expect.any(Number),
        inbound: {
          state: 'retrying',
          since: '2026-11-23T18:00:01.000Z',
          attempts: 2,
          lastError: 'Connection timeout',
          lastErrorAt: '2026-11-23T18:00:01.000Z',
          retryAt: '2026-11-23T18:00:03.000Z',
        },
      });
      inbound = {
        state: 'joined',
        since: new Date('2026-11-23T18:00:05Z'),
        attempts: 3,
        partitions: [0, 1, 2, 3],
        lastError: inbound.lastError,
      };
      expect((await withInbound.check()).kafka).toMatchObject({
        status: 'up',
        inbound: { state: 'joined', attempts: 3, partitions: [0, 1, 2, 3] },
      });
      // A process without Kafka configured for it reports nothing about the consumer.
      inbound = { state: 'disabled', since: new Date(), attempts: 0 };
      expect((await withInbound.check()).kafka).not.toHaveProperty('inbound');
    } finally {
      await withInbound.onModuleDestroy();
    }
  });

  it('is up while a broker answers, down within its deadline when none does, up again after', async () => {
    expect(indicator.configured).toBe(true);
    const up = await indicator.check();
    expect(up.kafka).toMatchObject({ status: 'up' });
    expect((up.kafka as { brokers: number }).brokers).toBeGreaterThan(0);
    expect(up.kafka).not.toHaveProperty('relay');

    if (cluster.kind !== 'mock') return; // an external cluster cannot be frozen from here
    cluster.pause();
    try {
      // Every check answers within its deadline; the first after the freeze may still be served
      // by a connection's answer already on its way, so the check is asked until it says down.
      const down = await waitFor(
        async () => {
          const started = Date.now();
          const result = await indicator.check();
          expect(Date.now() - started).toBeLessThan(5_000);
          return result.kafka.status === 'down' ? result : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 100, what: 'the kafka check to be down' },
      );
      expect(typeof (down.kafka as { error: unknown }).error).toBe('string');
    } finally {
      cluster.resume();
    }
    await waitFor(
      async () => ((await indicator.check()).kafka.status === 'up' ? true : undefined),
      {
        timeoutMs: 30_000,
        intervalMs: 250,
        what: 'the kafka check to be up again',
      },
    );
  });
});
