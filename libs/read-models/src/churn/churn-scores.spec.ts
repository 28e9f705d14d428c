import { simulateBgNbdHistories } from '../../../analytics/src/testing/simulate';
import {
  bandRises,
  fitChurnModel,
  NothingToFitError,
  scoreChurn,
  type ChurnScoreRow,
} from './churn-scores';

const row = (customerId: string, band: ChurnScoreRow['band'], score: number): ChurnScoreRow => ({
  customerId,
  score,
  band,
  reasons: [{ code: 'inactive', points: score, text: 'Likely inactive: P(alive) 0.10' }],
  pAlive: 0.1,
  expectedPurchases90d: 0.1,
  expectedOrderValue: 20,
  clv12m: 10,
  valueAtRisk: score / 10,
  repeatPurchases: 1,
  recencyDays: 100,
  ageDays: 200,
});

describe('bandRises', () => {
  it('reports rises to high or critical only, from a lower band or from no score at all', () => {
    const previous = new Map<string, ChurnScoreRow['band']>([
      ['low-to-high', 'low'],
      ['medium-to-critical', 'medium'],
      ['high-to-critical', 'high'],
      ['high-stays', 'high'],
      ['critical-to-high', 'critical'],
      ['low-to-medium', 'low'],
    ]);
    const rises = bandRises(previous, [
      row('low-to-high', 'high', 55),
      row('medium-to-critical', 'critical', 80),
      row('high-to-critical', 'critical', 76),
      row('high-stays', 'high', 60),
      row('critical-to-high', 'high', 70),
      row('low-to-medium', 'medium', 30),
      row('new-and-high', 'high', 52),
    ]);
    expect(rises.map((r) => [r.customerId, r.from, r.to])).toEqual([
      ['low-to-high', 'low', 'high'],
      ['medium-to-critical', 'medium', 'critical'],
      ['high-to-critical', 'high', 'critical'],
      ['new-and-high', null, 'high'],
    ]);
    expect(rises[0]).toMatchObject({ score: 55, reasons: [{ code: 'inactive' }] });
  });

  it('reports nothing without a previous snapshot', () => {
    expect(bandRises(null, [row('x', 'critical', 90)])).toEqual([]);
  });
});

describe('fitChurnModel and scoreChurn', () => {
  const histories = [
    { customerId: 'loyal', x: 12, t_x: 340, T: 350, monetary: 40 },
    { customerId: 'gone', x: 3, t_x: 30, T: 360, monetary: 25 },
    { customerId: 'new', x: 0, t_x: 0, T: 5, monetary: 0 },
    // Whole days, as the read models summarise them.
    ...simulateBgNbdHistories(
      { r: 0.25, alpha: 30, a: 0.8, b: 2.4 },
      { customers: 500, minT: 30, maxT: 360, seed: 11 },
    ).map((h, i) => ({
      customerId: `p${i}`,
      x: h.x,
      t_x: Math.floor(h.t_x),
      T: Math.floor(h.T),
      monetary: h.x > 0 ? 15 + (i % 7) : 0,
    })),
  ];

  it('refuses an empty population with a typed error', () => {
    expect(() => fitChurnModel([], new Date('2026-01-01T00:00:00Z'))).toThrow(NothingToFitError);
  });

  it('scores the lapsed customer riskier than the loyal one, experience adding its reasons', () => {
    const model = fitChurnModel(histories, new Date('2026-01-01T00:00:00Z'));
    expect(model.customers).toBe(503);
    expect(model.gammaGamma!.customers).toBe(histories.filter((h) => h.x > 0).length);
    const rows = scoreChurn(
      histories,
      new Map([
        [
          'loyal',
          {
            detractorAnswersLast90Days: 1,
            unresolvedComplaints: 2,
            csat: { previous: 5, recent: 3 },
            sentiment: { previous: 0.5, recent: -0.5 },
          },
        ],
      ]),
      model,
    );
    const byId = new Map(rows.map((r) => [r.customerId, r]));
    const loyal = byId.get('loyal')!;
    const gone = byId.get('gone')!;
    expect(gone.pAlive).toBeLessThan(loyal.pAlive);
    expect(gone.reasons[0]!.code).toBe('inactive');
    // 15 + 15 + 10 + 10 of experience on top of a small inactivity share.
    expect(loyal.score).toBeGreaterThanOrEqual(50);
    expect(loyal.reasons.map((r) => r.code)).toEqual([
      'detractor',
      'unresolved_complaints',
      'falling_csat',
    ]);
    expect(byId.get('new')!.pAlive).toBe(1); // no repeat purchase: not yet able to drop out
    for (const r of rows) {
      expect(r.clv12m).not.toBeNull();
      expect(r.valueAtRisk).toBeCloseTo((r.score / 100) * r.clv12m!, 10);
      expect(r.recencyDays).toBe(
        histories.find((h) => h.customerId === r.customerId)!.T -
          histories.find((h) => h.customerId === r.customerId)!.t_x,
      );
    }
  });
});
