import { textSentiment } from '@touchline/analytics';
import { projectInMemory } from '@touchline/projections';
import { toCustomerProfileView } from '../queries/get-customer/customer-profile.view';
import { purchase, recorded, survey, touchpoint } from '../testing/touchpoints';
import { customerProfileProjection, type CustomerProfileRow } from './customer-profile.projection';

const C = 'c-1';
const at = (d: string) => `${d}T10:00:00.000Z`;
const COMPLAINT_TEXT = 'The parcel is terrible and late';

/** Given these events of one customer (and one of another) → this row, computed by hand. */
const events = [
  touchpoint({
    type: 'identity.linked',
    customerId: C,
    at: at('2025-01-04'),
    data: { anonymousId: 'anon-1' },
  }),
  touchpoint({
    type: 'profile.updated',
    customerId: C,
    at: at('2025-01-05'),
    data: {
      attributes: { firstName: 'Jana', email: 'jana@example.com', favouriteColour: 'green' },
    },
  }),
  touchpoint({
    type: 'consent.changed',
    customerId: C,
    at: at('2025-01-05'),
    data: { purpose: 'marketing.email', granted: true, policyVersion: 'p1' },
  }),
  purchase(C, at('2025-01-10'), 100.1),
  purchase(C, at('2025-02-10'), 250.25, { channel: 'store' }),
  touchpoint({
    type: 'loyalty.earned',
    customerId: C,
    at: at('2025-02-10'),
    channel: 'store',
    data: { points: 120 },
  }),
  touchpoint({
    type: 'refund',
    customerId: C,
    at: at('2025-02-20'),
    channel: 'email',
    data: { orderId: 'o-2', amount: 50.05, currency: 'EUR' },
  }),
  touchpoint({
    type: 'complaint.opened',
    customerId: C,
    at: at('2025-02-21'),
    channel: 'phone',
    sentiment: -0.8,
    data: { complaintId: 'CMP-1', category: 'damaged-item', severity: 'high' },
  }),
  touchpoint({
    type: 'complaint.opened',
    customerId: C,
    at: at('2025-02-22'),
    channel: 'email',
    data: {
      complaintId: 'CMP-2',
      category: 'late-delivery',
      severity: 'low',
      text: COMPLAINT_TEXT,
    },
  }),
  touchpoint({
    type: 'complaint.resolved',
    customerId: C,
    at: at('2025-02-25'),
    channel: 'email',
    data: { complaintId: 'CMP-1', resolution: 'refunded' },
  }),
  touchpoint({
    type: 'complaint.reopened',
    customerId: C,
    at: at('2025-03-01'),
    channel: 'phone',
    data: { complaintId: 'CMP-1' },
  }),
  touchpoint({
    type: 'loyalty.redeemed',
    customerId: C,
    at: at('2025-03-01'),
    channel: 'store',
    data: { points: 50 },
  }),
  touchpoint({
    type: 'complaint.resolved',
    customerId: C,
    at: at('2025-03-02'),
    channel: 'email',
    data: { complaintId: 'CMP-2', resolution: 'explained' },
  }),
  survey('nps', C, at('2025-03-03'), 9, { channel: 'email' }),
  // Older than the answer before, arriving later: it is not the last NPS.
  survey('nps', C, at('2025-02-01'), 3, { channel: 'email' }),
  survey('csat', C, at('2025-03-04'), 4, { channel: 'email' }),
  touchpoint({
    type: 'profile.updated',
    customerId: C,
    at: at('2025-03-05'),
    data: { attributes: { email: null, locale: 'cs-CZ' } },
  }),
  touchpoint({
    type: 'consent.changed',
    customerId: C,
    at: at('2025-03-05'),
    data: { purpose: 'marketing.email', granted: false },
  }),
  purchase('c-2', at('2025-03-05'), 7000),
  touchpoint({
    type: 'browse',
    anonymousId: 'anon-1',
    at: at('2025-01-03'),
    data: { screen: 'Home' },
  }),
];

function build(): Map<string, CustomerProfileRow> {
  const { rows, deadLetters } = projectInMemory(customerProfileProjection, recorded(events));
  expect(deadLetters).toEqual([]);
  return rows as unknown as Map<string, CustomerProfileRow>;
}

