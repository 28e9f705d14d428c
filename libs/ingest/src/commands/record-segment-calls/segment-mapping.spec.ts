import type { SegmentMappingConfig } from '@touchline/config';
import type { Touchpoint } from '@touchline/touchpoints';
import {
  channelFor,
  eventIdForMessage,
  linkedEventId,
  mapSegmentRequest,
  MAX_BATCH_CALLS,
  occurredAtFor,
  parseSegmentTime,
  SKEW_CORRECTION_THRESHOLD_MS,
  type SegmentRoute,
} from './segment-mapping';
import { SegmentMapping } from './segment-track-rules';

const RECEIVED_AT = Date.parse('2026-03-14T14:10:00.000Z');
const BUILT_IN = SegmentMapping.compile();

function map(body: unknown, route: SegmentRoute = 'batch', mapping = BUILT_IN) {
  // Bodies arrive as parsed JSON: no undefined members, no class instances.
  return mapSegmentRequest(JSON.parse(JSON.stringify(body)), {
    route,
    receivedAt: RECEIVED_AT,
    source: 'segment:shop',
    mapping,
  });
}

function touchpointsOf(body: unknown, route: SegmentRoute = 'batch', mapping = BUILT_IN) {
  const result = map(body, route, mapping);
  if (!result.ok) throw new Error(`expected a valid request: ${JSON.stringify(result.errors)}`);
  return result.touchpoints;
}

function errorsOf(body: unknown, route: SegmentRoute = 'batch', mapping = BUILT_IN) {
  const result = map(body, route, mapping);
  if (result.ok) throw new Error('expected an invalid request');
  return result.errors;
}

/** One track call as analytics-node sends it, with the given fields on top. */
function track(
  event: string,
  properties: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    type: 'track',
    event,
    userId: 'c-10482',
    messageId: `m-${event}`,
    timestamp: '2026-03-14T14:09:26.535Z',
    properties,
    context: { library: { name: '@segment/analytics-node', version: '3.1.0' } },
    ...extra,
  };
}

const one = (calls: unknown[], mapping = BUILT_IN): Touchpoint => {
  const touchpoints = touchpointsOf({ batch: calls }, 'batch', mapping);
  expect(touchpoints).toHaveLength(1);
  return touchpoints[0]!;
};

const ORDER = {
  checkout_id: 'fksdjfsdjfisjf9sdfjsd9f',
  order_id: '50314b8e9bcf000000000000',
  affiliation: 'Google Store',
  total: 27.5,
  subtotal: 22.5,
  revenue: 25,
  shipping: 3,
  tax: 2,
  discount: 2.5,
  coupon: 'hasbros',
  currency: 'usd',
  products: [
    {
      product_id: '507f1f77bcf86cd799439011',
      sku: '45790-32',
      name: 'Monopoly: 3rd Edition',
      price: 19,
      quantity: 1,
      category: 'Games',
      url: 'https://www.example.com/product/path',
    },
    { product_id: 505, name: 'Uno Card Game', price: 3.0000000000000004, quantity: 2 },
  ],
};

describe('messageId → eventId', () => {
  it('uses a UUID messageId as the eventId, lower-cased', () => {
    expect(eventIdForMessage('3F9A472D-62FF-450C-BFF3-7A5A772B6969')).toBe(
      '3f9a472d-62ff-450c-bff3-7a5a772b6969',
    );
  });

  it('derives a stable UUIDv5 from any other messageId, the same on every call and process', () => {
    const id = eventIdForMessage('node-next-1773497366535-3f9a472d-62ff-450c-bff3-7a5a772b6969');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Pinned: the namespace is a persisted contract, a change would store every retry twice.
    expect(eventIdForMessage('m-1')).toBe('2a2b4a09-436c-564e-9343-eb99968472c3');
    expect(eventIdForMessage('m-1')).toBe(eventIdForMessage('m-1'));
    expect(eventIdForMessage('m-2')).not.toBe(eventIdForMessage('m-1'));
    // Not what the catalogue takes as a UUID (nil, version 0): derived too.
    expect(eventIdForMessage('00000000-0000-0000-0000-000000000000')).not.toMatch(/^0{8}/);
  });

  it("gives an identify's identity.linked an id of its own, derived from the message's", () => {
    const id = eventIdForMessage('m-1');
    expect(linkedEventId(id)).not.toBe(id);
    expect(linkedEventId(id)).toBe(linkedEventId(eventIdForMessage('m-1')));
  });
});

