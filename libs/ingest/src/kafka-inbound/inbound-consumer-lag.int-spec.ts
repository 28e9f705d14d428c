import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { createKafka, createProducer, TOPICS } from '@touchline/kafka';
import { describeWithKafka, startKafka, waitFor, type KafkaTestCluster } from '@touchline/testing';
import type { RecordedTouchpoint } from '../commands/record-touchpoints/record-touchpoints.command';
import { InboundConsumer } from './inbound-consumer';
import { asJson, MOCK_FRIENDLY_CONSUMER, npsTouchpoint } from './testing/inbound-fixtures';

/** The consumer group's lag, as /metrics reports it: what is produced and not yet committed. */
describeWithKafka('InboundConsumer.lag()', () => {
  let cluster: KafkaTestCluster;
  let producer: Producer;
  let consumer: InboundConsumer | undefined;

  beforeAll(async () => {
    cluster = await startKafka();
    producer = createProducer(createKafka({ brokers: cluster.brokers, clientId: 'lag-spec' }), {
      idempotent: false,
    });
    await producer.connect();
  });
  afterAll(async () => {
    await consumer?.stop();
    await producer?.disconnect();
    await cluster?.stop();
  });

  it('counts the messages the group has not committed, per partition, down to 0', async () => {
    const topic = `${TOPICS.inbound}.lag-${randomUUID()}`;
    const customers = Array.from({ length: 12 }, () => `c-${randomUUID()}`);
    await producer.send({
      topic,
      acks: -1,
      messages: customers.map((c) => asJson(npsTouchpoint(c))),
    });

    // Recording is held until released: nothing is committed meanwhile.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    consumer = new InboundConsumer({
      brokers: cluster.brokers,
      topic,
      deadLetterTopic: `${topic}.dlq`,
      groupId: `lag-spec-${randomUUID()}`,
      consumer: MOCK_FRIENDLY_CONSUMER,
      record: async (touchpoints) => {
        await released;
        return touchpoints.map((t, i): RecordedTouchpoint => ({
          eventId: t.eventId,
          status: 'appended',
          stream: `customer-${t.customerId}`,
          revision: 0,
          position: `1-${i}`,
        }));
      },
    });
    expect(await consumer.lag()).toEqual([]); // not started: no client to ask
    await consumer.start();

    const total = (lags: { lag: number }[]) => lags.reduce((n, p) => n + p.lag, 0);
    const before = await consumer.lag();
    expect(total(before)).toBe(customers.length);
    expect(before.every((p) => Number.isInteger(p.partition) && p.lag >= 0)).toBe(true);

    release();
    await waitFor(async () => (total(await consumer!.lag()) === 0 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'the group to commit every message',
    });
  });
});
