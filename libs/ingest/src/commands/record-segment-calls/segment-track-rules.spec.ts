import { TOUCHPOINT_CATALOGUE } from '@touchline/touchpoints';
import {
  BUILT_IN_TRACK_RULES,
  coerce,
  mapTrack,
  SegmentMapping,
  valueAt,
} from './segment-track-rules';

describe('built-in track rules', () => {
  it('all fit the catalogue', () => {
    const rules = SegmentMapping.compile().list();
    expect(rules.map((r) => r.event)).toEqual(Object.keys(BUILT_IN_TRACK_RULES));
    for (const rule of rules)
      expect(TOUCHPOINT_CATALOGUE[rule.type].acceptedFromProducers).toBe(true);
  });

  it('fall back to custom, keeping their channel, when a required field has no value', () => {
    const call = { event: 'Email Opened', properties: { email_subject: 'Spring' } };
    expect(mapTrack(SegmentMapping.compile(), 'Email Opened', call, call.properties)).toEqual({
      type: 'custom',
      data: { name: 'Email Opened', attributes: { email_subject: 'Spring' } },
      channel: 'email',
      trace: [
        ['data.name', 'event'],
        ['data.attributes', 'properties'],
      ],
    });
  });

  it('trace each value to where it was read, for error messages', () => {
    const properties = { order_id: 'SO-1', revenue: 10, products: [{ sku: 'A', price: 10 }] };
    const mapped = mapTrack(
      SegmentMapping.compile(),
      'Order Completed',
      { properties },
      properties,
    );
    expect(mapped.trace).toEqual([
      ['data.orderId', 'properties.order_id'],
      ['data.amount', 'properties.revenue'],
      ['data.currency', ''],
      ['data.items', 'properties.products'],
    ]);
  });

  it('sum the products when no amount is given, and only when every line has a price', () => {
    const mapping = SegmentMapping.compile();
    const amount = (products: unknown[]) => {
      const properties = { order_id: 'SO-1', products };
      return mapTrack(mapping, 'Order Completed', { properties }, properties).data.amount;
    };
    expect(amount([{ price: 19.99, quantity: 2 }, { price: '0.1' }])).toBe(40.08);
    expect(amount([{ price: 19.99 }, { quantity: 2 }])).toBeUndefined();
  });
});

describe('values', () => {
  it('read own members only', () => {
    expect(valueAt({ a: { b: 1 } }, ['a', 'b'])).toBe(1);
    expect(valueAt({ a: {} }, ['a', 'constructor'])).toBeUndefined();
    expect(valueAt({ a: 'text' }, ['a', 'length'])).toBeUndefined();
  });

  it('are coerced where they fit, and passed on as they are where not', () => {
    expect(coerce(507, 'string')).toBe('507');
    expect(coerce('19.99', 'number')).toBe(19.99);
    expect(coerce('19,99', 'number')).toBe('19,99');
    expect(coerce(19.990000000000002, 'amount')).toBe(19.99);
    expect(coerce('3.00001', 'amount')).toBe(3);
    expect(coerce('eur', 'upper')).toBe('EUR');
    expect(coerce('EUR', 'lower')).toBe('eur');
    expect(coerce('1990-05-01T00:00:00.000Z', 'date')).toBe('1990-05-01');
    expect(coerce('01.05.1990', 'date')).toBe('01.05.1990');
    expect(coerce({ a: 1 }, 'string')).toEqual({ a: 1 });
  });
});