describe('time', () => {
  it("parses ISO 8601 date-times with a zone, Segment's loose ones included", () => {
    expect(parseSegmentTime('2026-03-14T14:09:26.535Z')).toBe(
      Date.parse('2026-03-14T14:09:26.535Z'),
    );
    expect(parseSegmentTime('2015-2-02T00:30:08.276Z')).toBe(
      Date.parse('2015-02-02T00:30:08.276Z'),
    );
    expect(parseSegmentTime('2026-03-14T15:09:26.535123456+01:00')).toBe(
      Date.parse('2026-03-14T14:09:26.535Z'),
    );
    expect(parseSegmentTime('2026-03-14T15:09+0100')).toBe(Date.parse('2026-03-14T14:09:00Z'));
    for (const bad of [
      '2026-03-14T14:09:26',
      '2026-02-30T00:00:00Z',
      'yesterday',
      1773497366535,
      null,
    ])
      expect(parseSegmentTime(bad)).toBe('invalid');
  });

  const ts = Date.parse('2026-03-14T14:00:00.000Z');

  it('keeps the timestamp as sent when there is no sentAt', () => {
    expect(occurredAtFor({ timestamp: ts, sentAt: undefined, receivedAt: RECEIVED_AT })).toBe(ts);
  });

  it('uses the receive time when the call has no timestamp', () => {
    expect(occurredAtFor({ timestamp: undefined, sentAt: ts, receivedAt: RECEIVED_AT })).toBe(
      RECEIVED_AT,
    );
  });

  it('keeps the timestamp when sentAt and receivedAt differ by transit time only', () => {
    const sentAt = RECEIVED_AT - 350;
    expect(occurredAtFor({ timestamp: ts, sentAt, receivedAt: RECEIVED_AT })).toBe(ts);
    const late = RECEIVED_AT - SKEW_CORRECTION_THRESHOLD_MS;
    expect(occurredAtFor({ timestamp: ts, sentAt: late, receivedAt: RECEIVED_AT })).toBe(ts);
  });

  it('corrects a skewed client clock: receivedAt − (sentAt − timestamp), either way', () => {
    // The client's clock is 2 hours behind: the event happened 10 minutes before it was sent.
    const behind = { timestamp: ts - 7_200_000, sentAt: ts - 7_200_000 + 600_000 };
    expect(occurredAtFor({ ...behind, receivedAt: ts + 600_000 })).toBe(ts);
    const ahead = { timestamp: ts + 3_600_000, sentAt: ts + 3_600_000 + 1_000 };
    expect(occurredAtFor({ ...ahead, receivedAt: ts + 1_000 })).toBe(ts);
  });

  it('gives a retry of the same message the same occurredAt, so the store sees a duplicate', () => {
    // analytics-node sets a new sentAt on every attempt; the server sees a new receivedAt.
    const attempts = [
      { sentAt: RECEIVED_AT - 120, receivedAt: RECEIVED_AT },
      { sentAt: RECEIVED_AT + 9_880, receivedAt: RECEIVED_AT + 10_004 },
      { sentAt: RECEIVED_AT + 3_600_000, receivedAt: RECEIVED_AT + 3_600_650 },
    ];
    const times = attempts.map((a) => occurredAtFor({ timestamp: ts, ...a }));
    expect(new Set(times)).toEqual(new Set([ts]));
    const requests = attempts.map((a) =>
      mapSegmentRequest(
        {
          batch: [
            track('Product Clicked', { sku: 'A' }, { timestamp: new Date(ts).toISOString() }),
          ],
          sentAt: new Date(a.sentAt).toISOString(),
        },
        { route: 'batch', receivedAt: a.receivedAt, source: 'segment:shop', mapping: BUILT_IN },
      ),
    );
    const stored = requests.map((r) => (r.ok ? JSON.stringify(r.touchpoints) : 'invalid'));
    expect(new Set(stored).size).toBe(1);
  });

  it('corrects by the skew in a request, and reports a bad time by its path', () => {
    const skewed = touchpointsOf({
      batch: [track('Product Clicked', {}, { timestamp: '2026-03-14T12:09:26.535Z' })],
      sentAt: '2026-03-14T12:09:59.000Z', // two hours behind the server
    });
    expect(skewed[0]!.occurredAt).toBe('2026-03-14T14:09:27.535Z');
    expect(
      errorsOf({ batch: [track('A', {}, { timestamp: '14.3.2026' })], sentAt: 'now' }),
    ).toEqual([
      { path: 'sentAt', message: expect.stringMatching(/^sentAt must be an ISO 8601 date-time/) },
      {
        path: 'batch[0].timestamp',
        message: expect.stringMatching(/^timestamp must be an ISO 8601 date-time/),
      },
    ]);
  });
});

