import {
  toBinaryMessage,
  toStructuredMessage,
  type CloudEvent,
  type OutgoingKafkaMessage,
} from '@touchline/kafka';
import { touchpointExample } from '@touchline/touchpoints';
import { decodeInboundMessage, type InboundDecision } from './inbound-message.decoder';
import { eventIdForCloudEvent } from './stable-event-id';

const NOW = new Date('2026-06-01T00:00:00Z');
const decode = (
  message: OutgoingKafkaMessage | { value: Buffer | null; headers?: Record<string, string> },
) => decodeInboundMessage(message, { now: NOW });

/** The purchase example of the catalogue as a CloudEvent, every envelope field set. */
function purchaseEvent(overrides: Partial<CloudEvent> = {}): CloudEvent {
  const example = touchpointExample('purchase');
  return {
    specversion: '1.0',
    id: example.eventId,
    source: 'shop-backend',
    type: 'purchase',
    time: example.occurredAt,
    subject: example.customerId,
    datacontenttype: 'application/json',
    data: example.data as unknown as CloudEvent['data'],
    extensions: {
      partitionkey: example.customerId!,
      tlchannel: 'web',
      tlanonymousid: 'anon-7f3b9c2e',
      tlsentiment: '0.25',
      tlcorrelationid: 'checkout-8c1f2a',
      tlcausationid: 'cmd-place-order-77f1',
    },
    ...overrides,
  };
}

const expectedPurchase = () => {
  const example = touchpointExample('purchase');
  return {
    eventId: example.eventId,
    type: 'purchase',
    occurredAt: example.occurredAt,
    customerId: example.customerId,
    anonymousId: 'anon-7f3b9c2e',
    channel: 'web',
    sentiment: 0.25,
    data: example.data,
    metadata: {
      source: 'shop-backend',
      correlationId: 'checkout-8c1f2a',
      causationId: 'cmd-place-order-77f1',
    },
  };
};

function rejected(decision: InboundDecision) {
  if (decision.ok) throw new Error('expected a rejection');
  return decision;
}

describe('decodeInboundMessage', () => {
  it('maps a binary-mode CloudEvent onto the touchpoint envelope', () => {
    const decision = decode(toBinaryMessage(purchaseEvent()));
    expect(decision).toEqual({
      ok: true,
      format: 'cloudevents-binary',
      touchpoint: expectedPurchase(),
    });
  });

  it('maps a structured-mode CloudEvent the same way', () => {
    const decision = decode(toStructuredMessage(purchaseEvent()));
    expect(decision).toEqual({
      ok: true,
      format: 'cloudevents-structured',
      touchpoint: expectedPurchase(),
    });
  });

  it('takes an integer sentiment from a structured event (an extension cannot hold -0.5)', () => {
    const event = purchaseEvent();
    event.extensions.tlsentiment = -1;
    const decision = decode(toStructuredMessage(event));
    expect(decision.ok && decision.touchpoint.sentiment).toBe(-1);
  });

  it('derives the eventId from source + id when the id is not a uuid', () => {
    const decision = decode(toBinaryMessage(purchaseEvent({ id: 'order-4711' })));
    expect(decision.ok && decision.touchpoint.eventId).toBe(
      eventIdForCloudEvent('shop-backend', 'order-4711'),
    );
  });

  it('reads binary data without a content-type as JSON', () => {
    const message = toBinaryMessage(purchaseEvent());
    delete message.headers['content-type'];
    const decision = decode(message);
    expect(decision.ok && decision.touchpoint.data).toEqual(touchpointExample('purchase').data);
  });

  it('needs only what the catalogue requires: a customer via subject, channel, time', () => {
    const decision = decode(toBinaryMessage(purchaseEvent({ extensions: { tlchannel: 'store' } })));
    expect(decision.ok && decision.touchpoint).toEqual({
      ...expectedPurchase(),
      anonymousId: undefined,
      sentiment: undefined,
      channel: 'store',
      metadata: { source: 'shop-backend' },
    });
  });

  it('reads a plain JSON touchpoint, with no ce_ headers, as the native envelope', () => {
    const example = touchpointExample('survey.nps');
    const decision = decode({ value: Buffer.from(JSON.stringify(example)) });
    expect(decision).toEqual({ ok: true, format: 'json', touchpoint: example });
  });

  it('names CloudEvent attributes in the errors of an event the catalogue refuses', () => {
    const event = purchaseEvent({ subject: undefined, time: undefined, type: 'visit' });
    event.extensions = { tlchannel: 'fax', tlsentiment: 'very' };
    const decision = rejected(decode(toBinaryMessage(event)));
    expect(decision.reason).toBe('invalid_touchpoint');
    const paths = decision.errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['type', 'time', 'subject', 'tlchannel', 'tlsentiment']),
    );
  });

  it('refuses an unknown tl* extension, as an unknown envelope field', () => {
    const event = purchaseEvent();
    event.extensions.tlchanel = 'web';
    const decision = rejected(decode(toBinaryMessage(event)));
    expect(decision).toMatchObject({
      reason: 'invalid_touchpoint',
      errors: [{ path: 'tlchanel' }],
    });
  });

  it('ignores other extensions (transport concerns)', () => {
    const event = purchaseEvent();
    event.extensions.traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(decode(toBinaryMessage(event)).ok).toBe(true);
  });

  it.each([
    ['no specversion', { ce_id: 'x', ce_source: '/s', ce_type: 'purchase' }, 'invalid_cloudevent'],
    [
      'an unsupported specversion',
      { ce_specversion: '0.3', ce_id: 'x', ce_source: '/s', ce_type: 'purchase' },
      'invalid_cloudevent',
    ],
    [
      'JSON data that does not parse',
      {
        ce_specversion: '1.0',
        ce_id: 'x',
        ce_source: '/s',
        ce_type: 'purchase',
        'content-type': 'application/json',
      },
      'undecodable',
    ],
  ])('dead-letters a binary event with %s', (_, headers, reason) => {
    const decision = rejected(decode({ value: Buffer.from('{oops'), headers }));
    expect(decision.reason).toBe(reason);
    expect(decision.errors).toHaveLength(1);
  });

  it('dead-letters a CloudEvent whose data is not JSON', () => {
    const message = toBinaryMessage(
      purchaseEvent({ datacontenttype: 'text/plain', data: 'a purchase' }),
    );
    expect(rejected(decode(message))).toMatchObject({
      reason: 'undecodable',
      errors: [{ path: 'data' }],
    });
  });

  it('dead-letters a structured value that is not JSON', () => {
    const decision = rejected(
      decode({
        value: Buffer.from('not json'),
        headers: { 'content-type': 'application/cloudevents+json' },
      }),
    );
    expect(decision).toMatchObject({ format: 'cloudevents-structured', reason: 'undecodable' });
  });

  it.each([
    ['no value', null],
    ['an empty value', Buffer.alloc(0)],
    ['a value that is not UTF-8', Buffer.from([0xff, 0xfe, 0x7b])],
    ['a value that is not JSON', Buffer.from('purchase!')],
  ])('dead-letters a plain message with %s as undecodable', (_, value) => {
    expect(rejected(decode({ value }))).toMatchObject({ format: 'json', reason: 'undecodable' });
  });

  it('dead-letters a plain JSON touchpoint without an eventId: redelivery could not be deduplicated', () => {
    const example: Record<string, unknown> = { ...touchpointExample('survey.nps') };
    delete example.eventId;
    const decision = rejected(decode({ value: Buffer.from(JSON.stringify(example)) }));
    expect(decision).toMatchObject({ reason: 'invalid_touchpoint', errors: [{ path: 'eventId' }] });
  });
});
