import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import {
  describeWithKafka,
  kafkaAvailability,
  startKafka,
  waitFor,
  type KafkaTestCluster,
} from '@touchline/testing';
import {
  createKafka,
  createProducer,
  fromKafkaMessage,
  toBinaryMessage,
  TOPICS,
  type CloudEvent,
} from './index';

const CUSTOMERS = 10;
const MESSAGES = 200;

interface Delivery {
  member: string;
  partition: number;
  key: string | null;
  event: CloudEvent;
}

/** What the members of one group received; `undecodable` fails the wait at once. */
interface Inbox {
  deliveries: Delivery[];
  undecodable: string[];
}

const inbox = (): Inbox => ({ deliveries: [], undecodable: [] });

/** 200 journey events for 10 customers, each customer's in revision order 0..19. */
function journey(source: string): CloudEvent[] {
  return Array.from({ length: MESSAGES }, (_, i) => {
    const customer = `c-${i % CUSTOMERS}`;
    const revision = Math.floor(i / CUSTOMERS);
    return {
      specversion: '1.0',
      id: `${source}/${i}`,
      source,
      type: 'visit',
      subject: customer,
      datacontenttype: 'application/json',
      data: { i },
      extensions: {
        partitionkey: customer,
        tlstream: `customer-${customer}`,
        tlrevision: revision,
      },
    };
  });
}

/*
 * librdkafka's mock coordinator (2.0.2) sometimes never settles a two-member rebalance when the
 * machine is loaded by parallel suites (seen twice in full CI runs; the file alone passes every
 * time). That is the mock, not touchline: one retry, with the first failure logged.
 */
jest.retryTimes(1, { logErrorsBeforeRetry: true });

const availability = kafkaAvailability();
const mockOnly = (name: string, fn: jest.ProvidesCallback): void =>
  availability.available && availability.kind === 'mock'
    ? it(name, fn)
    : it.skip(`${name} — skipped: needs the kcat mock, whose brokers it can freeze`, fn);

