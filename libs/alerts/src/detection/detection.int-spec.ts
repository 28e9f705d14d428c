import { randomUUID } from 'node:crypto';
import { parseResponseTargets } from '@touchline/config';
import type { Database } from '@touchline/database';
import { PostgresLogStats } from '@touchline/projections';
import { churnBandRiseAlertId, detractorAlertId, firstResponseMissedAlertId } from '../alert';
import { AlertsService } from '../alerts.service';
import { ListAlertsHandler } from '../queries/list-alerts/list-alerts.handler';
import { ListAlertsQuery } from '../queries/list-alerts/list-alerts.query';
import { AlertsTestBed, appendAll, journeyEvent } from '../testing/alerts-harness';
import { AlertDetector } from './alert-detector';
import { FirstResponseMonitor } from './first-response-monitor';
import type { TierLookup } from './tier-lookup.port';

/**
 * Detection on real PostgreSQL: from the log to alerts, exactly once per occurrence across
 * redelivery, replays and competing processes; the first-response timer on an injected clock.
 */

const bed = new AlertsTestBed();
beforeAll(() => bed.setup());
afterAll(() => bed.teardown());

const run = randomUUID().slice(0, 8);
const nps = (customerId: string, score: number, at = '2026-03-02T09:00:00Z') =>
  journeyEvent({ type: 'survey.nps', customerId, at, data: { score } });
const complaint = (
  step: 'opened' | 'responded' | 'resolved',
  customerId: string,
  complaintId: string,
  at: string,
  severity = 'medium',
) =>
  journeyEvent({
    type: `complaint.${step}`,
    customerId,
    at,
    data:
      step === 'opened'
        ? { complaintId, category: 'delivery', severity }
        : step === 'resolved'
          ? { complaintId, resolution: 'fixed' }
          : { complaintId },
  });

async function alertIds(kind?: string): Promise<string[]> {
  const { rows } = await bed.db.pool.query<{ id: string }>(
    'SELECT id FROM alerts.alerts WHERE ($1::text IS NULL OR kind = $1) ORDER BY id',
    [kind ?? null],
  );
  return rows.map((r) => r.id);
}

