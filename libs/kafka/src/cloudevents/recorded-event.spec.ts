import type { RecordedEvent } from '@touchline/event-store';
import {
  cloudEventToRecordedEvent,
  fromKafkaMessage,
  recordedEventToCloudEvent,
  toBinaryMessage,
} from '../index';

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
        tlrecordedat: '2024-03-01T10:15:02.500Z',
        tloccurredat: '2024-03-01T10:15:00.000Z',
        tlmetadata: '{"correlationId":"r-1"}',
        tlglobalposition: '1234',
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

  it('gives a consumer back every field of the stored event', () => {
    const variants: RecordedEvent[] = [
      recorded,
      { ...recorded, occurredAt: null, hash: 'ab'.repeat(32) },
      { ...recorded, occurredAt: recorded.recordedAt, metadata: {} },
      { ...recorded, personal: { keyId: 'dk-1', ciphertext: Buffer.from([0, 1, 254, 255, 7]) } },
      { ...recorded, metadata: { note: 'tab\t, quote " and C1 \u0085', nested: { a: [1, null] } } },
    ];
    for (const event of variants) {
      const message = toBinaryMessage(recordedEventToCloudEvent(event, { source: '/touchline' }));
      const decoded = fromKafkaMessage({ value: message.value, headers: message.headers });
      if (!decoded.ok) throw new Error(decoded.error.message);
      expect(cloudEventToRecordedEvent(decoded.event)).toEqual({ ok: true, event });
    }
  });

  it('reads messages published before the recorded time and metadata were carried', () => {
    const event = recordedEventToCloudEvent(recorded, { source: '/touchline' });
    const { tlrecordedat, tloccurredat, tlmetadata, tlglobalposition, ...older } = event.extensions;
    expect([tlrecordedat, tloccurredat, tlmetadata, tlglobalposition]).not.toContain(undefined);
    const result = cloudEventToRecordedEvent({ ...event, extensions: older });
    expect(result).toEqual({
      ok: true,
      event: { ...recorded, recordedAt: recorded.occurredAt, metadata: {} },
    });
  });

  it('names what is missing instead of inventing a stream or a revision', () => {
    const event = recordedEventToCloudEvent(recorded, { source: '/touchline' });
    const { tlrevision: _revision, ...noRevision } = event.extensions;
    expect(cloudEventToRecordedEvent({ ...event, extensions: noRevision })).toEqual({
      ok: false,
      reason: 'extension tlrevision is missing or malformed',
    });
    expect(cloudEventToRecordedEvent({ ...event, data: [1, 2] })).toEqual({
      ok: false,
      reason: 'data is not a JSON object',
    });
  });
});
