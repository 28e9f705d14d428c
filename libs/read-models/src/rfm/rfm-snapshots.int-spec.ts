import { computeRfm, type RfmTransaction } from '@touchline/analytics';
import { loadConfig } from '@touchline/config';
import type { Database } from '@touchline/database';
import type { JourneyEvent } from '@touchline/touchpoints';
import { ReadModelsHarness } from '../testing/read-models-harness';
import { append, purchase, survey, touchpoint } from '../testing/touchpoints';
import { readCustomerScores } from '../snapshots/customer-scores';
import { RfmSnapshots } from './rfm-snapshots.service';
import { listRfmRows } from './sql/readRfmRows';

const AS_OF = new Date('2026-06-30T00:00:00Z');
const refund = (customerId: string, at: string, amount: number) =>
  touchpoint({
    type: 'refund',
    customerId,
    at,
    data: { orderId: 'o-r', amount, currency: 'EUR' },
  });

/** The RFM snapshot computed by SQL over the real read models, against hand-computed scores. */
describe('RFM snapshot over the read models', () => {
  const harness = new ReadModelsHarness();
  let rfm: RfmSnapshots;
  const events: JourneyEvent[] = [
    // a: 2 purchases in the window, one before it → recency 10, F 2, M 150
    purchase('a', '2026-06-20T00:00:00Z', 100),
    purchase('a', '2026-05-01T00:00:00Z', 50),
    purchase('a', '2025-01-01T00:00:00Z', 500),
    // b: a refund counts in M only → recency 9 (9.5 days, floored), F 1, M 70
    purchase('b', '2026-06-20T12:00:00Z', 100),
    refund('b', '2026-06-25T00:00:00Z', 30),
    // c: the purchase after asOf does not exist yet → recency 10, F 1, M 100
    purchase('c', '2026-06-20T00:00:00Z', 100),
    purchase('c', '2026-07-05T00:00:00Z', 1000),
    // d: last purchase before the window, a refund inside it → recency 545, F 0, M −20
    purchase('d', '2025-01-01T00:00:00Z', 200),
    refund('d', '2026-02-01T00:00:00Z', 20),
    // e: no purchase: not scored
    survey('nps', 'e', '2026-06-01T00:00:00Z', 9),
    // f: three purchases the day before, the last 12 hours before asOf → recency 0, F 3, M 30
    purchase('f', '2026-06-29T00:00:00Z', 10),
    purchase('f', '2026-06-29T06:00:00Z', 10),
    purchase('f', '2026-06-29T12:00:00Z', 10),
  ];

  beforeAll(async () => {
    await harness.setup();
    rfm = new RfmSnapshots(
      { pool: harness.db.pool } as Database,
      loadConfig({ TOUCHLINE_RFM_INTERVAL: '0', TOUCHLINE_CHURN_REFIT_INTERVAL: '0' }),
    );
    await harness.caughtUp(await append(harness.store, events));
  });
  afterAll(() => harness.teardown());

  it('scores hand-computed cases: ties share a score, later touchpoints and non-buyers are out', async () => {
    const result = await rfm.recompute({ asOf: AS_OF });
    expect(result!.header).toMatchObject({ asOf: AS_OF, windowDays: 365, customers: 5 });
    const rows = await readCustomerScores(harness.db.pool, ['a', 'b', 'c', 'd', 'e', 'f']);
    const pick = (id: string) => {
      const r = rows.get(id)!.rfm!;
      return [r.recency, r.frequency, r.monetary, r.r, r.f, r.m, r.segment];
    };
    // R on −recency: d −545 | a, c −10 (tie) | b −9 | f 0 → 1 | 2, 2 | 4 | 5 (mid-rank ceil)
    // F: d 0 | b, c 1 (tie) | a 2 | f 3 → 1 | 2, 2 | 4 | 5
    // M: d −20 | f 30 | b 70 | c 100 | a 150 → 1 | 2 | 3 | 4 | 5
    expect(pick('a')).toEqual([10, 2, 150, 2, 4, 5, 'at_risk']);
    expect(pick('b')).toEqual([9, 1, 70, 4, 2, 3, 'potential_loyalists']);
    expect(pick('c')).toEqual([10, 1, 100, 2, 2, 4, 'hibernating']);
    expect(pick('d')).toEqual([545, 0, -20, 1, 1, 1, 'hibernating']);
    expect(pick('f')).toEqual([0, 3, 30, 5, 5, 2, 'champions']);
    expect(rows.get('e')!.rfm).toBeNull();
  });

  it('agrees with analytics computeRfm on the same touchpoints, for other dates and windows', async () => {
    const transactions: RfmTransaction[] = events
      .filter((e) => e.type === 'purchase' || e.type === 'refund')
      .map((e) => ({
        customerId: e.customerId!,
        at: new Date(e.occurredAt),
        amount: (e.data as { amount: number }).amount,
        kind: e.type as 'purchase' | 'refund',
      }));
    for (const [asOf, windowDays] of [
      [new Date('2026-06-20T06:00:00Z'), 30],
      [new Date('2026-07-10T00:00:00Z'), 365],
      [new Date('2025-06-01T00:00:00Z'), 90],
    ] as const) {
      await rfm.recompute({ asOf, windowDays });
      const stored = await listRfmRows(harness.db.pool, { segment: null, after: null, limit: 100 });
      const expected = computeRfm(transactions, asOf, { windowDays });
      expect(
        stored
          .map(({ customerId, recencyDays, frequency, monetary, r, f, m, segment }) => ({
            customerId,
            recencyDays,
            frequency,
            monetary,
            r,
            f,
            m,
            segment,
          }))
          .sort((p, q) => p.customerId.localeCompare(q.customerId)),
      ).toEqual(expected);
    }
  });

  it('replaces the snapshot whole: nobody scored before asOf leaves no row behind', async () => {
    await rfm.recompute({ asOf: new Date('2024-01-01T00:00:00Z') });
    expect((await rfm.current())!.customers).toBe(0);
    expect(await listRfmRows(harness.db.pool, { segment: null, after: null, limit: 10 })).toEqual(
      [],
    );
  });

  it('skips a scheduled run when the snapshot is newer than the period asks', async () => {
    const manual = await rfm.recompute({ asOf: AS_OF });
    const skipped = await rfm.recompute({
      asOf: new Date(),
      onlyIfOlderThan: new Date(manual!.header.computedAt.getTime() - 1_000),
    });
    expect(skipped).toBeNull();
    expect((await rfm.current())!.asOf).toEqual(AS_OF);
  });

  it('counts the events of a merged duplicate and of a linked anonymous id for the customer', async () => {
    await harness.caughtUp(
      await append(harness.store, [
        purchase('dup-of-a', '2026-06-25T00:00:00Z', 40),
        touchpoint({
          type: 'purchase',
          anonymousId: 'anon-of-b',
          at: '2026-06-28T00:00:00Z',
          data: { orderId: 'o-anon', amount: 25, currency: 'EUR' },
        }),
        touchpoint({
          type: 'identity.linked',
          customerId: 'b',
          at: '2026-06-28T01:00:00Z',
          data: { anonymousId: 'anon-of-b' },
        }),
        touchpoint({
          type: 'customer.merged',
          customerId: 'a',
          at: '2026-06-26T00:00:00Z',
          channel: 'other',
          data: { survivorId: 'a', mergedId: 'dup-of-a' },
        }),
      ]),
    );
    await rfm.recompute({ asOf: AS_OF });
    const rows = await readCustomerScores(harness.db.pool, ['a', 'dup-of-a', 'b', 'anon-of-b']);
    expect(rows.get('a')!.rfm).toMatchObject({ recency: 5, frequency: 3, monetary: 190 });
    expect(rows.get('b')!.rfm).toMatchObject({ recency: 2, frequency: 2, monetary: 95 });
    expect(rows.get('dup-of-a')!.rfm).toBeNull();
    expect(rows.get('anon-of-b')!.rfm).toBeNull();
  });
});