describe('customer_profile: given events → expect rows', () => {
  it('computes spend, orders, average order value, loyalty, complaints, surveys by hand', () => {
    const row = build().get(C)!;
    expect(row).toMatchObject({
      customerId: C,
      orders: 2,
      grossSpend: 350.35,
      refunds: 1,
      refundedAmount: 50.05,
      netSpend: 300.3,
      averageOrderValue: 150.15,
      currencies: ['EUR'],
      firstPurchaseAt: at('2025-01-10'),
      lastPurchaseAt: at('2025-02-10'),
      loyalty: { earned: 120, redeemed: 50, balance: 70 },
      complaints: { opened: 2, open: ['CMP-1'] },
      lastSurveys: {
        nps: { score: 9, at: at('2025-03-03'), channel: 'email' },
        csat: { score: 4, at: at('2025-03-04'), channel: 'email' },
        ces: null,
      },
    });
  });

  it('keeps ids, which attributes are set (never their values; null clears), latest consent, first/last seen and counts', () => {
    const row = build().get(C)!;
    expect(row.linkedAnonymousIds).toEqual(['anon-1']);
    expect(row.attributes).toEqual({
      firstName: '[personal]',
      favouriteColour: '[personal]',
      locale: '[personal]',
    });
    expect(JSON.stringify(row)).not.toMatch(/Jana|jana@example\.com|green|cs-CZ/);
    expect(row.consents).toEqual({
      'marketing.email': { granted: false, at: at('2025-03-05'), policyVersion: null },
    });
    // anon-1's browse, before the link, counts for the customer who linked it (identity).
    expect(row.firstSeenAt).toBe(at('2025-01-03'));
    expect(row.lastSeenAt).toBe(at('2025-03-05'));
    expect(row.touchpoints).toBe(19);
    expect(row.countsByType).toEqual({
      browse: 1,
      'identity.linked': 1,
      'profile.updated': 2,
      'consent.changed': 2,
      purchase: 2,
      'loyalty.earned': 1,
      refund: 1,
      'complaint.opened': 2,
      'complaint.resolved': 2,
      'complaint.reopened': 1,
      'loyalty.redeemed': 1,
      'survey.nps': 2,
      'survey.csat': 1,
    });
    expect(row.countsByChannel).toEqual({ web: 7, store: 3, email: 7, phone: 2 });
  });

  it('derives sentiment: explicit, else the survey score, else the text', () => {
    const row = build().get(C)!;
    const values = [-0.8, textSentiment(COMPLAINT_TEXT).sentiment, 0.6, -0.6, 0.5];
    expect(values[1]).toBeLessThan(0);
    expect(row.sentiment.n).toBe(5);
    expect(row.sentiment.mean).toBeCloseTo(values.reduce((a, b) => a + b) / 5, 12);
    expect(row.sentiment.lastAt).toBe(at('2025-03-04'));
  });

  it('computes tier from the configured thresholds and the lifecycle stage from the clock when read', () => {
    const row = build().get(C)!;
    const view = (vipSpend: number, keySpend: number, asOf: string) =>
      toCustomerProfileView(row, new Date(asOf), { vipSpend, keySpend });
    expect(view(5000, 1000, '2025-04-01T00:00:00Z').tier).toBe('regular');
    expect(view(1000, 300.3, '2025-04-01T00:00:00Z').tier).toBe('key');
    expect(view(300, 100, '2025-04-01T00:00:00Z').tier).toBe('vip');
    expect(view(5000, 1000, '2025-04-01T00:00:00Z').lifecycleStage).toBe('growth');
    expect(view(5000, 1000, '2025-09-01T00:00:00Z').lifecycleStage).toBe('decline');
    expect(view(5000, 1000, '2026-03-01T00:00:00Z').lifecycleStage).toBe('churned');
    expect(view(5000, 1000, '2025-04-01T00:00:00Z').complaints).toEqual({
      opened: 2,
      open: 1,
      openIds: ['CMP-1'],
    });
    const other = toCustomerProfileView(build().get('c-2')!, new Date('2025-04-01T00:00:00Z'), {
      vipSpend: 5000,
      keySpend: 1000,
    });
    expect(other).toMatchObject({ tier: 'vip', lifecycleStage: 'acquisition', orders: 1 });
  });

  it('makes no row for anonymous streams, and drops attributes on erasure without touching counts', () => {
    const rows = build();
    expect([...rows.keys()].sort()).toEqual(['c-1', 'c-2']);
    const erased = projectInMemory(
      customerProfileProjection,
      recorded([
        ...events.filter((e) => e.customerId === C),
        touchpoint({
          type: 'customer.erased',
          customerId: C,
          at: at('2025-04-01'),
          channel: 'other',
          data: { reason: 'gdpr-request' },
        }),
      ]),
    ).rows.get(C) as unknown as CustomerProfileRow;
    expect(erased.attributes).toEqual({});
    expect(erased.erasedAt).toBe(at('2025-04-01'));
    expect(erased.touchpoints).toBe(18);
    expect(erased.lastSeenAt).toBe(at('2025-03-05'));
  });
});
