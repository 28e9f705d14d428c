import type { Database } from '@touchline/database';
import { ChurnModel } from '@touchline/read-models';
import { simulatePurchases } from '../../../analytics/src/testing/simulate';
import { ReadModelsHarness } from '../../../read-models/src/testing/read-models-harness';
import { append, purchase, survey, touchpoint } from '../../../read-models/src/testing/touchpoints';
import { runMigrations } from '@touchline/database';
import { churnBandRiseAlertId } from '../alert';
import { AlertsService } from '../alerts.service';
import { ALERTS_MIGRATION_SCOPE, alertsMigrations } from '../migrations';
import { ChurnBandRiseAlerts } from './churn-band-rises';

interface StoredAlert {
  id: string;
  kind: string;
  customer_id: string;
  occurred_at: Date;
  reasons: string[];
  data: { from: string | null; to: string; score: number; reasons: Array<{ code: string }> };
  deliveries: number;
}

describe('churn band rises raise alerts', () => {
  const harness = new ReadModelsHarness();
  let churn: ChurnModel;
  let wakes = 0;
  let wiring: ChurnBandRiseAlerts;
  const D = new Date('2025-09-01T00:00:00Z');
  const D2 = new Date('2025-12-01T00:00:00Z');
  const riser = 'riser';

  const churnAlerts = async (): Promise<StoredAlert[]> =>
    (
      await harness.db.pool.query<StoredAlert>(
        `SELECT a.id, a.kind, a.customer_id, a.occurred_at, a.reasons, a.data,
                (SELECT count(*)::integer FROM alerts.deliveries d WHERE d.alert_id = a.id) AS deliveries
           FROM alerts.alerts a WHERE a.kind = 'churn.band-rise' ORDER BY a.seq`,
      )
    ).rows;

  beforeAll(async () => {
    await harness.setup();
    await runMigrations(harness.db.pool, ALERTS_MIGRATION_SCOPE, alertsMigrations);
    churn = new ChurnModel({ pool: harness.db.pool } as Database);
    const alerts = new AlertsService({
      pool: harness.db.pool,
      targets: ['kafka', 'webhook:https://crm.example/hooks'],
      clock: () => new Date('2026-01-05T09:00:00Z'),
      onRaised: () => {
        wakes += 1;
      },
    });
    wiring = new ChurnBandRiseAlerts(churn, alerts);
    wiring.onModuleInit();
    const population = simulatePurchases(
      { r: 0.3, alpha: 25, a: 0.8, b: 2.5 },
      {
        customers: 200,
        asOf: new Date('2025-08-01T00:00:00Z'),
        maxAgeDays: 540,
        seed: 11,
        spend: { p: 6, q: 4, gamma: 15 },
      },
    ).map((p) => purchase(p.customerId, p.at.toISOString(), Math.round(p.amount * 100) / 100));
    await harness.caughtUp(
      await append(harness.store, [
        ...population,
        purchase(riser, '2024-01-01T10:00:00Z', 80),
        purchase(riser, '2024-01-10T10:00:00Z', 60),
        survey('csat', riser, '2025-08-15T00:00:00Z', 5),
      ]),
    );
  }, 120_000);
  afterAll(async () => {
    wiring?.onModuleDestroy();
    await harness.teardown();
  });

  it('raises one alert per rise, with its reasons, and none for a repeated refit as of the same instant', async () => {
    const first = await churn.refit({ asOf: D });
    expect(first!.bandRises).toEqual([]); // the first snapshot has nothing to rise from
    expect(await churnAlerts()).toEqual([]);

    await harness.caughtUp(
      await append(harness.store, [
        survey('csat', riser, '2025-11-01T00:00:00Z', 1),
        survey('nps', riser, '2025-11-02T00:00:00Z', 2),
        touchpoint({
          type: 'complaint.opened',
          customerId: riser,
          at: '2025-11-03T00:00:00Z',
          data: { complaintId: 'CMP-1', category: 'delivery', severity: 'high' },
        }),
      ]),
    );
    const refit = await churn.refit({ asOf: D2 });
    const rise = refit!.bandRises.find((r) => r.customerId === riser);
    expect(rise).toBeDefined();
    expect(['high', 'critical']).toContain(rise!.to);

    const alerts = await churnAlerts();
    // Exactly one alert per reported rise, each with its deliveries queued in the same commit.
    expect(alerts.map((a) => a.id).sort()).toEqual(
      refit!.bandRises.map((r) => churnBandRiseAlertId(r.customerId, D2, r.to)).sort(),
    );
    for (const a of alerts) expect(a.deliveries).toBe(2);
    const riserAlert = alerts.find((a) => a.customer_id === riser)!;
    expect(riserAlert.occurred_at.toISOString()).toBe(D2.toISOString());
    expect(riserAlert.reasons).toEqual(rise!.reasons.map((r) => r.text));
    expect(riserAlert.reasons.length).toBeGreaterThan(0);
    expect(riserAlert.data.to).toBe(rise!.to);
    expect(riserAlert.data.from).toBe(rise!.from);
    expect(riserAlert.data.score).toBe(rise!.score);
    expect(riserAlert.data.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['detractor', 'unresolved_complaints']),
    );
    expect(wakes).toBe(1);

    // The same instant again: the bands did not move, nothing more.
    const again = await churn.refit({ asOf: D2 });
    expect(again!.bandRises).toEqual([]);
    expect(await churnAlerts()).toEqual(alerts);

    // Back to D (analysis: no rises), then D2 again: the rises are computed anew against D's
    // bands, and their ids are taken: still one alert per rise.
    expect((await churn.refit({ asOf: D }))!.bandRises).toEqual([]);
    const replayed = await churn.refit({ asOf: D2 });
    expect(replayed!.bandRises.map((r) => r.customerId).sort()).toEqual(
      refit!.bandRises.map((r) => r.customerId).sort(),
    );
    expect(await churnAlerts()).toEqual(alerts);
    expect(wakes).toBe(1); // nothing new: the dispatcher is not woken again
  });

  it('rolls the snapshot back when the alerts cannot be written (they commit together)', async () => {
    await churn.refit({ asOf: D });
    const atD = await churn.current();
    const alertsBefore = await churnAlerts();
    const unregister = churn.onBandRisesWithin(async () => {
      throw new Error('alerts unavailable');
    });
    try {
      // From D's bands to D2's the riser rises (above), so the failing writer runs.
      await expect(churn.refit({ asOf: D2 })).rejects.toThrow(/alerts unavailable/);
    } finally {
      unregister();
    }
    expect(await churn.current()).toEqual(atD);
    expect(await churnAlerts()).toEqual(alertsBefore);
  });
});