describeWithKafka('Kafka: CloudEvents through touchline.journey.v1', () => {
  let cluster: KafkaTestCluster;
  let kafka: Kafka;
  let partitionCount: number;
  const open: Array<Producer | Consumer> = [];

  beforeAll(async () => {
    cluster = await startKafka();
    kafka = createKafka({ brokers: cluster.brokers, clientId: 'kafka-int-spec' });
    const admin = kafka.admin();
    await admin.connect();
    try {
      // The mock cannot create topics (no controller) and auto-creates them with 4 partitions. A
      // real cluster may have the topic already, or create it on first use; if neither, the
      // metadata request below says so.
      if (cluster.kind === 'external') {
        await admin
          .createTopics({
            topics: [{ topic: TOPICS.journey, numPartitions: 4 }],
            waitForLeaders: true,
          })
          .catch(() => undefined);
      }
      const { topics } = await admin.fetchTopicMetadata({ topics: [TOPICS.journey] });
      partitionCount = topics[0]!.partitions.length;
    } finally {
      await admin.disconnect();
    }
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((client) => client.disconnect()));
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  async function producer(client: Kafka = kafka): Promise<Producer> {
    const p = createProducer(client, { idempotent: false });
    open.push(p);
    await p.connect();
    return p;
  }

  async function send(p: Producer, events: CloudEvent[]): Promise<void> {
    await p.send({ topic: TOPICS.journey, acks: -1, messages: events.map(toBinaryMessage) });
  }

  /** Joins `groupId` and records every delivery of an event from `source` (older runs share the topic). */
  async function member(groupId: string, name: string, source: string, received: Inbox) {
    // The mock holds each rebalance open for the session timeout minus 1 s: keep it at Kafka's minimum.
    const consumer = kafka.consumer({
      groupId,
      heartbeatInterval: 300,
      sessionTimeout: 6_000,
      maxWaitTimeInMs: 100,
    });
    open.push(consumer);
    const assignment: { partitions: number[] | undefined } = { partitions: undefined };
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      assignment.partitions = payload.memberAssignment[TOPICS.journey] ?? [];
    });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.journey, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const decoded = fromKafkaMessage(message);
        if (!decoded.ok) {
          received.undecodable.push(`${decoded.error.code}: ${decoded.error.message}`);
        } else if (decoded.event.source === source) {
          received.deliveries.push({
            member: name,
            partition,
            key: keyOf(message),
            event: decoded.event,
          });
        }
      },
    });
    return assignment;
  }

  const distinctIds = (deliveries: Delivery[]) => new Set(deliveries.map((d) => d.event.id)).size;
  const allDelivered = (received: Inbox) => () => {
    if (received.undecodable.length > 0) {
      throw new Error(`undecodable messages: ${received.undecodable.join('; ')}`);
    }
    return distinctIds(received.deliveries) >= MESSAGES ? true : undefined;
  };

  it('delivers 200 keyed events to a consumer group, each customer in order on one partition', async () => {
    const source = `/touchline/int-spec/${randomUUID()}`;
    const events = journey(source);
    const p = await producer();
    for (let batch = 0; batch < MESSAGES; batch += 20) {
      await send(p, events.slice(batch, batch + 20));
    }

    const received = inbox();
    await member(`int-spec-order-${randomUUID()}`, 'only', source, received);
    await waitFor(allDelivered(received), { what: '200 events through the consumer group' });

    expect(received.deliveries).toHaveLength(MESSAGES);
    for (let c = 0; c < CUSTOMERS; c++) {
      const mine = received.deliveries.filter((d) => d.event.subject === `c-${c}`);
      expect(mine.map((d) => d.event.extensions.tlrevision)).toEqual(
        Array.from({ length: 20 }, (_, r) => r),
      );
      expect(new Set(mine.map((d) => d.partition)).size).toBe(1);
      expect(new Set(mine.map((d) => d.key))).toEqual(new Set([`c-${c}`]));
    }
    // A received event is the sent one, attributes, extensions and data alike.
    const byId = new Map(events.map((e) => [e.id, e]));
    for (const d of received.deliveries) expect(d.event).toEqual(byId.get(d.event.id));
  });

  it('splits the partitions between two members of a group, which together see every event', async () => {
    if (cluster.kind === 'mock') expect(partitionCount).toBe(4);
    const source = `/touchline/int-spec/${randomUUID()}`;
    const groupId = `int-spec-group-${randomUUID()}`;
    const received = inbox();
    const a = await member(groupId, 'a', source, received);
    await waitFor(() => a.partitions, { what: 'the first member to join' });
    const b = await member(groupId, 'b', source, received);
    // The first member holds everything until the second one's arrival makes the group rebalance.
    await waitFor(
      () => {
        const [pa, pb] = [a.partitions ?? [], b.partitions ?? []];
        const union = new Set([...pa, ...pb]);
        const settled = pa.length > 0 && pb.length > 0 && union.size === pa.length + pb.length;
        return settled && union.size === partitionCount ? true : undefined;
      },
      // The mock holds each rebalance phase for a fixed time, longer on a loaded machine.
      { what: 'the group to rebalance over both members', timeoutMs: 60_000 },
    );

    const p = await producer();
    const events = journey(source);
    for (let batch = 0; batch < MESSAGES; batch += 50) {
      await send(p, events.slice(batch, batch + 50));
    }
    await waitFor(allDelivered(received), { what: 'both members together to see 200 events' });

    expect(received.deliveries).toHaveLength(MESSAGES);
    for (const [name, assignment] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const own = received.deliveries.filter((d) => d.member === name);
      expect(own.length).toBeGreaterThan(0);
      for (const d of own) expect(assignment.partitions).toContain(d.partition);
    }
  }, 180_000);

  mockOnly(
    'rides out a broker outage: after resume the producer retries deliver everything',
    async () => {
      const source = `/touchline/int-spec/${randomUUID()}`;
      const events = journey(source);
      // Short request timeouts so the outage is noticed quickly; retries outlast it.
      const impatient = createKafka({
        brokers: cluster.brokers,
        clientId: 'kafka-int-spec-outage',
        requestTimeout: 1_000,
        retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 30 },
      });
      const p = await producer(impatient);
      let timeouts = 0;
      p.on(p.events.REQUEST_TIMEOUT, () => {
        timeouts += 1;
      });

      for (let batch = 0; batch < MESSAGES / 2; batch += 10) {
        await send(p, events.slice(batch, batch + 10));
      }
      cluster.pause();
      const inFlight: Array<Promise<void>> = [];
      try {
        for (let batch = MESSAGES / 2; batch < MESSAGES; batch += 10) {
          inFlight.push(send(p, events.slice(batch, batch + 10)));
        }
        await waitFor(() => (timeouts > 0 ? true : undefined), {
          what: 'the producer to notice the outage',
        });
      } finally {
        cluster.resume();
      }
      await Promise.all(inFlight);

      const received = inbox();
      await member(`int-spec-outage-${randomUUID()}`, 'only', source, received);
      await waitFor(allDelivered(received), { what: 'every event sent across the outage' });
      expect(distinctIds(received.deliveries)).toBe(MESSAGES);
      // At-least-once: requests the frozen brokers had queued are answered late and retried too.
      expect(received.deliveries.length).toBeGreaterThanOrEqual(MESSAGES);
    },
  );
});

function keyOf(message: KafkaMessage): string | null {
  return message.key === null ? null : message.key.toString('utf8');
}