describe('channel', () => {
  const channel = (
    type: Parameters<typeof channelFor>[0],
    context: Record<string, unknown>,
    call: Record<string, unknown> = {},
  ) => channelFor(type, call, context);

  it('takes context.channel when it names a touchline channel', () => {
    expect(channel('track', { channel: 'store', library: { name: 'analytics.js' } })).toBe('store');
    expect(channel('track', { channel: 'pigeon' })).toBe('other');
  });

  it('follows the library: browser → web, mobile → app, server → by call type, else other', () => {
    expect(channel('track', { library: { name: 'analytics.js' } })).toBe('web');
    expect(channel('track', { library: { name: 'analytics-ios' } })).toBe('app');
    expect(channel('track', { library: { name: 'analytics-react-native' } })).toBe('app');
    expect(channel('track', { library: { name: '@segment/analytics-node' } })).toBe('other');
    expect(channel('page', { library: { name: '@segment/analytics-node' } })).toBe('web');
    expect(channel('screen', {})).toBe('app');
  });

  it("reads RudderStack's channel field", () => {
    expect(channel('track', {}, { channel: 'mobile' })).toBe('app');
    expect(channel('track', {}, { channel: 'web' })).toBe('web');
    expect(channel('track', {}, { channel: 'server' })).toBe('other');
  });
});

describe('identify', () => {
  const identify = {
    type: 'identify',
    userId: 'c-10482',
    anonymousId: 'anon-7f3b9c2e',
    messageId: 'id-1',
    timestamp: '2026-03-14T14:05:00Z',
    traits: {
      email: 'jana.novak@example.com',
      first_name: 'Jana',
      lastName: 'Novák',
      phone: '+420601234567',
      birthday: '1990-05-01T00:00:00.000Z',
      address: {
        street: 'Dlouhá 12',
        city: 'Praha',
        state: 'Praha',
        postalCode: '110 00',
        country: 'cz',
      },
      name: '',
      plan: 'gold',
      logins: 12,
    },
  };

  it('records the traits as profile.updated, reserved ones under the catalogue names', () => {
    const [profile] = touchpointsOf({ batch: [identify] });
    expect(profile).toEqual({
      eventId: eventIdForMessage('id-1'),
      type: 'profile.updated',
      occurredAt: '2026-03-14T14:05:00.000Z',
      customerId: 'c-10482',
      anonymousId: 'anon-7f3b9c2e',
      channel: 'other',
      data: {
        attributes: {
          email: 'jana.novak@example.com',
          name: null, // "" clears, as null does
          firstName: 'Jana',
          lastName: 'Novák',
          phone: '+420601234567',
          birthDate: '1990-05-01',
          address: {
            line1: 'Dlouhá 12',
            city: 'Praha',
            region: 'Praha',
            postalCode: '110 00',
            country: 'CZ',
          },
          plan: 'gold',
          logins: 12,
        },
      },
      metadata: { source: 'segment:shop' },
    });
  });

  it('links the anonymous visitor to the customer when both ids are given', () => {
    const [, linked] = touchpointsOf({ batch: [identify] });
    expect(linked).toMatchObject({
      eventId: linkedEventId(eventIdForMessage('id-1')),
      type: 'identity.linked',
      customerId: 'c-10482',
      data: { anonymousId: 'anon-7f3b9c2e' },
    });
  });

  it('records an anonymous profile in the anonymous stream, and nothing for a bare identify', () => {
    const anonymous = touchpointsOf({ batch: [{ ...identify, userId: undefined }] });
    expect(anonymous.map((t) => [t.type, t.customerId, t.anonymousId])).toEqual([
      ['profile.updated', undefined, 'anon-7f3b9c2e'],
    ]);
    expect(
      touchpointsOf({ type: 'identify', userId: 'c-1', messageId: 'id-2' }, 'identify'),
    ).toEqual([]);
  });

  it('reports traits the catalogue refuses at their path in the call', () => {
    expect(
      errorsOf({
        batch: [
          { ...identify, userId: 'jana@example.com', traits: { email: 'nope', phone: '555-1234' } },
        ],
      }),
    ).toEqual([
      {
        path: 'batch[0].userId',
        message: expect.stringMatching(/must be an opaque id .*\(profile\.updated customerId\)$/),
      },
      {
        path: 'batch[0].traits.email',
        message: 'email must be an email address (profile.updated data.attributes.email)',
      },
      {
        path: 'batch[0].traits.phone',
        message: expect.stringMatching(/^phone must be a phone number in E\.164 form/),
      },
      expect.objectContaining({ path: 'batch[0].userId' }), // the identity.linked's customerId
    ]);
  });
});

