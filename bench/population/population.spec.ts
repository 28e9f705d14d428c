import { validateTouchpoint, type Touchpoint } from '@touchline/touchpoints';
import { Population, SPEND_MODEL, uuidV5 } from './index';

const END = new Date('2026-11-01T00:00:00Z');
const DAY = 86_400_000;

function eventsOf(population: Population): Touchpoint[] {
  return [...population.events()];
}

describe('the synthetic population', () => {
  const population = new Population({ seed: 7, customers: 1_500, endAt: END });
  const events = eventsOf(population);
  const customers = [...population.customersBetween()];

  it('produces only touchpoints the catalogue accepts', () => {
    const invalid = events
      .map((event) => ({ event, result: validateTouchpoint(event, { now: END }) }))
      .filter(({ result }) => !result.ok)
      .slice(0, 3);
    expect(invalid).toEqual([]);
    expect(events.length).toBeGreaterThan(15 * customers.length);
  });

  it('is the same for the same seed, and another for another seed', () => {
    const again = new Population({ seed: 7, customers: 300, endAt: END });
    expect(eventsOf(again)).toEqual(customers.slice(0, 300).flatMap((c) => c.events));
    const other = new Population({ seed: 8, customers: 300, endAt: END });
    const otherEvents = eventsOf(other);
    expect(otherEvents.length).toBeGreaterThan(0);
    expect(otherEvents[0]!.eventId).not.toBe(events[0]!.eventId);
  });

  it('generates any customer on its own, without the ones before it', () => {
    expect(population.customer(1_234)).toEqual(customers[1_234]);
    expect(new Population({ seed: 7, customers: 5_000, endAt: END }).customer(42)).toEqual(
      customers[42],
    );
  });

  it('gives every event a distinct, name-based id', () => {
    const ids = new Set(events.map((e) => e.eventId));
    expect(ids.size).toBe(events.length);
    for (const id of [...ids].slice(0, 100))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab]/);
    // RFC 9562's own example: the DNS namespace and "www.example.com".
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('is lazy: the first events of a huge population come at once', () => {
    const huge = new Population({ seed: 1, customers: 10_000_000, endAt: END });
    const started = performance.now();
    const first: Touchpoint[] = [];
    for (const event of huge.events()) {
      first.push(event);
      if (first.length === 50) break;
    }
    expect(first).toHaveLength(50);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('keeps each customer in occurrence order, within the period', () => {
    for (const customer of customers) {
      const times = customer.events.map((e) => Date.parse(e.occurredAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(Math.max(...times)).toBeLessThan(END.getTime());
      expect(Math.min(...times)).toBeGreaterThan(population.startAt.getTime() - 15 * DAY);
      for (const event of customer.events) {
        if (event.customerId) expect(event.customerId).toBe(customer.customerId);
        else expect(event.anonymousId).toBe(customer.anonymousId);
      }
    }
  });

  it('links anonymous browsing to the customer at sign-up', () => {
    const linked = customers.filter((c) => c.anonymousId !== null);
    expect(linked.length / customers.length).toBeGreaterThan(0.4);
    expect(linked.length / customers.length).toBeLessThan(0.6);
    for (const customer of linked) {
      const link = customer.events.findIndex((e) => e.type === 'identity.linked');
      expect(customer.events[link]!.data).toEqual({ anonymousId: customer.anonymousId });
      const anonymous = customer.events.filter((e) => e.anonymousId !== undefined);
      expect(anonymous.length).toBeGreaterThan(0);
      expect(anonymous.every((e) => e.type === 'browse' && !e.customerId)).toBe(true);
      expect(customer.events.slice(0, anonymous.length)).toEqual(anonymous);
    }
    expect(customers.every((c) => c.events.some((e) => e.type === 'profile.updated'))).toBe(true);
  });

  it('concentrates browsing on a few very active customers (Zipf-like activity)', () => {
    const browsing = customers
      .map((c) => c.events.filter((e) => e.type === 'browse' && e.customerId).length)
      .sort((a, b) => b - a);
    const total = browsing.reduce((a, b) => a + b, 0);
    const topTenth = browsing.slice(0, customers.length / 10).reduce((a, b) => a + b, 0);
    expect(topTenth / total).toBeGreaterThan(0.3);
    expect(topTenth / total).toBeLessThan(0.8);
  });

  it('draws order values around the Gamma-Gamma mean and repeat orders like BG/NBD', () => {
    const purchases = events.filter((e) => e.type === 'purchase');
    const mean =
      purchases.reduce((sum, e) => sum + (e.data as { amount: number }).amount, 0) /
      purchases.length;
    const expected = (SPEND_MODEL.p * SPEND_MODEL.gamma) / (SPEND_MODEL.q - 1);
    // Baskets are made of real products to roughly the drawn value, so the mean is close, not exact.
    expect(mean).toBeGreaterThan(expected * 0.8);
    expect(mean).toBeLessThan(expected * 1.6);
    const orders = customers.map((c) => c.events.filter((e) => e.type === 'purchase').length);
    const buyers = orders.filter((n) => n > 0).length;
    const repeaters = orders.filter((n) => n > 1).length;
    expect(buyers / customers.length).toBeGreaterThan(0.75);
    expect(buyers / customers.length).toBeLessThan(0.95);
    expect(repeaters / buyers).toBeGreaterThan(0.3);
    expect(repeaters / buyers).toBeLessThan(0.9);
    expect(Math.max(...orders)).toBeGreaterThan(10);
  });

  it('scores surveys lower after bad experiences', () => {
    // An order was late when it was delivered after the promised time.
    const lateOrders = new Set(
      events
        .filter((e) => e.type === 'delivery' && e.data.status === 'delivered')
        .filter((e) => {
          const { promisedBy } = e.data as { promisedBy: string };
          return Date.parse(e.occurredAt) > Date.parse(promisedBy);
        })
        .map((e) => (e.data as { orderId: string }).orderId),
    );
    const orderOf = new Map(
      events
        .filter((e) => e.type === 'purchase')
        .map((e) => [e.eventId, (e.data as { orderId: string }).orderId]),
    );
    const meanScore = (type: 'survey.nps' | 'survey.csat', late: boolean) => {
      const scores = events
        .filter((e) => e.type === type)
        .filter((e) => {
          const ref = (e.data as { touchpointRef?: string }).touchpointRef;
          return ref !== undefined && lateOrders.has(orderOf.get(ref)!) === late;
        })
        .map((e) => (e.data as { score: number }).score);
      expect(scores.length).toBeGreaterThan(10);
      return scores.reduce((a, b) => a + b, 0) / scores.length;
    };
    expect(meanScore('survey.nps', false) - meanScore('survey.nps', true)).toBeGreaterThan(2);
    expect(meanScore('survey.csat', false) - meanScore('survey.csat', true)).toBeGreaterThan(1);
    expect(events.some((e) => e.type === 'survey.ces')).toBe(true);
  });

  it('runs complaints through responses and resolutions, with reopens and missed first-response targets', () => {
    const byComplaint = new Map<string, Touchpoint[]>();
    for (const event of events) {
      if (!event.type.startsWith('complaint.')) continue;
      const id = (event.data as { complaintId: string }).complaintId;
      byComplaint.set(id, [...(byComplaint.get(id) ?? []), event]);
    }
    expect(byComplaint.size).toBeGreaterThan(100);
    let late = 0;
    let reopened = 0;
    let open = 0;
    for (const lifecycle of byComplaint.values()) {
      expect(lifecycle[0]!.type).toBe('complaint.opened');
      const response = lifecycle.find((e) => e.type === 'complaint.responded');
      if (response && Date.parse(response.occurredAt) - Date.parse(lifecycle[0]!.occurredAt) > DAY)
        late++;
      if (lifecycle.some((e) => e.type === 'complaint.reopened')) reopened++;
      if (lifecycle[lifecycle.length - 1]!.type !== 'complaint.resolved') open++;
    }
    expect(late).toBeGreaterThan(0);
    expect(late / byComplaint.size).toBeLessThan(0.4);
    expect(reopened).toBeGreaterThan(0);
    expect(open).toBeGreaterThan(0);
  });

  it('covers the rest of the catalogue a shop records', () => {
    const types = new Set(events.map((e) => e.type));
    for (const type of [
      'refund',
      'browse',
      'campaign.response',
      'delivery',
      'loyalty.earned',
      'loyalty.redeemed',
      'consent.changed',
      'enquiry',
      'service.contact',
    ] as const)
      expect(types).toContain(type);
  });
});
