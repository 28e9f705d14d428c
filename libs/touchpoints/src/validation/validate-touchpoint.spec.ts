import { TOUCHPOINT_TYPES, SYSTEM_EVENT_TYPES, type EventType } from '../event-types';
import { allTouchpointExamples, touchpointExample } from '../examples';
import {
  deepFreeze,
  deeplyNested,
  exampleWith,
  NOW,
  REMOVE,
  withValue,
} from '../testing/test-helpers';
import {
  MAX_REPORTED_ERRORS,
  validateEventData,
  validateJourneyEvent,
  validateTouchpoint,
  validateTouchpointBatch,
  type ValidationIssue,
} from './validate-touchpoint';

const validate = (input: unknown) => validateTouchpoint(input, { now: NOW });

function errorsOf(input: unknown): ValidationIssue[] {
  const result = validate(input);
  if (result.ok)
    throw new Error(`expected errors, got a valid touchpoint: ${JSON.stringify(input)}`);
  return result.errors;
}

function expectOnlyError(input: unknown, path: string, message: RegExp): void {
  const errors = errorsOf(input);
  expect(errors).toEqual([{ path, message: expect.stringMatching(message) }]);
}

describe('validateTouchpoint accepts', () => {
  it.each(TOUCHPOINT_TYPES)('the realistic %s example, returning it unchanged', (type) => {
    const example = touchpointExample(type);
    const result = validate(example);
    expect(result).toEqual({ ok: true, touchpoint: example });
  });

  it('lower-cases the eventId (the form the store keeps) and drops null optional fields', () => {
    const input = withValue(
      exampleWith('complaint.opened', 'data.text', null),
      'eventId',
      '35E2D32A-F130-4A7E-A2AB-C9EE6B081FF8',
    );
    const result = validate({ ...input, sentiment: null, anonymousId: null });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.touchpoint.eventId).toBe('35e2d32a-f130-4a7e-a2ab-c9ee6b081ff8');
    expect(result.touchpoint.data).not.toHaveProperty('text');
    expect(result.touchpoint).not.toHaveProperty('sentiment');
    expect(result.touchpoint).not.toHaveProperty('anonymousId');
  });

  it('an anonymous visitor (anonymousId only), and both ids together', () => {
    const anonymous = withValue(
      exampleWith('purchase', 'customerId', REMOVE),
      'anonymousId',
      'anon-1',
    );
    expect(validate(anonymous).ok).toBe(true);
    expect(
      validate(withValue(touchpointExample('purchase') as never, 'anonymousId', 'anon-1')).ok,
    ).toBe(true);
    expect(validate({ ...anonymous, customerId: null }).ok).toBe(true);
  });

  it('occurredAt with any offset, fractions up to nanoseconds, up to 5 minutes in the future', () => {
    for (const occurredAt of [
      '2026-03-14T15:09:26Z',
      '2026-03-14T15:09:26.5-09:30',
      '2026-03-14T15:09:26.123456789+14:00',
      '1970-01-01T00:00:00Z',
      '1969-12-31T23:30:00-01:00',
      '2024-02-29T12:00:00Z',
      '2026-06-01T00:05:00Z',
    ]) {
      expect({
        occurredAt,
        result: validate(exampleWith('purchase', 'occurredAt', occurredAt)).ok,
      }).toEqual({
        occurredAt,
        result: true,
      });
    }
  });

  it('free-form attributes up to the limits, with null values and nested lists', () => {
    const attributes = {
      tier: 'gold',
      tags: ['a', 'b'],
      nested: { list: [1, 2, 3], flag: null },
      padding: 'x'.repeat(8000),
    };
    expect(validate(exampleWith('purchase', 'data.attributes', attributes)).ok).toBe(true);
  });

  it('profile attributes set to null (cleared) and unknown profile attributes', () => {
    const input = exampleWith('profile.updated', 'data.attributes', {
      email: null,
      phone: null,
      shoeSize: 42,
    });
    expect(validate(input).ok).toBe(true);
  });
});

type Case = [type: EventType, path: string, value: unknown, errorPath: string, message: RegExp];

