import type { RecordedEvent } from '@touchline/event-store';
import { fromKafkaMessage, recordedEventToCloudEvent, toBinaryMessage } from '../index';

const recorded: RecordedEvent = {
  streamId: 'customer-c-42',
  revision: 3,
  eventId: '0b7a4c1e-8d5f-4e0a-9f0e-3c1d2b4a5e6f',
  type: 'purchase',
  version: 2,
  data: { orderId: 'o-1', amount: 19.9 },
  metadata: { correlationId: 'r-1' },
  occurredAt: new Date('2024-03-01T10:15:00.000Z'),
  recordedAt: new Date('2024-03-01T10:15:02.500Z'),
  position: '981-1234',
  globalPosition: '1234',
  hash: null,
};

describe('recordedEventToCloudEvent', () => {
  it('maps a recorded event to the CloudEvent the relay publishes', () => {
    expect(recordedEventToCloudEvent(recorded, { source: '/touchline/relay' })).toEqual({
      specversion: '1.0',
      id: recorded.eventId,
      source: '/touchline/relay',
      type: 'purchase',
      time: '2024-03-01T10:15:00.000Z',
      subject: 'c-42',
      datacontenttype: 'application/json',
      data: { orderId: 'o-1', amount: 19.9 },
      extensions: {
        partitionkey: 'c-42',
        tlstream: 'customer-c-42',
        tlrevision: 3,
        tlposition: '981-1234',
        tlversion: 2,
      },
    });
  });

  it('falls back to the recorded time when the producer gave none', () => {
    const event = recordedEventToCloudEvent(
      { ...recorded, occurredAt: null },
      { source: '/touchline/relay' },
    );
    expect(event.time).toBe('2024-03-01T10:15:02.500Z');
  });

  it('keys the Kafka message by customer id and survives the binary round trip', () => {
    const event = recordedEventToCloudEvent(recorded, { source: '/touchline/relay' });
    const message = toBinaryMessage(event);
    expect(message.key).toBe('c-42');
    const decoded = fromKafkaMessage({ value: message.value, headers: message.headers });
    expect(decoded).toEqual({ ok: true, mode: 'binary', event });
  });
});
