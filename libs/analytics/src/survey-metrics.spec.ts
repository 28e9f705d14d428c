import {
  cesMetrics,
  compareEstimates,
  compareSurveyBuckets,
  countScores,
  csatFromCounts,
  csatMetrics,
  npsFromCounts,
  npsMetrics,
  surveyBucketMetrics,
} from './survey-metrics';

/** Every number in a result, recursively: none may be NaN. */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

describe('NPS', () => {
  it('worked by hand: 5 promoters, 2 passives, 3 detractors of 10', () => {
    const result = npsMetrics([10, 10, 9, 8, 7, 6, 0, 3, 9, 10]);
    // p = 0.5, d = 0.3: NPS = 20; variance p + d − (p − d)² = 0.76;
    // SE = 100·sqrt(0.76/10) = 27.5681; margin = 1.96 · SE = 54.0335
    expect(result).toMatchObject({ n: 10, promoters: 5, passives: 2, detractors: 3 });
    expect(result.nps).toBeCloseTo(20, 12);
    expect(result.standardError).toBeCloseTo(27.568097504180443, 10);
    expect(result.marginOfError).toBeCloseTo(54.03347110819367, 10);
  });

  it('classifies the band edges: 6 detractor, 7 and 8 passive, 9 promoter', () => {
    expect(npsMetrics([6])).toMatchObject({ detractors: 1, nps: -100 });
    expect(npsMetrics([7, 8])).toMatchObject({ passives: 2, nps: 0 });
    expect(npsMetrics([9])).toMatchObject({ promoters: 1, nps: 100 });
  });

  it('unanimous answers have no sampling spread: margin 0', () => {
    expect(npsMetrics([10, 10, 10]).marginOfError).toBe(0);
  });

  it('gives the same from counts as from answers, and counts merge by addition', () => {
    const answers = [10, 9, 9, 4, 7, 0, 10];
    expect(npsFromCounts(countScores('nps', answers))).toEqual(npsMetrics(answers));
    expect(npsFromCounts({ 10: 2, 9: 2, 7: 1, 4: 1, 0: 1 })).toEqual(npsMetrics(answers));
  });

  it('rejects answers off the 0–10 scale', () => {
    expect(() => npsMetrics([11])).toThrow(RangeError);
    expect(() => npsMetrics([7.5])).toThrow(RangeError);
    expect(() => npsFromCounts({ 3: -1 })).toThrow(RangeError);
  });
});

describe('CSAT and CES', () => {
  it('CSAT worked by hand: answers 5, 4, 3, 2, 5', () => {
    const result = csatMetrics([5, 4, 3, 2, 5]);
    // 3 of 5 satisfied = 60%, SE 100·sqrt(0.6·0.4/5) = 21.9089; mean 3.8, plug-in variance
    // (1.44 + 0.04 + 0.64 + 3.24 + 1.44)/5 = 1.36, SE sqrt(1.36/5) = 0.52154
    expect(result).toMatchObject({ n: 5, satisfied: 3 });
    expect(result.csat).toBeCloseTo(60, 12);
    expect(result.csatStandardError).toBeCloseTo(21.908902300206645, 10);
    expect(result.mean).toBeCloseTo(3.8, 12);
    expect(result.meanStandardError).toBeCloseTo(0.5215361924162119, 12);
    expect(csatFromCounts({ 5: 2, 4: 1, 3: 1, 2: 1 })).toEqual(result);
  });

  it('CES worked by hand: answers 1, 2, 2, 7 (CES 2.0: higher is easier)', () => {
    const result = cesMetrics([1, 2, 2, 7]);
    // mean 3, plug-in variance (4 + 1 + 1 + 16)/4 = 5.5, SE sqrt(5.5/4)
    expect(result.n).toBe(4);
    expect(result.mean).toBeCloseTo(3, 12);
    expect(result.standardError).toBeCloseTo(Math.sqrt(5.5 / 4), 12);
    expect(() => cesMetrics([0])).toThrow(RangeError);
    expect(() => csatMetrics([6])).toThrow(RangeError);
  });
});

