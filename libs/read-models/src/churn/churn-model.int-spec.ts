import { fitBgNbd, fitGammaGamma, summarize, type Purchase } from '@touchline/analytics';
import type { Database } from '@touchline/database';
import type { EventStore, EventToAppend } from '@touchline/event-store';
import { toEventToAppend, type JourneyEvent } from '@touchline/touchpoints';
import { loadCdnowSample } from '../../../analytics/src/testing/cdnow';
import { simulatePurchases } from '../../../analytics/src/testing/simulate';
import { Pool } from 'pg';
import { ReadModelsHarness } from '../testing/read-models-harness';
import { append, purchase, survey, touchpoint } from '../testing/touchpoints';
import { ChurnModel } from './churn-model.service';
import { fitAndScoreChurn, type BandRise, type ChurnFitter } from './churn-scores';
import { readCustomerScores } from '../snapshots/customer-scores';
import { listChurnRows } from './sql/readChurnRows';

const DAY = 86_400_000;
const toEvents = (purchases: readonly Purchase[]): JourneyEvent[] =>
  [...purchases]
    .sort((p, q) => (p.customerId < q.customerId ? -1 : p.customerId > q.customerId ? 1 : 0))
    .map((p) => purchase(p.customerId, p.at.toISOString(), p.amount));

/** Many streams per transaction (appendToStreams), for the populations; the last position. */
async function appendPopulation(
  store: EventStore,
  events: readonly JourneyEvent[],
): Promise<string> {
  const byStream = new Map<string, EventToAppend[]>();
  for (const e of events) {
    const { streamId, event } = toEventToAppend(e);
    byStream.set(streamId, [...(byStream.get(streamId) ?? []), event]);
  }
  const parts = [...byStream].map(([streamId, list]) => ({
    streamId,
    events: list,
    expectedRevision: 'any' as const,
  }));
  let last = '';
  for (let i = 0; i < parts.length; i += 250) {
    const results = await store.appendToStreams(parts.slice(i, i + 250));
    const lastResult = results[results.length - 1]!;
    last = lastResult.events[lastResult.events.length - 1]!.position;
  }
  return last;
}

function expectRelative(actual: number, expected: number, tolerance: number): void {
  const relative = Math.abs(actual / expected - 1);
  if (relative > tolerance)
    throw new Error(`${actual} is ${(relative * 100).toFixed(4)}% from ${expected}`);
}