describe('alert detection (PostgreSQL)', () => {
  let alerts: AlertsService;
  let detector: AlertDetector;
  let woken = 0;

  beforeAll(async () => {
    alerts = new AlertsService({
      pool: bed.db.pool,
      targets: ['webhook:https://hooks.example.com/touchline?token=secret'],
      clock: bed.clock,
      onRaised: () => woken++,
    });
    detector = new AlertDetector({
      pool: bed.db.pool,
      store: bed.store,
      alerts,
      startAt: 'beginning',
    });
    await detector.start();
  });
  afterAll(() => detector.stop());

  it('a detractor answer (0–6) raises one alert; 7–10 none; a replay and a second process raise nothing more', async () => {
    const c = `c-${run}`;
    const detractor = nps(c, 3);
    const position = await appendAll(bed.store, [detractor, nps(c, 7), nps(c, 10)]);
    await bed.reached(() => detector.checkpoint(), position);
    expect(await alertIds('detractor')).toEqual([detractorAlertId(detractor.eventId)]);
    expect(woken).toBeGreaterThan(0);

    const { rows } = await bed.db.pool.query(
      `SELECT a.customer_id, a.occurred_at, a.reasons, a.data, d.target, d.state, d.attempts
         FROM alerts.alerts a JOIN alerts.deliveries d ON d.alert_id = a.id`,
    );
    expect(rows).toEqual([
      {
        customer_id: c,
        occurred_at: new Date('2026-03-02T09:00:00Z'),
        reasons: ['NPS answer 3 (a detractor: 0–6) via web'],
        data: { eventId: detractor.eventId, score: 3, channel: 'web' },
        target: 'webhook:https://hooks.example.com/touchline?token=secret',
        state: 'pending',
        attempts: 0,
      },
    ]);

    // Redelivery of the whole log, while a second process reads the same log beside it.
    const second = new AlertDetector({ pool: bed.db.pool, store: bed.store, alerts });
    await second.start();
    await detector.replayFromStart();
    const another = nps(c, 0);
    const after = await appendAll(bed.store, [another]);
    await bed.reached(() => detector.checkpoint(), after);
    await second.stop();
    expect(await alertIds('detractor')).toEqual(
      [detractorAlertId(detractor.eventId), detractorAlertId(another.eventId)].sort(),
    );
    const { rows: deliveries } = await bed.db.pool.query('SELECT * FROM alerts.deliveries');
    expect(deliveries).toHaveLength(2);
  });

  it('churn band rises raised twice for the same refit are stored once', async () => {
    const asOf = new Date('2026-03-01T00:00:00Z');
    const alert = {
      id: churnBandRiseAlertId(`c-${run}`, asOf, 'high'),
      kind: 'churn.band-rise' as const,
      customerId: `c-${run}`,
      occurredAt: asOf,
      reasons: ['Churn band rose from medium to high', 'No purchase for 200 days'],
      data: { from: 'medium', to: 'high', risk: 71 },
    };
    expect(await alerts.raise(alert)).toBe(true);
    expect(await alerts.raise(alert)).toBe(false);
    expect(await alertIds('churn.band-rise')).toEqual([alert.id]);
  });

  describe('complaint.first-response-missed', () => {
    const vip = `vip-${run}`;
    const regular = `r-${run}`;
    const tiers: TierLookup = {
      tiersOf: async (ids) =>
        new Map(ids.filter((id) => id === vip).map((id) => [id, 'vip'] as const)),
    };
    const targets = (() => {
      const problems: string[] = [];
      const parsed = parseResponseTargets('critical=5m,vip=2m', problems);
      expect(problems).toEqual([]);
      return parsed;
    })();
    const monitor = () =>
      new FirstResponseMonitor({
        pool: bed.db.pool,
        alerts,
        targets,
        tiers,
        clock: bed.clock,
        oldestUnreadRecordedAt: async () =>
          (await new PostgresLogStats(bed.db.pool).backlog(await detector.checkpoint()))
            .oldestRecordedAt,
      });
    const id = (name: string) => `${name}-${run}`;

    it('alerts once for each complaint still waiting past its target, on the injected clock', async () => {
      const position = await appendAll(bed.store, [
        // 15 min (default), no response.
        complaint('opened', regular, id('late'), '2026-03-02T10:00:00Z'),
        // Answered in time: never late.
        complaint('opened', regular, id('answered'), '2026-03-02T10:00:00Z'),
        complaint('responded', regular, id('answered'), '2026-03-02T10:05:00Z'),
        // Resolved without a response: nothing owed.
        complaint('opened', regular, id('resolved'), '2026-03-02T10:00:00Z'),
        complaint('resolved', regular, id('resolved'), '2026-03-02T10:03:00Z'),
        // Critical: 5 min.
        complaint('opened', regular, id('critical'), '2026-03-02T10:00:00Z', 'critical'),
        // A VIP's low-severity complaint: the tier's 2 min.
        complaint('opened', vip, id('vip'), '2026-03-02T10:00:00Z', 'low'),
      ]);
      await bed.reached(() => detector.checkpoint(), position);
      const kind = 'complaint.first-response-missed';

      bed.now = new Date('2026-03-02T10:01:59Z');
      expect(await monitor().checkOnce()).toBe(0);
      bed.now = new Date('2026-03-02T10:02:00Z');
      expect(await monitor().checkOnce()).toBe(1);
      expect(await alertIds(kind)).toEqual([firstResponseMissedAlertId(id('vip'))]);

      bed.now = new Date('2026-03-02T10:06:00Z');
      expect(await monitor().checkOnce()).toBe(1);
      bed.now = new Date('2026-03-02T10:14:59Z');
      expect(await monitor().checkOnce()).toBe(0);

      // Two processes check at the same moment: one alert.
      bed.now = new Date('2026-03-02T10:15:00Z');
      const counts = await Promise.all([monitor().checkOnce(), monitor().checkOnce()]);
      expect(counts.sort()).toEqual([0, 1]);
      bed.now = new Date('2026-03-02T12:00:00Z');
      expect(await monitor().checkOnce()).toBe(0);

      expect(await alertIds(kind)).toEqual(
        [id('critical'), id('late'), id('vip')].map(firstResponseMissedAlertId).sort(),
      );
      const { rows } = await bed.db.pool.query(
        'SELECT occurred_at, reasons, data FROM alerts.alerts WHERE id = $1',
        [firstResponseMissedAlertId(id('critical'))],
      );
      expect(rows[0]).toMatchObject({
        occurred_at: new Date('2026-03-02T10:05:00Z'),
        reasons: [
          `No first response to complaint ${id('critical')} within its target of 5 min (severity critical, tier unknown)`,
        ],
        data: {
          complaintId: id('critical'),
          severity: 'critical',
          openedAt: '2026-03-02T10:00:00.000Z',
          deadline: '2026-03-02T10:05:00.000Z',
          targetSeconds: 300,
        },
      });

      // A replay of the log rebuilds the watch list as it was: still no new alert.
      await detector.replayFromStart();
      await bed.reached(() => detector.checkpoint(), position);
      expect(await monitor().checkOnce()).toBe(0);
    });

    it('never looks past the first event the detector has not read yet', async () => {
      const opened = new Date(Date.now() - 10 * 60_000); // its 15 min run out in 5 min
      const position = await appendAll(bed.store, [
        complaint('opened', regular, id('pending'), opened.toISOString()),
      ]);
      await bed.reached(() => detector.checkpoint(), position);
      await detector.stop();
      let unread: string;
      try {
        // Recorded now, not read yet: it could be the response.
        unread = await appendAll(bed.store, [nps(regular, 9, new Date().toISOString())]);
        bed.now = new Date(Date.now() + 3_600_000);
        expect(await monitor().checkOnce()).toBe(0);
      } finally {
        await detector.start();
      }
      // Read, and it was no response: an hour on, the complaint is late.
      await bed.reached(() => detector.checkpoint(), unread);
      expect(await monitor().checkOnce()).toBe(1);
      expect(await alertIds('complaint.first-response-missed')).toContain(
        firstResponseMissedAlertId(id('pending')),
      );
    });
  });

  it('lists alerts newest first with their deliveries, filtered and paged; webhook credentials hidden', async () => {
    const handler = new ListAlertsHandler({ pool: bed.db.pool } as Database);
    const all = await handler.execute(new ListAlertsQuery(null, null, null, null, 500));
    expect(all.nextCursor).toBeNull();
    const seqs = all.items.map((a) => Number(a.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(all.items[0]!.deliveries[0]).toEqual({
      target: 'webhook:https://hooks.example.com/touchline',
      state: 'pending',
      attempts: 0,
      lastError: null,
      nextAttemptAt: expect.any(Date),
      deliveredAt: null,
    });

    const first = await handler.execute(new ListAlertsQuery('detractor', null, null, null, 1));
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const seq = JSON.parse(Buffer.from(first.nextCursor!, 'base64url').toString()).seq as string;
    const second = await handler.execute(new ListAlertsQuery('detractor', null, null, seq, 1));
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id);

    const none = await handler.execute(
      new ListAlertsQuery(null, `c-${run}`, new Date(Date.now() + 86_400_000), null, 10),
    );
    expect(none.items).toEqual([]);
  });
});