describe('empty buckets', () => {
  it('give n = 0 and null metrics, never NaN', () => {
    const empty = surveyBucketMetrics([]);
    expect(empty).toEqual({
      nps: {
        n: 0,
        promoters: 0,
        passives: 0,
        detractors: 0,
        nps: null,
        standardError: null,
        marginOfError: null,
      },
      csat: {
        n: 0,
        satisfied: 0,
        csat: null,
        csatStandardError: null,
        mean: null,
        meanStandardError: null,
      },
      ces: { n: 0, mean: null, standardError: null },
    });
    const change = compareSurveyBuckets(empty, surveyBucketMetrics([{ kind: 'nps', score: 10 }]));
    expect(change.nps).toEqual({
      previous: null,
      current: 100,
      change: null,
      standardError: null,
      z: null,
      significant: false,
    });
    for (const v of numbersIn({ empty, change })) expect(Number.isNaN(v)).toBe(false);
  });

  it('a bucket with only one kind of survey leaves the others empty', () => {
    const bucket = surveyBucketMetrics([
      { kind: 'csat', score: 5 },
      { kind: 'csat', score: 1 },
    ]);
    expect(bucket.csat.n).toBe(2);
    expect(bucket.nps.nps).toBeNull();
    expect(bucket.ces.mean).toBeNull();
  });
});

describe('change from the previous period', () => {
  const bucket = (promoters: number, passives: number, detractors: number) =>
    surveyBucketMetrics([
      ...new Array(promoters).fill({ kind: 'nps', score: 10 }),
      ...new Array(passives).fill({ kind: 'nps', score: 8 }),
      ...new Array(detractors).fill({ kind: 'nps', score: 2 }),
    ]);

  it('NPS 30 → −10 on 100 answers each is significant (worked by hand)', () => {
    // previous p = .5, d = .2: variance .7 − .09 = .61; current p = .3, d = .4: .69 − ... = .69
    // SE = 100·sqrt(.61/100 + .69/100) = 11.4018; z = −40 / 11.4018 = −3.508
    const change = compareSurveyBuckets(bucket(50, 30, 20), bucket(30, 30, 40)).nps;
    expect(change.previous).toBeCloseTo(30, 10);
    expect(change.current).toBeCloseTo(-10, 10);
    expect(change.change).toBeCloseTo(-40, 10);
    expect(change.standardError).toBeCloseTo(11.40175425099138, 10);
    expect(change.z).toBeCloseTo(-3.5082320772281173, 10);
    expect(change.significant).toBe(true);
  });

  it('NPS 30 → 25 on 100 answers each is not', () => {
    const change = compareSurveyBuckets(bucket(50, 30, 20), bucket(45, 35, 20)).nps;
    expect(change.change).toBeCloseTo(-5, 10);
    expect(Math.abs(change.z ?? NaN)).toBeLessThan(1.96);
    expect(change.significant).toBe(false);
  });

  it('tests CSAT %, CSAT mean and CES mean the same way', () => {
    const previous = surveyBucketMetrics([
      ...new Array(40).fill({ kind: 'csat', score: 5 }),
      ...new Array(10).fill({ kind: 'csat', score: 2 }),
      ...new Array(50).fill({ kind: 'ces', score: 2 }),
    ]);
    const current = surveyBucketMetrics([
      ...new Array(25).fill({ kind: 'csat', score: 5 }),
      ...new Array(25).fill({ kind: 'csat', score: 2 }),
      ...new Array(25).fill({ kind: 'ces', score: 2 }),
      ...new Array(25).fill({ kind: 'ces', score: 3 }),
    ]);
    const change = compareSurveyBuckets(previous, current);
    // CSAT 80% → 50%: SE = 100·sqrt(.8·.2/50 + .5·.5/50) = 9.0554, z = −3.313
    expect(change.csat.change).toBeCloseTo(-30, 10);
    expect(change.csat.standardError).toBeCloseTo(100 * Math.sqrt(0.16 / 50 + 0.25 / 50), 10);
    expect(change.csat.significant).toBe(true);
    // CSAT mean 4.4 → 3.5 with plug-in variances 1.44 and 2.25
    expect(change.csatMean.change).toBeCloseTo(-0.9, 10);
    expect(change.csatMean.standardError).toBeCloseTo(Math.sqrt(1.44 / 50 + 2.25 / 50), 10);
    // CES 2 (unanimous, SE 0) → 2.5 (SE sqrt(.25/50)): more effort, z = 7.07
    expect(change.cesMean.change).toBeCloseTo(0.5, 10);
    expect(change.cesMean.z).toBeCloseTo(0.5 / Math.sqrt(0.25 / 50), 10);
    expect(change.cesMean.significant).toBe(true);
  });

  it('two unanimous periods: z undefined, significant exactly when they differ', () => {
    expect(
      compareEstimates({ value: 100, standardError: 0 }, { value: -100, standardError: 0 }),
    ).toEqual({
      previous: 100,
      current: -100,
      change: -200,
      standardError: 0,
      z: null,
      significant: true,
    });
    expect(
      compareEstimates({ value: 100, standardError: 0 }, { value: 100, standardError: 0 })
        .significant,
    ).toBe(false);
  });
});
