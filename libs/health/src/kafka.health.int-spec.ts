import type { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import { loadConfig } from '@touchline/config';
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
      get: () => ({ status: async () => relayStatus }),
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