const ENVELOPE_CASES: Case[] = [
  ['purchase', 'eventId', 'not-a-uuid', 'eventId', /^eventId must be a UUID$/],
  [
    'purchase',
    'eventId',
    '00000000-0000-0000-0000-000000000000',
    'eventId',
    /must not be the nil or max UUID/,
  ],
  ['purchase', 'eventId', 42, 'eventId', /must be a UUID/],
  ['purchase', 'eventId', REMOVE, 'eventId', /^eventId is required$/],
  ['purchase', 'type', 'purchased', 'type', /^type must be one of: purchase, refund, /],
  ['purchase', 'type', REMOVE, 'type', /^type is required$/],
  [
    'purchase',
    'occurredAt',
    '2026-03-14 15:09:26Z',
    'occurredAt',
    /ISO 8601 date-time with a timezone/,
  ],
  [
    'purchase',
    'occurredAt',
    '2026-03-14T15:09:26',
    'occurredAt',
    /ISO 8601 date-time with a timezone/,
  ],
  ['purchase', 'occurredAt', '2026-03-14', 'occurredAt', /ISO 8601 date-time with a timezone/],
  ['purchase', 'occurredAt', '2026-03-14T15:09:26.1234567890Z', 'occurredAt', /ISO 8601/],
  ['purchase', 'occurredAt', 1773497366535, 'occurredAt', /ISO 8601/],
  ['purchase', 'occurredAt', '2026-02-29T10:00:00Z', 'occurredAt', /is not a calendar date/],
  ['purchase', 'occurredAt', '2026-04-31T10:00:00Z', 'occurredAt', /is not a calendar date/],
  ['purchase', 'occurredAt', '2026-03-14T24:00:00Z', 'occurredAt', /is not a time of day/],
  ['purchase', 'occurredAt', '2026-03-14T23:59:60Z', 'occurredAt', /is not a time of day/],
  ['purchase', 'occurredAt', '2026-03-14T10:00:00+24:00', 'occurredAt', /impossible UTC offset/],
  ['purchase', 'occurredAt', '1969-12-31T23:59:59Z', 'occurredAt', /must not be before 1970-01-01/],
  [
    'purchase',
    'occurredAt',
    '1970-01-01T00:30:00+01:00',
    'occurredAt',
    /must not be before 1970-01-01/,
  ],
  ['purchase', 'occurredAt', '0075-01-01T00:00:00Z', 'occurredAt', /must not be before 1970-01-01/],
  [
    'purchase',
    'occurredAt',
    '2026-06-01T00:05:01Z',
    'occurredAt',
    /more than 5 minutes in the future/,
  ],
  [
    'purchase',
    'customerId',
    'jana.novak@example.com',
    'customerId',
    /opaque id .*not an email address/,
  ],
  ['purchase', 'customerId', '', 'customerId', /1 to 128 characters/],
  ['purchase', 'customerId', 'c'.repeat(129), 'customerId', /1 to 128 characters/],
  ['purchase', 'customerId', REMOVE, 'customerId', /^customerId or anonymousId is required$/],
  ['purchase', 'customerId', null, 'customerId', /^customerId or anonymousId is required$/],
  ['purchase', 'anonymousId', 'has space', 'anonymousId', /opaque id/],
  [
    'purchase',
    'channel',
    'fax',
    'channel',
    /channel must be one of the following values: web, app, store/,
  ],
  ['purchase', 'channel', REMOVE, 'channel', /^channel is required$/],
  ['purchase', 'sentiment', 1.5, 'sentiment', /must not be greater than 1/],
  ['purchase', 'sentiment', -1.01, 'sentiment', /must not be less than -1/],
  ['purchase', 'sentiment', 'positive', 'sentiment', /must be a number/],
  ['purchase', 'sentiment', Number.NaN, 'sentiment', /must be a number/],
  ['purchase', 'data', REMOVE, 'data', /^data is required$/],
  ['purchase', 'data', [], 'data', /^data must be an object$/],
  ['purchase', 'data', 'purchase', 'data', /^data must be an object$/],
  ['purchase', 'metadata', REMOVE, 'metadata', /^metadata is required$/],
  ['purchase', 'metadata', [], 'metadata', /^metadata must be an object$/],
  ['purchase', 'metadata.source', REMOVE, 'metadata.source', /^source is required$/],
  ['purchase', 'metadata.source', '', 'metadata.source', /1 to 200 characters/],
  [
    'purchase',
    'metadata.correlationId',
    'x'.repeat(129),
    'metadata.correlationId',
    /1 to 128 characters/,
  ],
  [
    'purchase',
    'metadata.receivedAt',
    '2026-01-01T00:00:00Z',
    'metadata.receivedAt',
    /^property receivedAt should not exist$/,
  ],
  [
    'purchase',
    'receivedAt',
    '2026-01-01T00:00:00Z',
    'receivedAt',
    /^property receivedAt should not exist$/,
  ],
];