describe('alias', () => {
  const alias = { type: 'alias', userId: 'c-10482', previousId: 'legacy-77', messageId: 'al-1' };

  it('links an earlier user id as identity.linked in the new id’s stream', () => {
    expect(one([alias])).toMatchObject({
      type: 'identity.linked',
      customerId: 'c-10482',
      data: { previousId: 'legacy-77' },
    });
  });

  it('links an anonymous visitor when previousId is the call’s anonymousId', () => {
    expect(one([{ ...alias, anonymousId: 'anon-1', previousId: 'anon-1' }]).data).toEqual({
      anonymousId: 'anon-1',
    });
  });

  it('needs both ids', () => {
    expect(errorsOf({ ...alias, userId: undefined, anonymousId: 'anon-1' }, 'alias')).toEqual([
      { path: 'userId', message: 'alias needs the userId the customer is known by now' },
    ]);
    expect(errorsOf({ ...alias, previousId: '' }, 'alias')).toEqual([
      { path: 'previousId', message: 'alias needs the previousId to link' },
    ]);
  });
});

describe('page, screen, group', () => {
  it('records a page as browse on the web, with URL, title, referrer and category', () => {
    const page = one([
      {
        type: 'page',
        anonymousId: 'anon-1',
        messageId: 'p-1',
        name: 'Mug',
        category: 'product',
        properties: { url: 'https://shop.example.com/p/mug', path: '/p/mug', search: '' },
        context: { page: { title: 'Stoneware mug', referrer: '' } },
      },
    ]);
    expect(page).toMatchObject({
      type: 'browse',
      channel: 'web',
      anonymousId: 'anon-1',
      data: {
        url: 'https://shop.example.com/p/mug',
        title: 'Stoneware mug',
        pageType: 'product',
        attributes: { path: '/p/mug', search: '', name: 'Mug' },
      },
    });
    expect(page.data).not.toHaveProperty('referrer');
  });

  it('records a page without a URL by its name, and one without either as custom', () => {
    expect(one([{ type: 'page', userId: 'c-1', messageId: 'p-2', name: 'Home' }]).data).toEqual({
      screen: 'Home',
    });
    expect(one([{ type: 'page', userId: 'c-1', messageId: 'p-3' }]).data).toEqual({
      name: 'Page Viewed',
    });
  });

  it('records a screen as browse in the app', () => {
    const screen = one([
      {
        type: 'screen',
        userId: 'c-1',
        messageId: 's-1',
        name: 'ProductDetail',
        properties: { sku: 'A' },
      },
    ]);
    expect(screen).toMatchObject({
      type: 'browse',
      channel: 'app',
      data: { screen: 'ProductDetail', attributes: { sku: 'A' } },
    });
  });

  it('keeps a group call as custom "Group", with the group id and traits', () => {
    expect(
      one([
        {
          type: 'group',
          userId: 'c-1',
          messageId: 'g-1',
          groupId: 'acme',
          traits: { plan: 'b2b' },
        },
      ]),
    ).toMatchObject({
      type: 'custom',
      data: { name: 'Group', attributes: { groupId: 'acme', traits: { plan: 'b2b' } } },
    });
  });
});

