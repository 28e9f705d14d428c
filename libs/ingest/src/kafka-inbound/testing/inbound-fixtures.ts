import { randomUUID } from 'node:crypto';
import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import {
  toBinaryMessage,
  toStructuredMessage,
  type CloudEvent,
  type OutgoingKafkaMessage,
} from '@touchline/kafka';
import { touchpointExample, type Touchpoint } from '@touchline/touchpoints';
import { waitFor } from '@touchline/testing';

/** Settings that suit the kcat mock cluster (see libs/testing): short sessions, quick fetches. */
export const MOCK_FRIENDLY_CONSUMER = {
  sessionTimeout: 6_000,
  heartbeatInterval: 300,
  maxWaitTimeInMs: 100,
} as const;

/** A valid survey.nps touchpoint of `customerId`, with a fresh eventId. */
export function npsTouchpoint(customerId: string, score = 9): Touchpoint {
  const example = touchpointExample('survey.nps');
  return {
    ...example,
    eventId: randomUUID(),
    customerId,
    occurredAt: '2025-04-02T12:00:00.000Z',
    data: { score, surveyId: 'nps-2026-q2' },
    metadata: { source: 'survey-tool', correlationId: `corr-${customerId}` },
  } as Touchpoint;
}

/** The CloudEvent a producer would send for `t` (id = eventId unless given). */
export function cloudEventOf(t: Touchpoint, id: string = t.eventId): CloudEvent {
  const extensions: CloudEvent['extensions'] = { tlchannel: t.channel };
  if (t.customerId !== undefined) extensions.partitionkey = t.customerId;
  if (t.anonymousId !== undefined) extensions.tlanonymousid = t.anonymousId;
  if (t.sentiment !== undefined) extensions.tlsentiment = String(t.sentiment);
  if (t.metadata.correlationId !== undefined) extensions.tlcorrelationid = t.metadata.correlationId;
  if (t.metadata.causationId !== undefined) extensions.tlcausationid = t.metadata.causationId;
  return {
    specversion: '1.0',
    id,
    source: t.metadata.source,
    type: t.type,
    time: t.occurredAt,
    subject: t.customerId,
    datacontenttype: 'application/json',
    data: t.data as unknown as CloudEvent['data'],
    extensions,
  };
}

export const asBinary = (t: Touchpoint, id?: string): OutgoingKafkaMessage =>
  toBinaryMessage(cloudEventOf(t, id));
export const asStructured = (t: Touchpoint, id?: string): OutgoingKafkaMessage =>
  toStructuredMessage(cloudEventOf(t, id));
export const asJson = (t: Touchpoint): OutgoingKafkaMessage => ({
  key: t.customerId ?? null,
  value: Buffer.from(JSON.stringify(t)),
  headers: { 'content-type': 'application/json' },
});

export interface ReadMessage {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** Reads `topic` from the beginning with a fresh group until `done` holds for what was read. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  done: (messages: ReadMessage[]) => boolean,
  what: string,
): Promise<ReadMessage[]> {
  const consumer: Consumer = kafka.consumer({
    groupId: `inbound-int-spec-reader-${randomUUID()}`,
    ...MOCK_FRIENDLY_CONSUMER,
  });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push({
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
        });
      },
    });
    await waitFor(() => (done(messages) ? true : undefined), { what, timeoutMs: 60_000 });
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

export const headerText = (headers: IHeaders, name: string): string | undefined => {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.toString('utf8');
};
