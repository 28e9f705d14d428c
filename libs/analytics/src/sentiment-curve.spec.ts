import { emotionCurve, peakEnd, periodTrend } from './sentiment-curve';

const moment = (id: string, iso: string, sentiment: number | null) => ({
  id,
  at: new Date(iso),
  sentiment,
});

describe('emotionCurve', () => {
  it('orders by time, keeps input order on ties and drops unknown sentiment', () => {
    const curve = emotionCurve([
      moment('c', '2024-01-03T00:00:00Z', 0.1),
      moment('a', '2024-01-01T00:00:00Z', 0.5),
      moment('x', '2024-01-02T00:00:00Z', null),
      moment('b1', '2024-01-02T00:00:00Z', -0.2),
      moment('b2', '2024-01-02T00:00:00Z', 0.3),
    ]);
    expect(curve.map((p) => p.id)).toEqual(['a', 'b1', 'b2', 'c']);
  });
});

describe('peakEnd', () => {
  it('worked by hand: lows of −0.8 twice, a high of 0.5, ending at 0.1', () => {
    const summary = peakEnd([
      moment('order', '2024-01-01T10:00:00Z', 0.2),
      moment('late delivery', '2024-01-03T10:00:00Z', -0.8),
      moment('apology call', '2024-01-04T10:00:00Z', 0.5),
      moment('second complaint', '2024-01-06T10:00:00Z', -0.8),
      moment('survey', '2024-01-09T10:00:00Z', 0.1),
    ]);
    expect(summary.mostNegative?.id).toBe('late delivery'); // the first of the tied lows
    expect(summary.mostPositive?.id).toBe('apology call');
    expect(summary.end?.id).toBe('survey');
    expect(summary.peakEndMean).toBeCloseTo((-0.8 + 0.5 + 0.1) / 3, 12);
  });

  it('uses time, not input order, to find the end', () => {
    const summary = peakEnd([
      moment('last', '2024-02-01T00:00:00Z', -0.5),
      moment('first', '2024-01-01T00:00:00Z', 0.9),
    ]);
    expect(summary.end?.id).toBe('last');
    expect(summary.peakEndMean).toBeCloseTo((-0.5 + 0.9 - 0.5) / 3, 12);
  });

  it('a single moment is peak, trough and end; an empty journey has no summary', () => {
    const only = moment('only', '2024-01-01T00:00:00Z', 0.4);
    const summary = peakEnd([only]);
    expect(summary).toMatchObject({ mostNegative: only, mostPositive: only, end: only });
    expect(summary.peakEndMean).toBeCloseTo(0.4, 15);
    expect(peakEnd([])).toEqual({
      mostNegative: null,
      mostPositive: null,
      end: null,
      peakEndMean: null,
    });
  });
});

describe('periodTrend', () => {
  const asOf = new Date('2024-07-01T00:00:00Z');
  const point = (iso: string, value: number) => ({ at: new Date(iso), value });

  it('compares the last 90 days with the 90 before (worked by hand)', () => {
    const trend = periodTrend(
      [
        point('2024-01-01T00:00:00Z', 1), // older than 180 days: ignored
        point('2024-02-01T00:00:00Z', 5), // previous window
        point('2024-03-15T00:00:00Z', 4), // previous window
        point('2024-05-01T00:00:00Z', 3), // recent window
        point('2024-06-30T00:00:00Z', 2), // recent window
        point('2024-07-02T00:00:00Z', 5), // after asOf: ignored
      ],
      asOf,
    );
    expect(trend).toEqual({ previous: 4.5, recent: 2.5, change: -2 });
  });

  it('reports null when a window is empty', () => {
    expect(periodTrend([point('2024-06-01T00:00:00Z', 3)], asOf)).toEqual({
      previous: null,
      recent: 3,
      change: null,
    });
    expect(periodTrend([], asOf, 30)).toEqual({ previous: null, recent: null, change: null });
  });
});