const DATA_CASES: Case[] = [
  ['purchase', 'data.orderId', REMOVE, 'data.orderId', /^orderId is required$/],
  ['purchase', 'data.orderId', 4711, 'data.orderId', /^orderId must be a string$/],
  ['purchase', 'data.amount', '84.97', 'data.amount', /^amount must be a number/],
  ['purchase', 'data.amount', -0.01, 'data.amount', /^amount must not be less than 0$/],
  [
    'purchase',
    'data.amount',
    1e13,
    'data.amount',
    /^amount must not be greater than 1000000000000$/,
  ],
  [
    'purchase',
    'data.amount',
    1.23456,
    'data.amount',
    /^amount must have at most 4 decimal places$/,
  ],
  ['purchase', 'data.amount', 1e-7, 'data.amount', /^amount must have at most 4 decimal places$/],
  ['purchase', 'data.amount', Number.POSITIVE_INFINITY, 'data.amount', /must be a number/],
  ['purchase', 'data.currency', 'eur', 'data.currency', /ISO 4217 currency code in upper case/],
  ['purchase', 'data.currency', 'EURO', 'data.currency', /ISO 4217 currency code in upper case/],
  [
    'purchase',
    'data.currency',
    'ABC',
    'data.currency',
    /^currency must be an ISO 4217 currency code, e\.g\. EUR$/,
  ],
  ['purchase', 'data.items', [], 'data.items', /must contain at least 1 elements/],
  ['purchase', 'data.items', { sku: 'x' }, 'data.items', /must be an array/],
  ['purchase', 'data.items[1]', 'MUG', 'data.items[1]', /^each value in items must be an object$/],
  [
    'purchase',
    'data.items[1].quantity',
    0,
    'data.items[1].quantity',
    /^quantity must not be less than 1$/,
  ],
  [
    'purchase',
    'data.items[1].quantity',
    1.5,
    'data.items[1].quantity',
    /^quantity must be an integer number$/,
  ],
  ['purchase', 'data.items[0].price', -1, 'data.items[0].price', /must not be less than 0/],
  ['purchase', 'data.items[0].sku', REMOVE, 'data.items[0].sku', /^sku is required$/],
  [
    'purchase',
    'data.items[0].colour',
    'black',
    'data.items[0].colour',
    /^property colour should not exist$/,
  ],
  ['purchase', 'data.discount', 5, 'data.discount', /^property discount should not exist$/],
  ['refund', 'data.amount', 0, 'data.amount', /must be a positive number/],
  ['refund', 'data.reason', 'x'.repeat(2001), 'data.reason', /1 to 2000 characters/],
  ['refund', 'data.currency', REMOVE, 'data.currency', /^currency is required$/],
  ['enquiry', 'data.topic', REMOVE, 'data.topic', /^topic is required$/],
  ['enquiry', 'data.text', '', 'data.text', /1 to 10000 characters/],
  ['enquiry', 'data.text', 'x'.repeat(10_001), 'data.text', /1 to 10000 characters/],
  ['enquiry', 'data.text', 'nul\u0000byte', 'data.text', /U\+0000/],
  ['enquiry', 'data.text', 'lone \ud800 surrogate', 'data.text', /unpaired UTF-16 surrogates/],
  [
    'complaint.opened',
    'data.severity',
    'urgent',
    'data.severity',
    /one of the following values: low, medium, high, critical/,
  ],
  ['complaint.opened', 'data.category', REMOVE, 'data.category', /^category is required$/],
  ['complaint.opened', 'data.complaintId', 9001, 'data.complaintId', /must be a string/],
  ['complaint.responded', 'data.responderId', {}, 'data.responderId', /must be a string/],
  ['complaint.responded', 'data.channel', 'email', 'data.channel', /should not exist/],
  [
    'complaint.resolved',
    'data.resolution',
    'done',
    'data.resolution',
    /one of the following values: fixed, refunded/,
  ],
  [
    'complaint.resolved',
    'data.compensation.currency',
    REMOVE,
    'data.compensation.currency',
    /^currency is required$/,
  ],
  ['complaint.resolved', 'data.compensation.amount', -5, 'data.compensation.amount', /positive/],
  ['complaint.resolved', 'data.satisfied', 'yes', 'data.satisfied', /must be a boolean value/],
  [
    'complaint.reopened',
    'data.complaintId',
    REMOVE,
    'data.complaintId',
    /^complaintId is required$/,
  ],
  ['complaint.reopened', 'data.severity', 'x', 'data.severity', /one of the following values/],
  ['survey.nps', 'data.score', 11, 'data.score', /^score must not be greater than 10$/],
  ['survey.nps', 'data.score', -1, 'data.score', /^score must not be less than 0$/],
  ['survey.nps', 'data.score', 7.5, 'data.score', /^score must be an integer number$/],
  ['survey.nps', 'data.score', '9', 'data.score', /^score must be an integer number$/],
  ['survey.nps', 'data.score', REMOVE, 'data.score', /^score is required$/],
  ['survey.nps', 'data.comment', 'x'.repeat(5001), 'data.comment', /1 to 5000 characters/],
  ['survey.csat', 'data.score', 0, 'data.score', /^score must not be less than 1$/],
  ['survey.csat', 'data.score', 6, 'data.score', /^score must not be greater than 5$/],
  ['survey.csat', 'data.touchpointRef', 'SO-2026-004711', 'data.touchpointRef', /must be a UUID/],
  ['survey.ces', 'data.score', 0, 'data.score', /^score must not be less than 1$/],
  ['survey.ces', 'data.score', 8, 'data.score', /^score must not be greater than 7$/],
  ['browse', 'data.url', 'ftp://files.example.com/x', 'data.url', /absolute http\(s\) URL/],
  ['browse', 'data.url', '/p/mug-stone', 'data.url', /absolute http\(s\) URL/],
  ['browse', 'data.durationMs', -1, 'data.durationMs', /must not be less than 0/],
  ['browse', 'data.url', REMOVE, 'data.url', /^url or screen is required$/],
  [
    'campaign.response',
    'data.response',
    'liked',
    'data.response',
    /one of the following values: delivered, opened/,
  ],
  ['campaign.response', 'data.campaignId', REMOVE, 'data.campaignId', /^campaignId is required$/],
  ['delivery', 'data.status', 'lost', 'data.status', /one of the following values: dispatched/],
  [
    'delivery',
    'data.promisedBy',
    '2026-03-17',
    'data.promisedBy',
    /ISO 8601 date-time with a timezone/,
  ],
  ['delivery', 'data.shipmentId', REMOVE, 'data.shipmentId', /^shipmentId is required$/],
  [
    'service.contact',
    'data.durationSeconds',
    90_000,
    'data.durationSeconds',
    /must not be greater than 86400/,
  ],
  [
    'service.contact',
    'data.outcome',
    'happy',
    'data.outcome',
    /one of the following values: resolved/,
  ],
  ['service.contact', 'data.reason', REMOVE, 'data.reason', /^reason is required$/],
  ['loyalty.earned', 'data.points', 0, 'data.points', /must not be less than 1/],
  ['loyalty.earned', 'data.points', -85, 'data.points', /must not be less than 1/],
  ['loyalty.earned', 'data.points', 8.5, 'data.points', /must be an integer number/],
  ['loyalty.earned', 'data.points', 1e10, 'data.points', /must not be greater than 1000000000/],
  ['loyalty.redeemed', 'data.points', '500', 'data.points', /must be an integer number/],
  [
    'profile.updated',
    'data.attributes.email',
    'jana at example',
    'data.attributes.email',
    /^email must be an email address$/,
  ],
  ['profile.updated', 'data.attributes.phone', '0601 234 567', 'data.attributes.phone', /E\.164/],
  [
    'profile.updated',
    'data.attributes.birthDate',
    '1990-02-30',
    'data.attributes.birthDate',
    /not a calendar date/,
  ],
  [
    'profile.updated',
    'data.attributes.timeZone',
    'Mars/Olympus_Mons',
    'data.attributes.timeZone',
    /IANA time zone/,
  ],
  ['profile.updated', 'data.attributes.locale', 'not a locale', 'data.attributes.locale', /BCP 47/],
  [
    'profile.updated',
    'data.attributes.address.country',
    'CZE',
    'data.attributes.address.country',
    /ISO 3166-1 alpha-2/,
  ],
  [
    'profile.updated',
    'data.attributes.address.street',
    'Dlouhá',
    'data.attributes.address.street',
    /should not exist/,
  ],
  [
    'profile.updated',
    'data.attributes',
    {},
    'data.attributes',
    /^must name at least one attribute$/,
  ],
  ['profile.updated', 'data.attributes', REMOVE, 'data.attributes', /^attributes is required$/],
  ['profile.updated', 'data.name', 'Jana', 'data.name', /^property name should not exist$/],
  ['consent.changed', 'data.granted', 'true', 'data.granted', /must be a boolean value/],
  ['consent.changed', 'data.purpose', 'Marketing Email', 'data.purpose', /lower-case code/],
  [
    'identity.linked',
    'data.previousId',
    'c-9',
    'data.anonymousId',
    /^give anonymousId or previousId, not both$/,
  ],
  [
    'identity.linked',
    'data.anonymousId',
    REMOVE,
    'data.anonymousId',
    /^anonymousId or previousId is required$/,
  ],
  ['identity.linked', 'data.anonymousId', 'jana@example.com', 'data.anonymousId', /opaque id/],
  ['custom', 'data.name', REMOVE, 'data.name', /^name is required$/],
  ['custom', 'data.name', 'x'.repeat(201), 'data.name', /1 to 200 characters/],
  [
    'custom',
    'data.wishlistId',
    'wl-311',
    'data.wishlistId',
    /^property wishlistId should not exist$/,
  ],
];

