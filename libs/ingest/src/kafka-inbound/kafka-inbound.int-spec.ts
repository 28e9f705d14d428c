import { openPersonalDataVault, TEST_MASTER_KEYS } from '@touchline/privacy';
import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import type { Kafka, Producer, RecordMetadata } from 'kafkajs';
import { ConfigModule, loadConfig } from '@touchline/config';
import { DATABASE, DatabaseModule } from '@touchline/database';
import {
  EventStoreModule,
  EventStoreUnavailableError,
  PostgresEventStore,
  type EventStore,
} from '@touchline/event-store';
import { createKafka, createProducer, TOPICS, type OutgoingKafkaMessage } from '@touchline/kafka';
import {
  createTestDatabase,
  describeWithKafka,
  startKafka,
  waitFor,
  type KafkaTestCluster,
  type TestDatabase,
} from '@touchline/testing';
import type { Touchpoint } from '@touchline/touchpoints';
import { RecordTouchpointsCommand } from '../commands/record-touchpoints/record-touchpoints.command';
import { RecordTouchpointsHandler } from '../commands/record-touchpoints/record-touchpoints.handler';
import { IngestModule } from '../ingest.module';
import { DEAD_LETTER_HEADERS } from './dead-letter';
import type { RecordTouchpoints } from './inbound-batch.processor';
import { InboundConsumer } from './inbound-consumer';
import { KAFKA_INBOUND_OPTIONS, KafkaInboundConsumer } from './kafka-inbound.consumer';
import { eventIdForCloudEvent } from './stable-event-id';
import {
  asBinary,
  asJson,
  asStructured,
  headerText,
  MOCK_FRIENDLY_CONSUMER,
  npsTouchpoint,
  readTopic,
} from './testing/inbound-fixtures';

