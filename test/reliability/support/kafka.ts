import { createKafka, createProducer, TOPICS } from '@touchline/kafka';
import { waitFor } from '@touchline/testing';
import type { IHeaders, Kafka, Producer } from 'kafkajs';
import type { Random } from './random';
import { touchpoint, type Touchpoint } from './touchpoints';

export interface InboundProducer {
  /** Valid touchpoints whose send was acknowledged by the brokers (acks -1). */
  readonly valid: Touchpoint[];
  /** Malformed messages acknowledged by the brokers: each must reach the dead-letter topic. */
  malformed: number;
  send(count: number, customerIds: readonly string[], malformedShare?: number): Promise<void>;
  close(): Promise<void>;
}

export function kafkaClient(brokers: string[], clientId: string): Kafka {
  return createKafka({ brokers, clientId, connectionTimeout: 3_000, requestTimeout: 10_000 });
}

/** Messages of touchline.inbound.v1 that the consumer must dead-letter, one of each kind. */
export function malformedMessage(
  random: Random,
  customerId: string,
): { key: string; value: string | null; headers?: IHeaders } {
  const valid = touchpoint(random, customerId, 'rel-kafka');
  switch (random.int(0, 4)) {
    case 0:
      return { key: customerId, value: `{"eventId": "${valid.eventId}", ` }; // truncated JSON
    case 1: {
      const { eventId: _id, ...withoutId } = valid; // plain JSON needs its own eventId
      return { key: customerId, value: JSON.stringify(withoutId) };
    }
    case 2:
      return { key: customerId, value: JSON.stringify({ ...valid, channel: 'carrier-pigeon' }) };
    case 3: // binary CloudEvent without ce_id
      return {
        key: customerId,
        value: JSON.stringify(valid.data),
        headers: {
          ce_specversion: '1.0',
          ce_source: 'rel-kafka',
          ce_type: valid.type,
          ce_subject: customerId,
          'content-type': 'application/json',
        },
      };
    default:
      return { key: customerId, value: null }; // a tombstone: no value at all
  }
}

/**
 * A producer to touchline.inbound.v1 (plain JSON touchpoints keyed by customer id) that counts
 * only what the brokers acknowledged: those messages must all be stored or dead-lettered.
 */
export async function inboundProducer(brokers: string[], random: Random): Promise<InboundProducer> {
  const producer: Producer = createProducer(kafkaClient(brokers, 'rel-inbound-producer'));
  await producer.connect();
  const state: InboundProducer = {
    valid: [],
    malformed: 0,
    async send(count, customerIds, malformedShare = 0) {
      const valid: Touchpoint[] = [];
      let malformed = 0;
      const messages = Array.from({ length: count }, () => {
        const customerId = random.pick(customerIds);
        if (random.chance(malformedShare)) {
          malformed += 1;
          return malformedMessage(random, customerId);
        }
        const t = touchpoint(random, customerId, 'rel-kafka');
        valid.push(t);
        return { key: customerId, value: JSON.stringify(t) };
      });
      await producer.send({ topic: TOPICS.inbound, acks: -1, messages });
      state.valid.push(...valid);
      state.malformed += malformed;
    },
    close: () => producer.disconnect(),
  };
  return state;
}

/**
 * Reads a topic from the beginning with a fresh consumer group until `done(messages)` holds.
 * The kcat mock holds a new group's join for 3 s: expect that much before the first message.
 */
export async function readTopic<T>(
  brokers: string[],
  topic: string,
  done: (
    messages: {
      key: string | null;
      value: string | null;
      headers: IHeaders;
      partition: number;
      offset: string;
    }[],
  ) => T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const consumer = kafkaClient(brokers, 'rel-reader').consumer({
    groupId: `rel-reader-${topic}-${Date.now()}-${Math.random().toString(16).slice(2)}`,
    sessionTimeout: 6_000,
  });
  const messages: Parameters<typeof done>[0] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        messages.push({
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: message.headers ?? {},
          partition,
          offset: message.offset,
        });
      },
    });
    return await waitFor(() => done(messages), {
      timeoutMs,
      intervalMs: 200,
      what: `the expected messages in ${topic} (${messages.length} read so far)`,
    });
  } finally {
    await consumer.disconnect();
  }
}

/** Distinct dead letters (the DLQ is at-least-once: copies share the original's offset). */
export function distinctDeadLetters(messages: { headers: IHeaders }[]): Map<string, string> {
  const byOrigin = new Map<string, string>();
  for (const m of messages) {
    const h = (name: string) => m.headers[name]?.toString() ?? '';
    byOrigin.set(`${h('tl_dlq_partition')}/${h('tl_dlq_offset')}`, h('tl_dlq_reason'));
  }
  return byOrigin;
}