describe('track: the e-commerce spec', () => {
  it('records Order Completed as purchase: total, currency, products as items, the rest as attributes', () => {
    expect(one([track('Order Completed', ORDER)])).toEqual({
      eventId: eventIdForMessage('m-Order Completed'),
      type: 'purchase',
      occurredAt: '2026-03-14T14:09:26.535Z',
      customerId: 'c-10482',
      channel: 'other',
      data: {
        orderId: '50314b8e9bcf000000000000',
        amount: 27.5,
        currency: 'USD',
        items: [
          {
            sku: '45790-32',
            name: 'Monopoly: 3rd Edition',
            category: 'Games',
            quantity: 1,
            price: 19,
          },
          { sku: '505', name: 'Uno Card Game', quantity: 2, price: 3 },
        ],
        attributes: {
          checkout_id: 'fksdjfsdjfisjf9sdfjsd9f',
          affiliation: 'Google Store',
          subtotal: 22.5,
          revenue: 25, // not needed for the amount: kept
          shipping: 3,
          tax: 2,
          discount: 2.5,
          coupon: 'hasbros',
        },
      },
      metadata: { source: 'segment:shop' },
    });
  });

  it('takes revenue, value or the products’ sum when there is no total, and USD by default', () => {
    const { total: _t, revenue: _r, currency: _c, ...rest } = ORDER;
    expect(one([track('Order Completed', { ...rest, revenue: 25 })]).data).toMatchObject({
      amount: 25,
      currency: 'USD',
    });
    expect(one([track('Order Completed', rest)]).data).toMatchObject({ amount: 25 });
  });

  it('falls back to custom when an order has no id or no amount at all', () => {
    const noId = one([track('Order Completed', { total: 10 })]);
    expect(noId).toMatchObject({
      type: 'custom',
      data: { name: 'Order Completed', attributes: { total: 10 } },
    });
  });

  it('records Order Refunded as refund', () => {
    expect(
      one([
        track('Order Refunded', {
          order_id: 'SO-1',
          total: 30,
          currency: 'EUR',
          reason: 'cracked',
        }),
      ]),
    ).toMatchObject({
      type: 'refund',
      data: { orderId: 'SO-1', amount: 30, currency: 'EUR', reason: 'cracked' },
    });
  });

  it('records Product Viewed and Products Searched as browse when the page is known', () => {
    const viewed = one([
      track(
        'Product Viewed',
        { product_id: 'p-1', sku: 'MUG-STONE', name: 'Mug', price: 18.99 },
        { context: { page: { url: 'https://shop.example.com/p/mug', title: 'Mug' } } },
      ),
    ]);
    expect(viewed).toMatchObject({
      type: 'browse',
      data: {
        url: 'https://shop.example.com/p/mug',
        title: 'Mug',
        pageType: 'product',
        productSku: 'MUG-STONE',
        attributes: { product_id: 'p-1', name: 'Mug', price: 18.99 },
      },
    });
    const searched = one([
      track('Products Searched', { query: 'blue roses', url: 'https://shop.example.com/s?q=blue' }),
    ]);
    expect(searched).toMatchObject({
      type: 'browse',
      data: { pageType: 'search', attributes: { query: 'blue roses' } },
    });
    // From a server, without a page: custom, so nothing is lost.
    expect(one([track('Product Viewed', { sku: 'MUG' })])).toMatchObject({
      type: 'custom',
      data: { name: 'Product Viewed' },
    });
  });

  it('records email and promotion events as campaign.response', () => {
    expect(
      one([
        track('Email Link Clicked', {
          campaign_id: 123,
          email_subject: 'Spring',
          link_url: 'https://x.example',
        }),
      ]),
    ).toMatchObject({
      type: 'campaign.response',
      channel: 'email',
      data: { campaignId: '123', response: 'clicked', attributes: { email_subject: 'Spring' } },
    });
    expect(
      one([track('Promotion Clicked', { promotion_id: 'promo_1', creative: 'top_banner_2' })]),
    ).toMatchObject({
      type: 'campaign.response',
      channel: 'other',
      data: { campaignId: 'promo_1', response: 'clicked', variant: 'top_banner_2' },
    });
  });

  it('matches event names ignoring case and spacing', () => {
    expect(one([track('order  completed', ORDER)]).type).toBe('purchase');
  });

  it('records an unmapped event as custom, named after it, with its properties', () => {
    expect(one([track('Wishlist Shared', { wishlistId: 'wl-311', items: 4 })])).toMatchObject({
      type: 'custom',
      data: { name: 'Wishlist Shared', attributes: { wishlistId: 'wl-311', items: 4 } },
    });
    expect(one([track('Coupon Applied', {})]).data).toEqual({ name: 'Coupon Applied' });
  });

  it('reports what the catalogue refuses at its path in the Segment call', () => {
    const errors = errorsOf({
      batch: [
        track('Order Completed', {
          order_id: 'SO-1',
          total: -1,
          currency: 'EURO',
          products: [
            { sku: 'A', price: 1 },
            { sku: 'B', quantity: 0 },
          ],
        }),
        track('Huge', { __proto__x: 1, blob: 'x'.repeat(9_000) }),
      ],
    });
    expect(errors).toEqual([
      {
        path: 'batch[0].properties.total',
        message: 'amount must not be less than 0 (purchase data.amount)',
      },
      {
        path: 'batch[0].properties.currency',
        message: expect.stringMatching(/^currency must be an ISO 4217 currency code/),
      },
      {
        path: 'batch[0].properties.products[1].quantity',
        message: 'quantity must not be less than 1 (purchase data.items[1].quantity)',
      },
      {
        path: 'batch[0].properties.products[1].price',
        message: 'price is required (purchase data.items[1].price)',
      },
      {
        path: 'batch[1].properties',
        message: 'must serialize to at most 8192 bytes of JSON (custom data.attributes)',
      },
    ]);
  });

  it('refuses prototype keys as the catalogue does, without ever setting a prototype', () => {
    const body = `{"batch":[${JSON.stringify(track('X', {})).replace('"properties":{}', '"properties":{"__proto__":{"polluted":true}}')}]}`;
    const result = mapSegmentRequest(JSON.parse(body), {
      route: 'batch',
      receivedAt: RECEIVED_AT,
      source: 'segment:shop',
      mapping: BUILT_IN,
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          path: 'batch[0].properties.__proto__',
          message: 'the key __proto__ is not allowed (custom data.attributes.__proto__)',
        },
      ],
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('track: the mapping file', () => {
  const file = (events: SegmentMappingConfig['events'], defaults = true): SegmentMapping =>
    SegmentMapping.compile({ file: 'mapping.json', defaults, events });

  it('maps a configured event, e.g. a survey answer, and overrides a built-in rule', () => {
    const mapping = file({
      'NPS Submitted': {
        type: 'survey.nps',
        data: {
          score: { path: 'properties.score', as: 'number' },
          comment: 'properties.comment',
          surveyId: { value: 'nps-2026' },
        },
        requires: ['score'],
        channel: 'email',
      },
      'Order Completed': { type: 'custom', attributes: 'none' },
    });
    expect(one([track('NPS Submitted', { score: '9', comment: 'Great' })], mapping)).toMatchObject({
      type: 'survey.nps',
      channel: 'email',
      data: { score: 9, comment: 'Great', surveyId: 'nps-2026' },
    });
    expect(one([track('Order Completed', ORDER)], mapping).data).toEqual({
      name: 'Order Completed',
    });
    expect(one([track('Order Refunded', { order_id: 'SO-1', total: 1 })], mapping).type).toBe(
      'refund',
    );
  });

  it('can turn the built-in rules off', () => {
    expect(one([track('Order Completed', ORDER)], file({}, false)).type).toBe('custom');
  });

  it('refuses to start on rules that do not fit the catalogue, listing each', () => {
    expect(() =>
      file({
        A: { type: 'purchse' },
        B: { type: 'purchase', data: { amout: 'properties.total', channel: 'context.channel' } },
        C: { type: 'browse', data: { url: { each: 'properties.links', item: { href: 'href' } } } },
        D: {
          type: 'refund',
          data: { items: { each: 'properties.products', item: { code: 'sku' } } },
        },
        E: { type: 'custom', channel: 'fax' },
      }),
    ).toThrow(
      [
        'Invalid Segment mapping (TOUCHLINE_SEGMENT_MAPPING_FILE):',
        '  - mapping.json: events["A"].type: "purchse" is not a touchpoint type (purchase, refund, enquiry, complaint.opened, complaint.responded, complaint.resolved, complaint.reopened, survey.nps, survey.csat, survey.ces, browse, campaign.response, delivery, service.contact, loyalty.earned, loyalty.redeemed, profile.updated, consent.changed, identity.linked, custom)',
        '  - mapping.json: events["B"].data.amout: purchase has no field amout (it has orderId, amount, currency, items, attributes)',
        '  - mapping.json: events["B"].data.channel: purchase has no field channel (it has orderId, amount, currency, items, attributes)',
        '  - mapping.json: events["C"].data.url: each builds a list, and url is not one (lists: items)',
        '  - mapping.json: events["D"].data.items.item.code: an item has no field code (it has sku, name, category, quantity, price)',
        '  - mapping.json: events["E"].channel: "fax" is not a channel (web, app, store, phone, email, chat, social, other)',
      ].join('\n'),
    );
  });
});

describe('requests', () => {
  it('takes single calls at their own route, the route naming the type', () => {
    const [touchpoint] = touchpointsOf(
      { event: 'Wishlist Shared', userId: 'c-1', messageId: 'x', writeKey: 'ignored' },
      'track',
    );
    expect(touchpoint).toMatchObject({ type: 'custom', data: { name: 'Wishlist Shared' } });
    expect(JSON.stringify(touchpoint)).not.toContain('ignored');
  });

  it("merges the batch's context under each call's own", () => {
    const touchpoints = touchpointsOf({
      batch: [
        { ...track('A', {}), context: undefined },
        { ...track('B', {}), context: { channel: 'store' } },
      ],
      context: { library: { name: 'analytics-android' } },
    });
    expect(touchpoints.map((t) => t.channel)).toEqual(['app', 'store']);
  });

  it('needs a messageId, a user, a known type and an event name, each reported where it is', () => {
    expect(
      errorsOf({
        batch: [
          { type: 'track', event: 'A', userId: 'c-1' },
          { type: 'track', event: 'A', messageId: 'b' },
          { type: 'flush', userId: 'c-1', messageId: 'c' },
          { type: 'track', userId: 'c-1', messageId: 'd' },
          [],
        ],
      }).map((e) => e.path),
    ).toEqual([
      'batch[0].messageId',
      'batch[1].userId',
      'batch[2].type',
      'batch[3].event',
      'batch[4]',
    ]);
  });

  it('records a message repeated within a batch once, and refuses one id for two messages', () => {
    expect(touchpointsOf({ batch: [track('A', {}), track('A', {})] })).toHaveLength(1);
    expect(errorsOf({ batch: [track('A', {}), track('A', { x: 1 })] })).toEqual([
      {
        path: 'batch[1].messageId',
        message: 'messageId repeats the one of batch[0], with different content',
      },
    ]);
  });

  it("holds Segment's limits: 32 KB per call, 500 KB and 2,500 calls per batch", () => {
    const big = track('Big', { blob: 'x'.repeat(33_000) });
    expect(errorsOf({ batch: [track('A', {}), big] })).toEqual([
      {
        path: 'batch[1]',
        message: expect.stringMatching(
          /^the call is 33,\d{3} bytes as JSON; at most 32,768 \(32 KB\)/,
        ),
      },
    ]);
    expect(errorsOf(big, 'track')).toEqual([
      {
        path: '',
        message: expect.stringMatching(/^the call is 33,\d{3} bytes as JSON; at most 32,768/),
      },
    ]);
    const calls = Array.from({ length: 20 }, (_, i) =>
      track('Mid', { blob: 'x'.repeat(30_000) }, { messageId: `mid-${i}` }),
    );
    expect(errorsOf({ batch: calls })).toEqual([
      {
        path: '',
        message: expect.stringMatching(
          /^the batch is 60\d,\d{3} bytes as JSON; at most 512,000 \(500 KB\)/,
        ),
      },
    ]);
    const many = Array.from({ length: MAX_BATCH_CALLS + 1 }, (_, i) => ({
      ...track('A', {}),
      messageId: `n-${i}`,
    }));
    expect(errorsOf({ batch: many })).toEqual([
      { path: 'batch', message: 'a batch holds at most 2,500 calls, got 2,501' },
    ]);
    expect(touchpointsOf({ batch: many.slice(0, MAX_BATCH_CALLS) })).toHaveLength(MAX_BATCH_CALLS);
  });

  it('refuses a body that is not a batch', () => {
    expect(errorsOf([])).toEqual([{ path: '', message: 'the body must be a JSON object' }]);
    expect(errorsOf({ batch: [] })).toEqual([
      { path: 'batch', message: 'batch must be a non-empty array of calls' },
    ]);
  });

  it('lists at most 100 problems, then says how many more there were', () => {
    const calls = Array.from({ length: 150 }, (_, i) => ({
      type: 'track',
      event: 'A',
      messageId: `x-${i}`,
    }));
    const errors = errorsOf({ batch: calls });
    expect(errors).toHaveLength(101);
    expect(errors[100]).toEqual({ path: '', message: 'at least 50 more errors not listed' });
  });
});
