import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaAvailability, startKafka } from './kafka-mock-cluster';

describe('kafkaAvailability', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'touchline-kcat-'));
    writeFileSync(join(dir, 'kcat'), '#!/bin/sh\n');
    chmodSync(join(dir, 'kcat'), 0o755);
    writeFileSync(join(dir, 'not-executable'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prefers external brokers', () => {
    expect(kafkaAvailability({ KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092', PATH: dir })).toEqual({
      available: true,
      kind: 'external',
    });
  });

  it('falls back to the kcat mock when kcat is an executable on PATH', () => {
    expect(kafkaAvailability({ PATH: `/nonexistent:${dir}` })).toEqual({
      available: true,
      kind: 'mock',
    });
    expect(kafkaAvailability({ KAFKA_BROKERS: ' ', PATH: dir })).toEqual({
      available: true,
      kind: 'mock',
    });
  });

  it('says why when there is neither', () => {
    expect(kafkaAvailability({ PATH: '/nonexistent' })).toEqual({
      available: false,
      reason: 'no KAFKA_BROKERS and no kcat (apt-get install kcat)',
    });
  });
});

describe('startKafka with KAFKA_BROKERS', () => {
  const saved = process.env.KAFKA_BROKERS;
  afterEach(() => {
    if (saved === undefined) delete process.env.KAFKA_BROKERS;
    else process.env.KAFKA_BROKERS = saved;
  });

  it('uses the given brokers and refuses to pause brokers it does not own', async () => {
    process.env.KAFKA_BROKERS = 'kafka-1:9092,kafka-2:9092';
    const kafka = await startKafka();
    expect(kafka.kind).toBe('external');
    expect(kafka.brokers).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(() => kafka.pause()).toThrow(/not supported/);
    expect(() => kafka.resume()).toThrow(/not supported/);
    await expect(kafka.stop()).resolves.toBeUndefined();
  });
});