describe('churn model over the read models', () => {
  const harness = new ReadModelsHarness();
  let churn: ChurnModel;
  const D = new Date('2025-09-01T00:00:00Z');
  const D2 = new Date('2025-12-01T00:00:00Z');
  // A population drawn from known parameters, some of whose purchases happen after D.
  const simulated = simulatePurchases(
    { r: 0.3, alpha: 25, a: 0.8, b: 2.5 },
    {
      customers: 400,
      asOf: new Date('2026-01-01T00:00:00Z'),
      maxAgeDays: 540,
      seed: 7,
      spend: { p: 6, q: 4, gamma: 15 },
    },
  ).map((p) => ({ ...p, amount: Math.round(p.amount * 100) / 100 }));
  const riser = 'riser';
  const riserHistory: Purchase[] = [
    { customerId: riser, at: new Date('2024-01-01T10:00:00Z'), amount: 80 },
    { customerId: riser, at: new Date('2024-01-10T10:00:00Z'), amount: 60 },
  ];

  beforeAll(async () => {
    await harness.setup();
    churn = new ChurnModel({ pool: harness.db.pool } as Database);
    await harness.caughtUp(
      await appendPopulation(harness.store, [
        ...toEvents([...simulated, ...riserHistory]),
        survey('csat', riser, '2025-08-15T00:00:00Z', 5),
      ]),
    );
  });
  afterAll(() => harness.teardown());

  it('fits as of a date exactly what the pure library fits on the purchases up to it', async () => {
    const refit = await churn.refit({ asOf: D });
    const summaries = summarize([...simulated, ...riserHistory], D);
    const expected = fitBgNbd(summaries);
    const expectedGg = fitGammaGamma(summaries.filter((s) => s.x > 0 && s.monetary > 0));
    expect(refit!.model.customers).toBe(summaries.length);
    expect(summaries.length).toBeLessThan(401); // some customers only start after D
    for (const k of ['r', 'alpha', 'a', 'b'] as const)
      expectRelative(refit!.model.bgnbd.params[k], expected.params[k], 1e-6);
    for (const k of ['p', 'q', 'gamma'] as const)
      expectRelative(refit!.model.gammaGamma!.params[k], expectedGg.params[k], 1e-6);
    expect(refit!.bandRises).toEqual([]); // nothing to rise from
  });

  it('ignores touchpoints after asOf: late purchases and answers change nothing', async () => {
    const before = await churn.current();
    const scoresBefore = await listChurnRows(harness.db.pool, {
      band: null,
      after: null,
      limit: 1000,
    });
    const someone = scoresBefore[0]!.customerId;
    await harness.caughtUp(
      await append(harness.store, [
        purchase(someone, new Date(D.getTime() + 5 * DAY).toISOString(), 999),
        survey('nps', someone, new Date(D.getTime() + 6 * DAY).toISOString(), 0),
      ]),
    );
    const again = await churn.refit({ asOf: D });
    expect(again!.model.bgnbd).toEqual(before!.bgnbd);
    expect(again!.model.gammaGamma).toEqual(before!.gammaGamma);
    const scoresAfter = await listChurnRows(harness.db.pool, {
      band: null,
      after: null,
      limit: 1000,
    });
    expect(scoresAfter.map(({ valueAtRiskText: _, ...row }) => row)).toEqual(
      scoresBefore.map(({ valueAtRiskText: _, ...row }) => row),
    );
  });

  it('scores experience as of asOf and reports the customers whose band rose', async () => {
    await churn.refit({ asOf: D });
    const previous = (await readCustomerScores(harness.db.pool, [riser])).get(riser)!.churnRisk!;
    expect(previous.reasons.map((r) => r.code)).toEqual(['inactive']);
    const heard: BandRise[][] = [];
    const unsubscribe = churn.onBandRises((rises) => {
      heard.push(rises);
    });
    await harness.caughtUp(
      await append(harness.store, [
        survey('csat', riser, '2025-11-01T00:00:00Z', 1),
        survey('nps', riser, '2025-11-02T00:00:00Z', 2),
        ...['CMP-1', 'CMP-2'].map((complaintId, i) =>
          touchpoint({
            type: 'complaint.opened',
            customerId: riser,
            at: `2025-11-0${3 + i}T00:00:00Z`,
            data: { complaintId, category: 'delivery', severity: 'high' },
          }),
        ),
        touchpoint({
          type: 'complaint.resolved',
          customerId: riser,
          at: '2025-12-20T00:00:00Z', // after D2: still open as of D2
          data: { complaintId: 'CMP-1', resolution: 'refunded' },
        }),
      ]),
    );
    const refit = await churn.refit({ asOf: D2 });
    unsubscribe();
    const now = (await readCustomerScores(harness.db.pool, [riser])).get(riser)!.churnRisk!;
    expect(now.reasons.map((r) => r.code).sort()).toEqual(
      ['detractor', 'unresolved_complaints', 'inactive'].sort(),
    );
    expect(now.score).toBeGreaterThanOrEqual(50 + 0); // 15 + 15 + 10 + 10 on top of inactivity
    expect(refit!.bandRises).toContainEqual({
      customerId: riser,
      from: previous.band,
      to: now.band,
      score: now.score,
      reasons: now.reasons,
    });
    // Every reported rise is a rise, and every rise is reported.
    for (const rise of refit!.bandRises) expect(['high', 'critical']).toContain(rise.to);
    expect(heard).toEqual([refit!.bandRises]);
  });

  it('refuses to fit when nothing was bought by asOf, and keeps the current snapshot', async () => {
    const current = await churn.current();
    await expect(churn.refit({ asOf: new Date('2020-01-01T00:00:00Z') })).rejects.toThrow(
      /nothing to fit/,
    );
    expect(await churn.current()).toEqual(current);
  });
});

describe('churn model on CDNOW through the read models (FHL 2005)', () => {
  const harness = new ReadModelsHarness();
  const AS_OF = new Date('1997-09-30T23:59:59.999Z');

  beforeAll(async () => {
    await harness.setup();
    // The README's recipe, as analytics' cdnow.spec does it, turned into purchase events.
    const asOfDayStart = Date.UTC(1997, 8, 30);
    const events: JourneyEvent[] = [];
    for (const row of loadCdnowSample()) {
      const T = Math.round(row.T * 7);
      const t_x = Math.round(row.t_x * 7);
      const first = asOfDayStart - T * DAY + 12 * 3_600_000;
      const id = `cdnow-${String(row.id).padStart(4, '0')}`;
      const amount = Math.round(row.zbar * 100) / 100;
      events.push(purchase(id, new Date(first).toISOString(), amount));
      for (let k = 1; k <= row.x; k++) {
        const day = Math.round((k * t_x) / row.x);
        events.push(purchase(id, new Date(first + day * DAY).toISOString(), amount));
      }
    }
    await harness.caughtUp(await appendPopulation(harness.store, events));
  }, 120_000);
  afterAll(() => harness.teardown());

  it('reproduces the published BG/NBD and Gamma-Gamma estimates within 1%', async () => {
    const churn = new ChurnModel({ pool: harness.db.pool } as Database);
    const { model } = (await churn.refit({ asOf: AS_OF }))!;
    expect(model.customers).toBe(2357);
    const { r, alpha, a, b } = model.bgnbd.params;
    expectRelative(r, 0.243, 0.01);
    expectRelative(alpha, 4.414 * 7, 0.01);
    expectRelative(a, 0.793, 0.01);
    expectRelative(b, 2.426, 0.01);
    expect(model.gammaGamma!.customers).toBe(946);
    expectRelative(model.gammaGamma!.params.p, 6.25, 0.01);
    expectRelative(model.gammaGamma!.params.q, 3.74, 0.01);
    expectRelative(model.gammaGamma!.params.gamma, 15.44, 0.01);
  });
});

