import { parseDay } from '../../rules/calendar';
import {
  surveyTrend,
  trendWindow,
  type CesPoint,
  type CsatPoint,
  type NpsPoint,
  type ScoreCountEntry,
} from './survey-trend';

const answers = (day: string, group: string, scores: number[]): ScoreCountEntry[] =>
  scores.map((score) => ({ day, group, score, n: 1 }));

/** Two weeks asked for: 2026-03-09 (Mon) to 2026-03-22 (Sun); the week of 2026-03-02 is read for the change. */
const window = trendWindow(parseDay('2026-03-11')!, parseDay('2026-03-22')!, 'week');
const entries = [
  ...answers('2026-03-03', 'web', [10, 10, 6]),
  ...answers('2026-03-10', 'web', [9, 7, 3, 10]),
  ...answers('2026-03-14', 'email', [10]),
  // Outside: after the window.
  ...answers('2026-03-23', 'web', [0]),
];

describe('survey trends from score counts (hand-computed)', () => {
  it('rounds the window to whole buckets and reads the bucket before', () => {
    expect(window.buckets.map((b) => b.toISOString().slice(0, 10))).toEqual([
      '2026-03-09',
      '2026-03-16',
    ]);
    expect([window.firstDay, window.endDay]).toEqual(['2026-03-02', '2026-03-23']);
  });

  it('NPS per week: n, promoters/passives/detractors, NPS, margin of error, change; an empty week', () => {
    const inWindow = entries.filter((e) => e.day < window.endDay);
    const [series] = surveyTrend('nps', inWindow, window, 'week', false);
    expect(series!.group).toBeNull();
    const [first, second] = series!.points as (NpsPoint & { start: string; end: string })[];
    expect(first).toMatchObject({
      start: '2026-03-09',
      end: '2026-03-15',
      n: 5,
      promoters: 3,
      passives: 1,
      detractors: 1,
    });
    // p = 0.6, d = 0.2: NPS 40, SE = 100·sqrt((0.8 − 0.16)/5), MoE = 1.96·SE.
    expect(first!.nps).toBeCloseTo(40, 10);
    expect(first!.standardError).toBeCloseTo(100 * Math.sqrt(0.64 / 5), 10);
    expect(first!.marginOfError).toBeCloseTo(1.96 * 100 * Math.sqrt(0.64 / 5), 10);
    // The week before: 10, 10, 6 → NPS 33.33, SE = 100·sqrt((1 − 1/9)/3).
    const previousSe = 100 * Math.sqrt((1 - 1 / 9) / 3);
    expect(first!.change.previous).toBeCloseTo(100 / 3, 10);
    expect(first!.change.change).toBeCloseTo(40 - 100 / 3, 10);
    expect(first!.change.standardError).toBeCloseTo(
      Math.sqrt(previousSe ** 2 + 100 ** 2 * (0.64 / 5)),
      10,
    );
    expect(first!.change.significant).toBe(false);
    expect(second).toMatchObject({
      start: '2026-03-16',
      end: '2026-03-22',
      n: 0,
      promoters: 0,
      nps: null,
      marginOfError: null,
      change: { previous: 40, current: null, change: null, significant: false },
    });
  });

  it('groups by channel: one series per group seen, each compared with its own previous bucket', () => {
    const series = surveyTrend('nps', entries, window, 'week', true);
    expect(series.map((s) => s.group)).toEqual(['email', 'web']);
    const email = series[0]!.points as NpsPoint[];
    const web = series[1]!.points as NpsPoint[];
    expect(email[0]).toMatchObject({ n: 1, promoters: 1, nps: 100, standardError: 0 });
    expect(email[0]!.change).toMatchObject({ previous: null, change: null, significant: false });
    // 9, 7, 3, 10: 2 promoters, 1 passive, 1 detractor.
    expect(web[0]).toMatchObject({ n: 4, promoters: 2, passives: 1, detractors: 1, nps: 25 });
    expect(web[0]!.change.change).toBeCloseTo(25 - 100 / 3, 10);
    expect(web[1]).toMatchObject({ n: 0, nps: null });
  });

  it('CSAT: % of 4–5 and mean; CES: mean; by day with empty days', () => {
    const days = trendWindow(parseDay('2026-03-10')!, parseDay('2026-03-11')!, 'day');
    const csat = surveyTrend(
      'csat',
      [...answers('2026-03-09', 'web', [1]), ...answers('2026-03-10', 'web', [5, 4, 2])],
      days,
      'day',
      false,
    )[0]!.points as CsatPoint[];
    expect(csat[0]).toMatchObject({ n: 3, satisfied: 2 });
    expect(csat[0]!.csat).toBeCloseTo(200 / 3, 10);
    expect(csat[0]!.mean).toBeCloseTo(11 / 3, 10);
    // From one answer of 1 (0% satisfied, SE 0) to 66.7%: the change is compared with SE of the second only.
    expect(csat[0]!.change.csat.change).toBeCloseTo(200 / 3, 10);
    expect(csat[0]!.change.mean.previous).toBe(1);
    expect(csat[1]).toMatchObject({ n: 0, csat: null, mean: null });
    const ces = surveyTrend('ces', answers('2026-03-11', 'web', [2, 3]), days, 'day', false)[0]!
      .points as CesPoint[];
    expect(ces.map((p) => [p.n, p.mean])).toEqual([
      [0, null],
      [2, 2.5],
    ]);
  });

  it('months are calendar months', () => {
    const months = trendWindow(parseDay('2026-01-15')!, parseDay('2026-02-10')!, 'month');
    const [series] = surveyTrend(
      'nps',
      [...answers('2026-01-31', 'web', [10]), ...answers('2026-02-01', 'web', [0])],
      months,
      'month',
      false,
    );
    expect(series!.points.map((p) => [p.start, p.end, p.n])).toEqual([
      ['2026-01-01', '2026-01-31', 1],
      ['2026-02-01', '2026-02-28', 1],
    ]);
  });
});
