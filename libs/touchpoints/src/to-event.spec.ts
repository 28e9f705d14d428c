import { canonicalJson } from '@touchline/event-store';
import { allTouchpointExamples, touchpointExample } from './examples';
import { NOW, REMOVE, withValue } from './testing/test-helpers';
import { fromRecordedEvent, parseStreamId, streamIdFor, toEventToAppend } from './to-event';
import { UpcasterRegistry, UpcastError } from './upcasting';
import { validateJourneyEvent, validateTouchpoint } from './validation/validate-touchpoint';
import type { JourneyEvent } from './catalogue';

function valid(input: unknown): JourneyEvent {
  const result = validateJourneyEvent(input, { now: NOW });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.touchpoint;
}

describe('toEventToAppend', () => {
  it('maps a purchase to its stream and stored shape: data as sent, the envelope in metadata', () => {
    const { streamId, event } = toEventToAppend(valid(touchpointExample('purchase')));
    expect(streamId).toBe('customer-c-10482');
    expect(event).toEqual({
      eventId: '3f9a472d-62ff-450c-bff3-7a5a772b6969',
      type: 'purchase',
      version: 1,
      data: touchpointExample('purchase').data,
      metadata: {
        channel: 'web',
        customerId: 'c-10482',
        source: 'shop-backend',
        correlationId: 'checkout-8c1f2a',
        causationId: 'cmd-place-order-77f1',
      },
      occurredAt: new Date('2026-03-14T14:09:26.535Z'),
    });
  });

  it('keeps sentiment and both ids, and omits what was not sent', () => {
    const input = withValue(
      touchpointExample('complaint.opened') as never,
      'anonymousId',
      'anon-7f3b9c2e',
    );
    const { event } = toEventToAppend(valid(withValue(input, 'metadata.correlationId', REMOVE)));
    expect(event.metadata).toEqual({
      channel: 'email',
      customerId: 'c-10482',
      anonymousId: 'anon-7f3b9c2e',
      sentiment: -0.7,
      source: 'helpdesk',
    });
  });

  it('puts an anonymous visitor in anonymous-<id>', () => {
    expect(toEventToAppend(valid(touchpointExample('browse'))).streamId).toBe(
      'anonymous-anon-7f3b9c2e',
    );
  });

  it('gives identical content for a retry, whenever it is received: nothing server-side goes in', async () => {
    const first = toEventToAppend(valid(touchpointExample('purchase')));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = validateTouchpoint(touchpointExample('purchase'), {
      now: new Date(NOW.getTime() + 86_400_000),
    });
    if (!later.ok) throw new Error('expected valid');
    const retry = toEventToAppend(later.touchpoint);
    expect(canonicalJson(retry)).toBe(canonicalJson(first));
  });

  it('gives identical content for the same event sent with null optionals or another offset', () => {
    const plain = toEventToAppend(valid(touchpointExample('complaint.opened')));
    const input = withValue(
      touchpointExample('complaint.opened') as never,
      'occurredAt',
      '2026-03-19T17:30:00Z',
    );
    const noisy = toEventToAppend(
      valid({ ...input, anonymousId: null, data: { ...(input.data as object), attributes: null } }),
    );
    expect(canonicalJson(noisy)).toBe(canonicalJson(plain));
  });

  it('stores the instant of occurredAt, in milliseconds', () => {
    const input = withValue(
      touchpointExample('purchase') as never,
      'occurredAt',
      '2026-03-14T23:30:00.123456-02:30',
    );
    expect(toEventToAppend(valid(input)).event.occurredAt).toEqual(
      new Date('2026-03-15T02:00:00.123Z'),
    );
  });
});

describe('stream ids', () => {
  it('prefer the customer, else the anonymous id', () => {
    expect(streamIdFor({ customerId: 'c-1', anonymousId: 'a-1' })).toBe('customer-c-1');
    expect(streamIdFor({ anonymousId: 'a-1' })).toBe('anonymous-a-1');
    expect(() => streamIdFor({})).toThrow(TypeError);
    expect(parseStreamId('customer-c-1')).toEqual({ customerId: 'c-1' });
    expect(parseStreamId('anonymous-a-1')).toEqual({ anonymousId: 'a-1' });
    expect(parseStreamId('ops-audit')).toBeUndefined();
  });
});

describe('fromRecordedEvent', () => {
  const record = (event: JourneyEvent) => {
    const { streamId, event: stored } = toEventToAppend(event);
    return {
      streamId,
      eventId: stored.eventId,
      type: stored.type,
      version: stored.version ?? 1,
      data: JSON.parse(JSON.stringify(stored.data)) as never,
      metadata: JSON.parse(JSON.stringify(stored.metadata)) as never,
      occurredAt: stored.occurredAt ?? null,
    };
  };

  it('gives back every example as sent, with occurredAt in UTC', () => {
    for (const example of allTouchpointExamples()) {
      const back = fromRecordedEvent(record(valid(example)));
      expect(back).toEqual({ ...example, occurredAt: new Date(example.occurredAt).toISOString() });
      expect(validateJourneyEvent(back, { now: NOW }).ok).toBe(true);
    }
  });

  it('reads events appended by other means with fallbacks', () => {
    const recordedAt = new Date('2026-01-02T03:04:05Z');
    const back = fromRecordedEvent({
      streamId: 'customer-c-9',
      eventId: '6f1f1a52-4d7e-4c51-9d0e-2f8f25f0f6a1',
      type: 'purchase',
      version: 1,
      data: { orderId: 'o', amount: 1, currency: 'EUR' },
      metadata: {},
      occurredAt: null,
      recordedAt,
    });
    expect(back).toMatchObject({
      customerId: 'c-9',
      channel: 'other',
      occurredAt: recordedAt.toISOString(),
      metadata: { source: 'unknown' },
    });
  });

  it('upcasts old versions on read and refuses types it does not know', () => {
    const registry = new UpcasterRegistry({ purchase: 2 }, [
      { type: 'purchase', fromVersion: 1, upcast: (data) => ({ ...data, channelGroup: 'online' }) },
    ]);
    const stored = record(valid(touchpointExample('purchase')));
    expect(fromRecordedEvent(stored, registry).data).toMatchObject({ channelGroup: 'online' });
    expect(() => fromRecordedEvent({ ...stored, type: 'purchase.v2' })).toThrow(UpcastError);
  });
});