/** A fitter that, on its first call, says it started and waits to be let go; later calls pass. */
function gatedFitter() {
  let started!: () => void;
  let release!: () => void;
  const fitStarted = new Promise<void>((resolve) => (started = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let calls = 0;
  const fitter: ChurnFitter = async (input) => {
    calls++;
    if (calls === 1) {
      started();
      await released;
    }
    return fitAndScoreChurn(input);
  };
  return { fitter, fitStarted, release, calls: () => calls };
}

describe('a churn refit beside the rest of the process', () => {
  const harness = new ReadModelsHarness();
  const D = new Date('2025-09-01T00:00:00Z');
  const D2 = new Date('2025-12-01T00:00:00Z');
  const inThread: ChurnFitter = async (input) => fitAndScoreChurn(input);
  /** One connection, as the embedded profile has. */
  let single: Pool;

  beforeAll(async () => {
    await harness.setup();
    await harness.caughtUp(
      await appendPopulation(
        harness.store,
        toEvents(
          simulatePurchases(
            { r: 0.3, alpha: 25, a: 0.8, b: 2.5 },
            {
              customers: 150,
              asOf: new Date('2026-01-01T00:00:00Z'),
              maxAgeDays: 540,
              seed: 5,
              spend: { p: 6, q: 4, gamma: 15 },
            },
          ).map((p) => ({ ...p, amount: Math.round(p.amount * 100) / 100 })),
        ),
      ),
    );
    single =
      harness.db.kind === 'embedded'
        ? harness.db.pool
        : new Pool({ connectionString: harness.db.url, max: 1 });
  });
  afterAll(async () => {
    if (single !== harness.db.pool) await single?.end();
    await harness.teardown();
  });

  it('holds no connection while it fits: a query on a pool of one answers before the refit ends', async () => {
    const gate = gatedFitter();
    const churn = new ChurnModel({ pool: single } as Database, gate.fitter);
    const events: string[] = [];
    const refit = churn.refit({ asOf: D }).then(() => events.push('refitted'));
    await gate.fitStarted;
    const query = single.query('SELECT 1').then(() => events.push('answered'));
    // The fit goes on once the query answered. Were the connection still held, the query would
    // wait for the refit: the fallback then lets the fit go, and the order below fails.
    void query.then(() => gate.release());
    const fallback = setTimeout(() => gate.release(), 5_000);
    await Promise.all([refit, query]);
    clearTimeout(fallback);
    expect(events).toEqual(['answered', 'refitted']);
  });

  it('writes only over the snapshot it read: a scheduled run gives up, an on-demand run fits again', async () => {
    const other = new ChurnModel({ pool: harness.db.pool } as Database, inThread);
    await other.refit({ asOf: D });

    const scheduledGate = gatedFitter();
    const scheduled = new ChurnModel({ pool: harness.db.pool } as Database, scheduledGate.fitter);
    const scheduledRun = scheduled.refit({ asOf: D2, onlyIfOlderThan: new Date() });
    await scheduledGate.fitStarted;
    const meanwhile = await other.refit({ asOf: D }); // newer than what the scheduled run read
    scheduledGate.release();
    expect(await scheduledRun).toBeNull();
    expect(scheduledGate.calls()).toBe(1);
    expect((await other.current())!.fittedAt).toEqual(meanwhile!.model.fittedAt);

    const onDemandGate = gatedFitter();
    const onDemand = new ChurnModel({ pool: harness.db.pool } as Database, onDemandGate.fitter);
    const onDemandRun = onDemand.refit({ asOf: D2 });
    await onDemandGate.fitStarted;
    const replaced = await other.refit({ asOf: D });
    onDemandGate.release();
    const done = await onDemandRun;
    expect(onDemandGate.calls()).toBe(2); // read and fitted again over the snapshot replaced
    expect(done!.model.asOf).toEqual(D2);
    expect(done!.model.fittedAt.getTime()).toBeGreaterThan(replaced!.model.fittedAt.getTime());
    expect(await other.current()).toMatchObject({ asOf: D2, fittedAt: done!.model.fittedAt });
  });
});
