import { NO_STREAM } from '@eventstore/db-client';
import {
  compareCheckpoints,
  comparePositions,
  decodeCheckpoint,
  encodeCheckpoint,
} from './checkpoint';
import { assertUserStream, isUserEvent, readEnvelope, toEventData } from './event-envelope';
import { headRevision, pinExpectedRevision } from './expected-revision';

describe('EventStoreDB checkpoints', () => {
  it('round-trips a position through the opaque string', () => {
    const position = { commit: 18446744073709551000n, prepare: 18446744073709550999n };
    const checkpoint = encodeCheckpoint(position);
    expect(checkpoint).toBe('esdb:18446744073709551000:18446744073709550999');
    expect(decodeCheckpoint(checkpoint)).toEqual(position);
    expect(decodeCheckpoint(null)).toBeNull();
  });

  it('rejects what is not one of its checkpoints, PostgreSQL ones included', () => {
    expect(() => decodeCheckpoint('123-456')).toThrow(TypeError);
    expect(() => decodeCheckpoint('esdb:1')).toThrow(TypeError);
    expect(() => decodeCheckpoint('esdb:-1:0')).toThrow(TypeError);
  });

  it('orders by commit, then prepare, numerically; null before everything', () => {
    const ordered = ['esdb:9:9', 'esdb:10:2', 'esdb:10:10', 'esdb:11:0'];
    for (let i = 1; i < ordered.length; i++) {
      expect(compareCheckpoints(ordered[i - 1]!, ordered[i]!)).toBeLessThan(0);
      expect(compareCheckpoints(ordered[i]!, ordered[i - 1]!)).toBeGreaterThan(0);
    }
    expect(compareCheckpoints('esdb:10:2', 'esdb:10:2')).toBe(0);
    expect(compareCheckpoints(null, 'esdb:0:0')).toBeLessThan(0);
    expect(compareCheckpoints('esdb:0:0', null)).toBeGreaterThan(0);
    expect(compareCheckpoints(null, null)).toBe(0);
    expect(
      comparePositions({ commit: 5n, prepare: 1n }, { commit: 4n, prepare: 9n }),
    ).toBeGreaterThan(0);
  });
});

describe('EventStoreDB expected revision', () => {
  it.each([
    ['any', -1, NO_STREAM],
    ['any', 4, 4n],
    ['no_stream', -1, NO_STREAM],
    ['stream_exists', 0, 0n],
    ['stream_exists', 7, 7n],
    [3, 3, 3n],
    [0, 0, 0n],
  ] as const)('%s holds at head %i and is sent as the exact %s', (expected, head, send) => {
    expect(pinExpectedRevision(expected, head)).toEqual({ ok: true, send });
  });

  it.each([
    ['no_stream', 0],
    ['stream_exists', -1],
    [0, -1],
    [3, 2],
    [3, 4],
  ] as const)('%s does not hold at head %i', (expected, head) => {
    expect(pinExpectedRevision(expected, head)).toEqual({ ok: false });
  });

  it("counts the client's current revision as the port does: -1 for no stream", () => {
    expect(headRevision(NO_STREAM)).toBe(-1);
    expect(headRevision(0n)).toBe(0);
    expect(headRevision(41n)).toBe(41);
  });
});

describe('EventStoreDB event envelope', () => {
  const event = {
    eventId: '0b7e3c1a-6f7e-4a55-9a51-1f1f0a4b2c3d',
    type: 'purchase',
    version: 2,
    data: { amount: 10 },
    metadata: { source: 'test', $correlationId: 'c-1' },
    occurredAt: new Date('2026-01-01T10:00:00.000Z'),
  };

  it("keeps the caller's metadata apart from the fields EventStoreDB has no place for", () => {
    const data = toEventData(event, 'ab'.repeat(32));
    expect(data).toMatchObject({ id: event.eventId, type: 'purchase', data: { amount: 10 } });
    expect(data.metadata).toMatchObject({ source: 'test', $correlationId: 'c-1' });
    expect(readEnvelope(data.metadata)).toEqual({
      metadata: { source: 'test', $correlationId: 'c-1' },
      version: 2,
      occurredAt: new Date('2026-01-01T10:00:00.000Z'),
      contentDigest: 'ab'.repeat(32),
      personal: null,
    });
  });

  it('carries the personal part (ciphertext and key id) in reserved metadata, not in data', () => {
    const personal = { keyId: 'k-1', ciphertext: Buffer.from([1, 2, 3]), digest: Buffer.from([9]) };
    const data = toEventData({ ...event, personal }, 'x');
    expect(data.data).toEqual({ amount: 10 });
    expect(readEnvelope(data.metadata)).toMatchObject({
      metadata: { source: 'test', $correlationId: 'c-1' },
      personal: { keyId: 'k-1', ciphertext: Buffer.from([1, 2, 3]) },
    });
  });

  it('defaults what an event written without the envelope lacks', () => {
    expect(readEnvelope(undefined)).toEqual({
      metadata: {},
      version: 1,
      occurredAt: null,
      contentDigest: null,
      personal: null,
    });
    expect(
      readEnvelope(
        toEventData(
          { ...event, version: undefined, occurredAt: undefined, metadata: undefined },
          'x',
        ).metadata,
      ),
    ).toEqual({ metadata: {}, version: 1, occurredAt: null, contentDigest: 'x', personal: null });
  });

  it('refuses metadata keys in the reserved namespace', () => {
    expect(() => toEventData({ ...event, metadata: { '$touchline.version': 9 } }, 'x')).toThrow(
      TypeError,
    );
  });

  it('serves neither system events nor the event-id index from $all, and never appends to them', () => {
    expect(isUserEvent({ streamId: 'customer-1', type: 'purchase' })).toBe(true);
    expect(isUserEvent({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' })).toBe(false);
    expect(isUserEvent({ streamId: '$$customer-1', type: '$metadata' })).toBe(false);
    expect(
      isUserEvent({ streamId: 'tl-eventid-0b7e3c1a', type: '$touchline.event-id-claimed' }),
    ).toBe(false);
    expect(isUserEvent({ streamId: 'customer-1', type: '$>' })).toBe(false);
    expect(() => assertUserStream('tl-eventid-0b7e3c1a')).toThrow(TypeError);
    expect(() => assertUserStream('$ce-customer')).toThrow(TypeError);
    expect(() => assertUserStream('customer-1')).not.toThrow();
  });
});