describeWithKafka('Kafka inbound: touchline.inbound.v1 into the event store', () => {
  let cluster: KafkaTestCluster;
  let kafka: Kafka;
  let producer: Producer;
  let db: TestDatabase;
  let store: EventStore;
  let record: RecordTouchpoints;
  const running: InboundConsumer[] = [];

  beforeAll(async () => {
    [cluster, db] = await Promise.all([startKafka(), createTestDatabase()]);
    await PostgresEventStore.migrate(db.pool);
    store = new PostgresEventStore(db.pool);
    const { vault } = await openPersonalDataVault(db.pool, TEST_MASTER_KEYS);
    const handler = new RecordTouchpointsHandler(store, vault);
    record = (touchpoints) => handler.execute(new RecordTouchpointsCommand(touchpoints));
    kafka = createKafka({ brokers: cluster.brokers, clientId: 'inbound-int-spec' });
    producer = createProducer(kafka, { idempotent: false });
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop()));
  });

  afterAll(async () => {
    await producer?.disconnect();
    await store?.close();
    await db?.destroy();
    await cluster?.stop();
  });

  /** Fresh topics per test: a group reading from the beginning sees only this test's messages. */
  function topics() {
    const topic = `${TOPICS.inbound}.it-${randomUUID()}`;
    return { topic, deadLetterTopic: `${topic}.dlq` };
  }

  async function produce(topic: string, messages: OutgoingKafkaMessage[]) {
    return producer.send({ topic, acks: -1, messages });
  }

  async function consume(
    t: { topic: string; deadLetterTopic: string },
    recordWith: RecordTouchpoints = record,
  ): Promise<InboundConsumer> {
    const consumer = new InboundConsumer({
      brokers: cluster.brokers,
      record: recordWith,
      groupId: `inbound-int-spec-${randomUUID()}`,
      ...t,
      consumer: MOCK_FRIENDLY_CONSUMER,
      backoff: { initialMs: 50, maxMs: 500 },
    });
    running.push(consumer);
    await consumer.start();
    return consumer;
  }

  async function streamOf(customerId: string) {
    return store.readStream(`customer-${customerId}`);
  }

  async function waitForStream(customerId: string, count: number) {
    return waitFor(
      async () => {
        const events = await streamOf(customerId);
        return events.length >= count ? events : undefined;
      },
      { what: `${count} events in customer-${customerId}`, timeoutMs: 60_000 },
    );
  }

  /** The stored form of a touchpoint (what toEventToAppend writes). */
  function stored(t: Touchpoint, eventId = t.eventId) {
    return {
      eventId,
      type: t.type,
      data: t.data,
      metadata: {
        channel: t.channel,
        customerId: t.customerId,
        source: t.metadata.source,
        correlationId: t.metadata.correlationId,
      },
      occurredAt: new Date(t.occurredAt),
    };
  }

  it('appends binary and structured CloudEvents and plain JSON touchpoints to their streams', async () => {
    const t = topics();
    const customer = `c-${randomUUID().slice(0, 8)}`;
    const [binary, structured, json, derived] = [1, 2, 3, 4].map((s) => npsTouchpoint(customer, s));
    await produce(t.topic, [
      asBinary(binary!),
      asStructured(structured!),
      asJson(json!),
      asBinary(derived!, 'survey-reply-77'),
    ]);
    await consume(t);

    const events = await waitForStream(customer, 4);
    const derivedId = eventIdForCloudEvent(derived!.metadata.source, 'survey-reply-77');
    expect(events.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
    expect(events).toMatchObject([
      stored(binary!),
      stored(structured!),
      stored(json!),
      stored(derived!, derivedId),
    ]);
  }, 120_000);

  it('dead-letters invalid messages with the reason and their coordinates, and appends the valid ones around them', async () => {
    const t = topics();
    const customer = `c-${randomUUID().slice(0, 8)}`;
    const valid = [0, 1, 2, 3].map((s) => npsTouchpoint(customer, s));
    const noEventId: Record<string, unknown> = { ...npsTouchpoint(customer) };
    delete noEventId.eventId;
    const conflicting = { ...valid[0]!, data: { score: 10, surveyId: 'other' } } as Touchpoint;
    const key = customer;
    // One key: one partition, so each message's offset is the base offset plus its index.
    const messages: Array<{ message: OutgoingKafkaMessage; reason?: string; path?: string }> = [
      { message: asBinary(valid[0]!) },
      {
        message: { key, value: Buffer.from('{"eventId": oops'), headers: {} },
        reason: 'undecodable',
      },
      {
        message: {
          key,
          value: Buffer.from('{}'),
          headers: { ce_specversion: '1.0', ce_id: 'x-1', ce_type: 'purchase', trace: 'keep-me' },
        },
        reason: 'invalid_cloudevent',
        path: 'source',
      },
      { message: asJson(valid[1]!) },
      {
        message: asStructured({
          ...npsTouchpoint(customer),
          type: 'visit',
        } as unknown as Touchpoint),
        reason: 'invalid_touchpoint',
        path: 'type',
      },
      {
        message: asJson({ ...npsTouchpoint(customer), data: { score: 11 } } as Touchpoint),
        reason: 'invalid_touchpoint',
        path: 'data.score',
      },
      {
        message: { key, value: Buffer.from(JSON.stringify(noEventId)), headers: {} },
        reason: 'invalid_touchpoint',
        path: 'eventId',
      },
      { message: { key, value: null, headers: {} }, reason: 'undecodable' },
      { message: asStructured(valid[2]!) },
      { message: asBinary(conflicting), reason: 'event_id_conflict', path: 'id' },
      { message: asBinary(valid[3]!) },
    ];
    for (const m of messages) m.message.key = key;
    const [sent] = (await produce(
      t.topic,
      messages.map((m) => m.message),
    )) as RecordMetadata[];
    const base = BigInt(sent!.baseOffset!);
    await consume(t);

    const invalid = messages.filter((m) => m.reason !== undefined);
    const dead = await readTopic(
      kafka,
      t.deadLetterTopic,
      (read) => read.length >= invalid.length,
      'the dead letters',
    );
    const events = await streamOf(customer);
    expect(events.map((e) => e.eventId)).toEqual(valid.map((v) => v.eventId));
    expect(events[0]!.data).toEqual(valid[0]!.data);

    expect(dead).toHaveLength(invalid.length);
    const byOffset = new Map(
      dead.map((d) => [headerText(d.headers, DEAD_LETTER_HEADERS.offset), d]),
    );
    messages.forEach((m, i) => {
      if (m.reason === undefined) return;
      const d = byOffset.get(String(base + BigInt(i)));
      expect(d).toBeDefined();
      const h = (name: string) => headerText(d!.headers, name);
      expect(h(DEAD_LETTER_HEADERS.reason)).toBe(m.reason);
      expect(h(DEAD_LETTER_HEADERS.topic)).toBe(t.topic);
      expect(h(DEAD_LETTER_HEADERS.partition)).toBe(String(sent!.partition));
      const errors = JSON.parse(h(DEAD_LETTER_HEADERS.errors)!) as Array<{ path: string }>;
      expect(errors.length).toBeGreaterThan(0);
      if (m.path !== undefined) expect(errors.map((e) => e.path)).toContain(m.path);
      // The original message, untouched.
      expect(d!.key?.toString()).toBe(key);
      expect(d!.value).toEqual(m.message.value);
      for (const [name, value] of Object.entries(m.message.headers)) {
        expect(headerText(d!.headers, name)).toBe(value);
      }
    });
    const conflict = byOffset.get(String(base + 9n))!;
    expect(headerText(conflict.headers, DEAD_LETTER_HEADERS.eventId)).toBe(valid[0]!.eventId);
  }, 120_000);

  it('does not dead-letter while the store is unavailable: the partition waits and retries', async () => {
    const t = topics();
    const customer = `c-${randomUUID().slice(0, 8)}`;
    const touchpoints = [1, 2, 3].map((s) => npsTouchpoint(customer, s));
    let failures = 0;
    await produce(
      t.topic,
      touchpoints.map((tp) => asJson(tp)),
    );
    await consume(t, async (batch) => {
      if (failures < 3) {
        failures++;
        throw new EventStoreUnavailableError('the store is down (simulated)');
      }
      return record(batch);
    });

    const events = await waitForStream(customer, 3);
    expect(failures).toBe(3);
    expect(events.map((e) => e.eventId)).toEqual(touchpoints.map((tp) => tp.eventId));
    // Nothing went to the dead-letter topic: a marker produced there is the first message read.
    await produce(t.deadLetterTopic, [{ key: null, value: Buffer.from('marker'), headers: {} }]);
    const dead = await readTopic(kafka, t.deadLetterTopic, (r) => r.length >= 1, 'the marker');
    expect(dead.map((d) => d.value?.toString())).toEqual(['marker']);
  }, 120_000);

  it('runs in Nest when KAFKA_BROKERS is configured, through the record command', async () => {
    const config = loadConfig({
      DATABASE_URL: db.url,
      KAFKA_BROKERS: cluster.brokers.join(','),
      TOUCHLINE_API_KEYS: 'int-spec:int-spec-secret-0123456789:admin',
      TOUCHLINE_MASTER_KEYS: `test-master:${Buffer.alloc(32, 7).toString('base64')}`,
    });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config), DatabaseModule, EventStoreModule, IngestModule],
    })
      // The suite's database stays open for the suite; Nest must not close it.
      .overrideProvider(DATABASE)
      .useValue({ ...db, close: async () => undefined })
      .overrideProvider(KAFKA_INBOUND_OPTIONS)
      .useValue({
        groupId: `inbound-int-spec-nest-${randomUUID()}`,
        consumer: MOCK_FRIENDLY_CONSUMER,
      })
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const inbound = app.get(KafkaInboundConsumer);
    try {
      // The consumer joins its group in the background: init does not wait for Kafka.
      await waitFor(() => (inbound.status().state === 'joined' ? true : undefined), {
        timeoutMs: 60_000,
        what: 'the inbound consumer to join its group',
      });
      // The only member of its group: every partition of the topic is its own.
      expect(inbound.status().attempts).toBe(1);
      expect(inbound.status().partitions?.length).toBeGreaterThan(0);
      const customer = `c-${randomUUID().slice(0, 8)}`;
      const touchpoint = npsTouchpoint(customer);
      await produce(TOPICS.inbound, [asBinary(touchpoint)]);
      const [event] = await waitForStream(customer, 1);
      expect(event).toMatchObject(stored(touchpoint));
    } finally {
      await app.close();
    }
    expect(inbound.status().state).toBe('stopped');
  }, 120_000);
});