function titled(c: Case): [string, ...Case] {
  const [type, path, value, errorPath] = c;
  const shown =
    value === REMOVE
      ? '(removed)'
      : typeof value === 'bigint'
        ? `${value}n`
        : (JSON.stringify(value) ?? String(value));
  return [
    `${type}: ${path} = ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown} → ${errorPath}`,
    ...c,
  ];
}

describe('validateTouchpoint rejects, with the exact path', () => {
  it.each(ENVELOPE_CASES.map(titled))('%s', (_title, type, path, value, errorPath, message) => {
    expectOnlyError(exampleWith(type, path, value), errorPath, message);
  });

  it.each(DATA_CASES.map(titled))('%s', (_title, type, path, value, errorPath, message) => {
    expectOnlyError(exampleWith(type, path, value), errorPath, message);
  });

  it('every type: a missing data, an unknown data field, a wrong-typed data field', () => {
    for (const type of TOUCHPOINT_TYPES) {
      expect(errorsOf(exampleWith(type, 'data', REMOVE))).toEqual([
        { path: 'data', message: 'data is required' },
      ]);
      expect(errorsOf(exampleWith(type, 'data.bogus', 1))).toEqual([
        { path: 'data.bogus', message: 'property bogus should not exist' },
      ]);
      const firstField = Object.keys(touchpointExample(type).data)[0]!;
      const errors = errorsOf(exampleWith(type, `data.${firstField}`, [[]]));
      expect(errors.map((e) => e.path)).toContain(`data.${firstField}`);
    }
  });

  it('reports every problem at once', () => {
    const input = withValue(
      withValue(exampleWith('purchase', 'data.amount', -1), 'channel', 'fax'),
      'data.items[0].quantity',
      0,
    );
    expect(errorsOf(input).map((e) => e.path)).toEqual([
      'channel',
      'data.amount',
      'data.items[0].quantity',
    ]);
  });

  it('system events: refused from producers, accepted by validateJourneyEvent', () => {
    for (const type of SYSTEM_EVENT_TYPES) {
      const example = touchpointExample(type);
      expectOnlyError(
        example,
        'type',
        new RegExp(`^${type.replace('.', '\\.')} is recorded by touchline itself`),
      );
      expect(validateJourneyEvent(example, { now: NOW })).toEqual({
        ok: true,
        touchpoint: example,
      });
    }
  });

  it('identity.linked and system events must be in a customer stream', () => {
    const anonymous = withValue(
      exampleWith('identity.linked', 'customerId', REMOVE),
      'anonymousId',
      'anon-2',
    );
    expectOnlyError(anonymous, 'customerId', /^customerId is required for identity\.linked$/);
    const self = exampleWith('identity.linked', 'data', { previousId: 'c-10482' });
    expectOnlyError(self, 'data.previousId', /^previousId must differ from customerId$/);
    const erased = withValue(
      withValue(touchpointExample('customer.erased') as never, 'customerId', REMOVE),
      'anonymousId',
      'anon-3',
    );
    const result = validateJourneyEvent(erased, { now: NOW });
    expect(result.ok ? [] : result.errors).toEqual([
      { path: 'customerId', message: 'customerId is required for customer.erased' },
    ]);
  });

  it('customer.merged: two different customers, one of them the stream', () => {
    const same = withValue(
      touchpointExample('customer.merged') as never,
      'data.mergedId',
      'c-10482',
    );
    const other = withValue(touchpointExample('customer.merged') as never, 'customerId', 'c-1');
    const errors = (input: unknown) => {
      const result = validateJourneyEvent(input, { now: NOW });
      return result.ok ? [] : result.errors;
    };
    expect(errors(same)).toEqual([
      { path: 'data.mergedId', message: 'mergedId must differ from survivorId' },
    ]);
    expect(errors(other)).toEqual([
      { path: 'customerId', message: 'customerId must be the survivorId or the mergedId' },
    ]);
  });
});

