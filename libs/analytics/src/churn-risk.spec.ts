import { churnRisk, type ChurnSignals } from './churn-risk';

const quiet: ChurnSignals = { pAlive: 1, detractorAnswersLast90Days: 0, unresolvedComplaints: 0 };

describe('churnRisk', () => {
  it('inactivity alone: 50 × (1 − 0.23) = 38.5 → 39, medium', () => {
    expect(churnRisk({ ...quiet, pAlive: 0.23 })).toEqual({
      score: 39,
      band: 'medium',
      reasons: [{ code: 'inactive', points: 38.5, text: 'Likely inactive: P(alive) 0.23' }],
    });
  });

  it('every signal at once: 45 + 15 + 15 + 10 + 10 = 95, critical, top three reasons', () => {
    const risk = churnRisk({
      pAlive: 0.1,
      detractorAnswersLast90Days: 2,
      unresolvedComplaints: 3,
      csat: { previous: 4.6, recent: 3.1 }, // a drop of 1.5 ≥ 1 point: full 10
      sentiment: { previous: 0.4, recent: -0.2 }, // a drop of 0.6 ≥ 0.5: full 10
    });
    expect(risk.score).toBe(95);
    expect(risk.band).toBe('critical');
    expect(risk.reasons).toEqual([
      { code: 'inactive', points: 45, text: 'Likely inactive: P(alive) 0.10' },
      { code: 'detractor', points: 15, text: '2 detractor answers in the last 90 days' },
      { code: 'unresolved_complaints', points: 15, text: '3 unresolved complaints' },
    ]);
    expect(
      churnRisk({ ...quiet, pAlive: 0.1, detractorAnswersLast90Days: 1 }, { maxReasons: 5 })
        .reasons,
    ).toEqual([
      { code: 'inactive', points: 45, text: 'Likely inactive: P(alive) 0.10' },
      { code: 'detractor', points: 15, text: 'Detractor answer in the last 90 days' },
    ]);
  });

  it('scales partial drops and words them', () => {
    const risk = churnRisk(
      {
        ...quiet,
        csat: { previous: 4.5, recent: 4 }, // half a point: 5
        sentiment: { previous: 0.3, recent: 0.2 }, // 0.1 of 0.5: 2 points, below the reason cut-off
      },
      { maxReasons: 5 },
    );
    expect(risk.score).toBe(7);
    expect(risk.band).toBe('low');
    expect(risk.reasons).toEqual([
      { code: 'falling_csat', points: 5, text: 'CSAT falling: 4.5 → 4.0' },
    ]);
    expect(
      churnRisk({ ...quiet, sentiment: { previous: 0.4, recent: -0.2 } }).reasons[0].text,
    ).toBe('Sentiment worsening: 0.40 → -0.20');
  });

  it('ignores rising or unknown trends', () => {
    expect(churnRisk({ ...quiet, csat: { previous: 3, recent: 4.5 } }).score).toBe(0);
    expect(churnRisk({ ...quiet, csat: { previous: null, recent: 2 } }).score).toBe(0);
    expect(churnRisk({ ...quiet, sentiment: null }).score).toBe(0);
  });

  it('puts the band edges at 25, 50 and 75', () => {
    const band = (pAlive: number) => churnRisk({ ...quiet, pAlive }).band;
    expect(band(1 - 24 / 50)).toBe('low'); // 24
    expect(band(0.5)).toBe('medium'); // 25
    expect(band(1 - 49 / 50)).toBe('medium'); // 49
    expect(band(0)).toBe('high'); // 50: a customer the model gives up on
    expect(churnRisk({ ...quiet, pAlive: 0.2, detractorAnswersLast90Days: 1 }).band).toBe('high'); // 55
    expect(
      churnRisk({ ...quiet, pAlive: 0, detractorAnswersLast90Days: 1, unresolvedComplaints: 1 })
        .band,
    ).toBe('critical'); // 75
  });

  it('words a fading but not yet likely-gone customer differently, and skips tiny contributions', () => {
    expect(churnRisk({ ...quiet, pAlive: 0.7 }).reasons[0].text).toBe(
      'Activity fading: P(alive) 0.70',
    );
    expect(churnRisk({ ...quiet, pAlive: 0.95 })).toEqual({ score: 3, band: 'low', reasons: [] });
  });

  it('scores experience alone when there is no purchase model', () => {
    expect(churnRisk({ ...quiet, pAlive: null, unresolvedComplaints: 1 })).toEqual({
      score: 10,
      band: 'low',
      reasons: [{ code: 'unresolved_complaints', points: 10, text: '1 unresolved complaint' }],
    });
  });

  it('rejects impossible signals', () => {
    expect(() => churnRisk({ ...quiet, pAlive: 1.2 })).toThrow(RangeError);
    expect(() => churnRisk({ ...quiet, unresolvedComplaints: -1 })).toThrow(RangeError);
    expect(() => churnRisk({ ...quiet, detractorAnswersLast90Days: 0.5 })).toThrow(RangeError);
  });
});
