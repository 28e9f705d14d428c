import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { fromKafkaMessage, TOPICS, type CloudEvent } from '@touchline/kafka';

/** One message as the consumer group received it. */
export interface Delivery {
  partition: number;
  offset: bigint;
  key: string | null;
  headers: Record<string, string>;
  value: Buffer | null;
  event: CloudEvent;
}

export interface JourneyInbox {
  readonly deliveries: Delivery[];
  /** Messages of this source that did not decode; a test fails on the first one. */
  readonly undecodable: string[];
  /** Distinct event ids received so far. */
  distinct(): number;
  /** Each event's first delivery, per partition in offset order. */
  firstDeliveries(): Delivery[];
  stop(): Promise<void>;
}

/**
 * A consumer group member on touchline.journey.v1 that keeps the messages of one ce_source (a
 * suite's mock cluster outlives its tests, which tell their events apart by source). Resolves once
 * the group has given it partitions, so what is published from then on is read live.
 */
export async function readJourney(kafka: Kafka, source: string): Promise<JourneyInbox> {
  const deliveries: Delivery[] = [];
  const undecodable: string[] = [];
  const ids = new Set<string>();
  // The mock holds a new group's join open for 3 s and each rebalance for the session timeout
  // minus 1 s: Kafka's minimum session timeout keeps that short.
  const consumer: Consumer = kafka.consumer({
    groupId: `relay-int-spec-${randomUUID()}`,
    heartbeatInterval: 300,
    sessionTimeout: 6_000,
    maxWaitTimeInMs: 100,
  });
  let joined: () => void = () => undefined;
  const join = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.journey, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) {
        if (value !== undefined) headers[name] = value.toString();
      }
      if (headers.ce_source !== source) return;
      const decoded = fromKafkaMessage(message);
      if (!decoded.ok) {
        undecodable.push(`${decoded.error.code}: ${decoded.error.message}`);
        return;
      }
      ids.add(decoded.event.id);
      deliveries.push({
        partition,
        offset: BigInt(message.offset),
        key: message.key === null ? null : message.key.toString('utf8'),
        headers,
        value: message.value,
        event: decoded.event,
      });
    },
  });
  await join;
  return {
    deliveries,
    undecodable,
    distinct: () => {
      if (undecodable.length > 0)
        throw new Error(`undecodable messages: ${undecodable.join('; ')}`);
      return ids.size;
    },
    firstDeliveries: () => {
      const seen = new Set<string>();
      return [...deliveries]
        .sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : 1))
        .filter((d) => !seen.has(d.event.id) && seen.add(d.event.id));
    },
    stop: () => consumer.disconnect(),
  };
}