describe('free-form attributes', () => {
  it('refuses more than 8 KB of JSON, at data.attributes', () => {
    const justFits = { s: 'x'.repeat(8192 - '{"s":""}'.length) };
    expect(JSON.stringify(justFits)).toHaveLength(8192);
    expect(validate(exampleWith('custom', 'data.attributes', justFits)).ok).toBe(true);
    const tooBig = { s: 'x'.repeat(8192 - '{"s":""}'.length + 1) };
    expectOnlyError(
      exampleWith('custom', 'data.attributes', tooBig),
      'data.attributes',
      /at most 8192 bytes/,
    );
    // Bytes, not characters: 3000 × "€" is 9000 bytes of UTF-8.
    expectOnlyError(
      exampleWith('custom', 'data.attributes', { s: '€'.repeat(3000) }),
      'data.attributes',
      /8192 bytes/,
    );
  });

  it('refuses nesting deeper than 3 levels, at the level that is too deep', () => {
    expect(validate(exampleWith('custom', 'data.attributes', { a: { b: { c: 1 } } })).ok).toBe(
      true,
    );
    expect(validate(exampleWith('custom', 'data.attributes', { a: [[1]] })).ok).toBe(true);
    expectOnlyError(
      exampleWith('custom', 'data.attributes', { a: { b: { c: {} } } }),
      'data.attributes.a.b.c',
      /deeper than 3/,
    );
    expectOnlyError(
      exampleWith('custom', 'data.attributes', { a: [[[1]]] }),
      'data.attributes.a[0][0]',
      /deeper than 3/,
    );
  });

  it('refuses non-JSON values, non-finite numbers and dangerous or odd keys', () => {
    expectOnlyError(
      exampleWith('custom', 'data.attributes', { n: Number.NaN }),
      'data.attributes.n',
      /finite number/,
    );
    expectOnlyError(
      exampleWith('custom', 'data.attributes', { n: [1, Infinity] }),
      'data.attributes.n[1]',
      /finite number/,
    );
    expectOnlyError(
      exampleWith('custom', 'data.attributes', { d: new Date(0) }),
      'data.attributes.d',
      /JSON value/,
    );
    expectOnlyError(
      exampleWith('custom', 'data.attributes', { b: BigInt(1) }),
      'data.attributes.b',
      /JSON value/,
    );
    expectOnlyError(
      exampleWith('custom', 'data.attributes', { '': 1 }),
      'data.attributes[""]',
      /keys must have 1 to 128/,
    );
    expectOnlyError(
      exampleWith('custom', 'data.attributes', { constructor: 1 }),
      'data.attributes.constructor',
      /not allowed/,
    );
    expectOnlyError(
      exampleWith('custom', 'data.attributes', { 'a.b': 'nul\u0000' }),
      'data.attributes["a.b"]',
      /U\+0000/,
    );
    expectOnlyError(
      exampleWith('custom', 'data.attributes', ['a']),
      'data.attributes',
      /must be a JSON object/,
    );
  });

  it('refuses __proto__ keys as JSON.parse makes them, without polluting anything', () => {
    const input = JSON.parse(
      JSON.stringify(touchpointExample('custom')).replace(
        '"wishlistId"',
        '"__proto__":{"polluted":true},"wishlistId"',
      ),
    ) as unknown;
    expectOnlyError(input, 'data.attributes.__proto__', /the key __proto__ is not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses __proto__ and constructor keys anywhere else as unknown fields', () => {
    const json = JSON.stringify(touchpointExample('purchase'));
    const atRoot = JSON.parse(`{"__proto__":{"isAdmin":true},${json.slice(1)}`) as unknown;
    expectOnlyError(atRoot, '__proto__', /^property __proto__ should not exist$/);
    const inData = JSON.parse(
      json.replace('"data":{', '"data":{"constructor":{"prototype":{"x":1}},'),
    ) as unknown;
    expectOnlyError(inData, 'data.constructor', /^property constructor should not exist$/);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('are deep-copied: the touchpoint does not share objects with the input', () => {
    const input = touchpointExample('purchase');
    const result = validate(input);
    if (!result.ok) throw new Error('expected valid');
    expect(result.touchpoint.data).not.toBe(input.data);
    expect(result.touchpoint.data.attributes).not.toBe(input.data.attributes);
    expect((result.touchpoint.data as typeof input.data).items![0]).not.toBe(input.data.items![0]);
    expect(result.touchpoint.metadata).not.toBe(input.metadata);
  });
});

describe('hostile input never throws', () => {
  const throwingProxy = new Proxy(
    {},
    {
      get: () => {
        throw new Error('boom');
      },
      ownKeys: () => {
        throw new Error('boom');
      },
      getPrototypeOf: () => Object.prototype,
    },
  );
  const throwingGetter = Object.defineProperty({ ...touchpointExample('purchase') }, 'type', {
    enumerable: true,
    get: () => {
      throw new Error('getter');
    },
  });
  const circular: Record<string, unknown> = { ...touchpointExample('custom') };
  const loop: Record<string, unknown> = {};
  loop.self = loop;
  circular.data = { name: 'loop', attributes: loop };
  const circularRoot: Record<string, unknown> = { ...touchpointExample('purchase') };
  circularRoot.self = circularRoot;

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['NaN', Number.NaN],
    ['a string', 'purchase'],
    ['a boolean', true],
    ['an array', [touchpointExample('purchase')]],
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
    ['a bigint', BigInt(7)],
    ['a Date', new Date()],
    ['a Map', new Map([['type', 'purchase']])],
    ['an empty object', {}],
    ['an object without prototype', Object.create(null) as object],
    ['a proxy that throws', throwingProxy],
    ['a throwing getter', throwingGetter],
    ['circular attributes', circular],
    ['a circular root', circularRoot],
    [
      'deep nesting under an unknown key',
      { ...touchpointExample('purchase'), x: deeplyNested(100_000) },
    ],
    ['deep nesting in attributes', exampleWith('custom', 'data.attributes', deeplyNested(100_000))],
    ['deep nesting as an item', exampleWith('purchase', 'data.items[0]', deeplyNested(100_000))],
    ['deep nesting as metadata', exampleWith('purchase', 'metadata', deeplyNested(100_000))],
    ['a 10 MB orderId', exampleWith('purchase', 'data.orderId', 'x'.repeat(10_000_000))],
    ['a 10 MB attribute', exampleWith('custom', 'data.attributes', { s: 'x'.repeat(10_000_000) })],
    ['a 1 MB key', { ...touchpointExample('purchase'), ['k'.repeat(1_000_000)]: 1 }],
    [
      '100,000 items',
      exampleWith(
        'purchase',
        'data.items',
        Array.from({ length: 100_000 }, () => ({})),
      ),
    ],
    ['a BigInt amount', exampleWith('purchase', 'data.amount', BigInt(10))],
    [
      'a constructor key at the root',
      JSON.parse('{"constructor":{"prototype":{"x":1}}}') as unknown,
    ],
  ])('%s', (_name, input) => {
    const started = Date.now();
    let result: ReturnType<typeof validate> | undefined;
    expect(() => (result = validate(input))).not.toThrow();
    expect(result?.ok).toBe(false);
    if (result && !result.ok) {
      expect(result.errors.length).toBeGreaterThan(0);
      expect(result.errors.length).toBeLessThanOrEqual(MAX_REPORTED_ERRORS);
      for (const error of result.errors) expect(error.path.length).toBeLessThan(200);
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('names the root for input that is not an object, and shortens huge keys in paths', () => {
    expect(errorsOf(null)).toEqual([{ path: '', message: 'a touchpoint must be a JSON object' }]);
    const errors = errorsOf({ ...touchpointExample('purchase'), ['k'.repeat(1000)]: 1 });
    expect(errors).toEqual([
      { path: `["${'k'.repeat(64)}…"]`, message: `property ${'k'.repeat(64)}… should not exist` },
    ]);
  });

  it('caps the error list for input with thousands of problems', () => {
    const input: Record<string, unknown> = { ...touchpointExample('purchase') };
    for (let i = 0; i < 10_000; i++) input[`junk${i}`] = i;
    expect(errorsOf(input)).toHaveLength(MAX_REPORTED_ERRORS);
  });

  it('does not mutate its input, valid or not', () => {
    const inputs = [
      ...allTouchpointExamples(),
      exampleWith('purchase', 'data.amount', -1),
      {
        ...exampleWith('complaint.opened', 'data.text', null),
        sentiment: null,
        eventId: 'A4E1C4B2-0C43-4F0B-9B52-8E36D7A9A1F1',
      },
    ];
    for (const input of inputs) {
      const before = JSON.stringify(input);
      deepFreeze(input);
      expect(() => validateJourneyEvent(input, { now: NOW })).not.toThrow();
      expect(JSON.stringify(input)).toBe(before);
    }
  });
});

describe('validateTouchpointBatch', () => {
  const batch = (items: unknown) => validateTouchpointBatch(items, { now: NOW });

  it('returns every touchpoint, in order, when all are valid', () => {
    const items = [
      touchpointExample('purchase'),
      touchpointExample('browse'),
      touchpointExample('survey.nps'),
    ];
    expect(batch(items)).toEqual({ ok: true, touchpoints: items });
  });

  it('prefixes every error with its index and rejects the whole batch', () => {
    const result = batch([
      touchpointExample('purchase'),
      exampleWith('purchase', 'data.amount', -1),
      touchpointExample('browse'),
      exampleWith('purchase', 'data.items[2]', { sku: 'x', quantity: 0, price: 1 }),
      null,
      { ...touchpointExample('custom'), ['odd key']: 1 },
    ]);
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: 'touchpoints[1].data.amount', message: 'amount must not be less than 0' },
        {
          path: 'touchpoints[3].data.items[2].quantity',
          message: 'quantity must not be less than 1',
        },
        { path: 'touchpoints[4]', message: 'a touchpoint must be a JSON object' },
        { path: 'touchpoints[5]["odd key"]', message: 'property odd key should not exist' },
      ],
    });
  });

  it('refuses the same eventId twice in one batch', () => {
    const purchase = touchpointExample('purchase');
    const again = { ...touchpointExample('browse'), eventId: purchase.eventId.toUpperCase() };
    expect(batch([purchase, touchpointExample('browse'), again])).toEqual({
      ok: false,
      errors: [
        {
          path: 'touchpoints[2].eventId',
          message: 'eventId repeats the eventId of touchpoints[0]',
        },
      ],
    });
  });

  it('refuses a non-array and an empty batch, and caps the error list', () => {
    expect(batch({ touchpoints: [] })).toEqual({
      ok: false,
      errors: [{ path: 'touchpoints', message: 'touchpoints must be an array' }],
    });
    expect(batch([])).toEqual({
      ok: false,
      errors: [{ path: 'touchpoints', message: 'touchpoints must not be empty' }],
    });
    const result = batch(Array.from({ length: 1000 }, () => ({})));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(MAX_REPORTED_ERRORS + 1);
      expect(result.errors[MAX_REPORTED_ERRORS]).toEqual({
        path: 'touchpoints',
        message: expect.stringMatching(/^at least \d+ more errors not listed$/),
      });
    }
  });
});

describe('validateEventData', () => {
  it('checks data alone against the current schema of its type', () => {
    expect(validateEventData('purchase', touchpointExample('purchase').data)).toEqual([]);
    expect(validateEventData('survey.nps', { score: 11 })).toEqual([
      { path: 'data.score', message: 'score must not be greater than 10' },
    ]);
    expect(validateEventData('purchase', null)).toEqual([
      { path: 'data', message: 'data must be an object' },
    ]);
  });
});
