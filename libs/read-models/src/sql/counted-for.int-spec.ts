import { randomUUID } from 'node:crypto';
import type { JsonObject } from '@touchline/event-store';
import { toEventToAppend } from '@touchline/touchpoints';
import type { PoolClient } from 'pg';
import { readChurnSignals } from '../churn/sql/readChurnSignals';
import { readPurchaseHistories } from '../churn/sql/readPurchaseHistories';
import {
  CUSTOMER_PROFILE,
  type CustomerProfileRow,
} from '../projections/customer-profile.projection';
import { readRfmInputs } from '../rfm/sql/readRfmInputs';
import { ReadModelsHarness } from '../testing/read-models-harness';
import { append, purchase, touchpoint } from '../testing/touchpoints';
import { countSurveyAnswersByCustomer } from './countSurveyAnswersByCustomer';

/**
 * Who an event counts for in the SQL of the RFM and churn inputs and of the survey counts by
 * customer (countedForCustomer): the customer whose profile counts it, whatever the order in
 * which customers claimed a visitor and however their ids sort.
 */
describe('the customer an event counts for (PostgreSQL)', () => {
  const h = new ReadModelsHarness();
  const AS_OF = new Date('2026-06-30T00:00:00Z');
  const s = `w${randomUUID().slice(0, 8)}`;
  // `first` sorts before `second`: picking the lowest id of those whose profile lists the visitor
  // credits the first claimer.
  const first = `${s}-a`;
  const second = `${s}-b`;
  const visitor = `${s}-v`;
  // A chain: `linker` claims `chained`, then is merged into `survivor`.
  const linker = `${s}-c`;
  const survivor = `${s}-d`;
  const chained = `${s}-w`;
  const stranger = `${s}-u`;

  const anonymous = (anonymousId: string, type: string, at: string, data: JsonObject) =>
    touchpoint({ type, anonymousId, at, data });
  const claim = (customerId: string, anonymousId: string, at: string) =>
    touchpoint({ type: 'identity.linked', customerId, at, data: { anonymousId } });
  const profile = async (id: string) =>
    (await h.engine.getRow<CustomerProfileRow>(CUSTOMER_PROFILE, id))!;

  beforeAll(async () => {
    await h.setup();
    await append(h.store, [
      purchase(first, '2026-04-01T10:00:00Z', 6000),
      purchase(second, '2026-04-02T10:00:00Z', 50),
      anonymous(visitor, 'purchase', '2026-05-01T10:00:00Z', {
        orderId: 'o-v',
        amount: 20,
        currency: 'EUR',
      }),
      anonymous(visitor, 'survey.nps', '2026-05-10T10:00:00Z', { score: 2 }),
      anonymous(visitor, 'complaint.opened', '2026-05-11T10:00:00Z', {
        complaintId: 'CMP-V',
        category: 'delivery',
        severity: 'high',
      }),
      claim(first, visitor, '2026-05-20T10:00:00Z'),
      claim(second, visitor, '2026-05-25T10:00:00Z'),
      purchase(linker, '2026-04-03T10:00:00Z', 10),
      anonymous(chained, 'purchase', '2026-04-04T10:00:00Z', {
        orderId: 'o-w',
        amount: 5,
        currency: 'EUR',
      }),
      claim(linker, chained, '2026-04-05T10:00:00Z'),
      purchase(survivor, '2026-04-07T10:00:00Z', 100),
      anonymous(stranger, 'purchase', '2026-04-08T10:00:00Z', {
        orderId: 'o-u',
        amount: 1,
        currency: 'EUR',
      }),
    ]);
    // customer.merged in both streams in one transaction, as ops records it.
    const merged = await h.store.appendToStreams(
      [survivor, linker].map((customerId) => {
        const { streamId, event } = toEventToAppend(
          touchpoint({
            type: 'customer.merged',
            customerId,
            at: '2026-04-06T10:00:00Z',
            channel: 'other',
            data: { survivorId: survivor, mergedId: linker, reason: 'spec' },
          }),
        );
        return { streamId, events: [event], expectedRevision: 'any' as const };
      }),
    );
    await h.caughtUp(merged[1]!.events[0]!.position);
  });
  afterAll(() => h.teardown());

  const owners = async () =>
    (
      await h.db.pool.query<{ stream_id: string; customer_id: string }>(
        `SELECT stream_id, customer_id FROM analytics.stream_owners
          WHERE stream_id LIKE '%' || $1 || '%' ORDER BY stream_id`,
        [s],
      )
    ).rows;

  const withClient = async <T>(read: (client: PoolClient) => Promise<T>) => {
    const client = await h.db.pool.connect();
    try {
      return await read(client);
    } finally {
      client.release();
    }
  };

  it('the profile counts the visitor for the customer who claimed it last', async () => {
    expect(await profile(second)).toMatchObject({ orders: 2, netSpend: 70 });
    expect(await profile(first)).toMatchObject({ orders: 1, netSpend: 6000 });
    expect(await profile(survivor)).toMatchObject({ orders: 3, netSpend: 115 });
  });

  it('analytics.stream_owners names that customer for every linked stream, chains included', async () => {
    expect(await owners()).toEqual([
      { stream_id: `anonymous-${visitor}`, customer_id: second },
      { stream_id: `anonymous-${chained}`, customer_id: survivor },
      { stream_id: `customer-${linker}`, customer_id: survivor },
    ]);
  });

  it('RFM inputs and purchase histories credit the last claimer, as the profile does', async () => {
    const rfm = new Map(
      (await withClient((c) => readRfmInputs(c, AS_OF, 365)))
        .filter((r) => r.customerId.startsWith(s))
        .map((r) => [r.customerId, r]),
    );
    expect([...rfm.keys()].sort()).toEqual([first, second, survivor]);
    for (const id of [first, second, survivor]) {
      const row = await profile(id);
      expect(rfm.get(id)).toMatchObject({ frequency: row.orders, monetary: row.netSpend });
    }
    const histories = new Map(
      (await withClient((c) => readPurchaseHistories(c, AS_OF))).map((p) => [p.customerId, p]),
    );
    // Purchase days after the first: the visitor's for `second`, the chained visitor's and the
    // survivor's own for `survivor`.
    expect(histories.get(second)).toMatchObject({ x: 1, monetary: 20 });
    expect(histories.get(first)).toMatchObject({ x: 0 });
    expect(histories.get(survivor)).toMatchObject({ x: 2 });
    expect(histories.has(linker)).toBe(false);
    expect(histories.has(stranger)).toBe(false);
  });

  it("churn signals count the visitor's detractor answer and open complaint for the last claimer", async () => {
    const signals = await withClient((c) => readChurnSignals(c, AS_OF));
    expect(signals.get(second)).toMatchObject({
      detractorAnswersLast90Days: 1,
      unresolvedComplaints: 1,
    });
    expect(signals.get(first)).toMatchObject({
      detractorAnswersLast90Days: 0,
      unresolvedComplaints: 0,
    });
  });

  it("survey counts put the visitor's answer under the last claimer's tier", async () => {
    // first is vip (6,000), second regular (50 + the visitor's 20).
    const rows = await countSurveyAnswersByCustomer(
      h.db.pool,
      'nps',
      '2026-05-10',
      '2026-05-11',
      null,
      false,
    );
    expect(rows).toEqual([
      expect.objectContaining({ day: '2026-05-10', tier: 'regular', score: 2, n: 1 }),
    ]);
  });

  it('follows the live build through a rebuild of the profile', async () => {
    const before = await owners();
    const { generation } = await h.engine.rebuild(CUSTOMER_PROFILE);
    await h.engine.waitForRebuild(CUSTOMER_PROFILE, generation, { timeoutMs: 60_000 });
    const { rows } = await h.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM projections.identity_links
        WHERE name = $1 AND generation <> $2`,
      [CUSTOMER_PROFILE, generation],
    );
    expect(rows).toEqual([{ n: 0 }]); // the old build's map is gone with it
    expect(await owners()).toEqual(before);
  });
});
