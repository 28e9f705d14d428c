import {
  computeRfm,
  quintileScores,
  RF_SEGMENT_LABELS,
  RF_SEGMENT_RULES,
  rfSegment,
  type RfmTransaction,
} from './rfm';
import { Random } from './testing/random';

const tx = (
  customerId: string,
  day: string,
  amount: number,
  kind: RfmTransaction['kind'] = 'purchase',
): RfmTransaction => ({ customerId, at: new Date(`${day}T12:00:00Z`), amount, kind });

describe('quintileScores', () => {
  it('gives exact quintiles to distinct values', () => {
    expect(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(quintileScores([50, 10, 40, 20, 30])).toEqual([5, 1, 4, 2, 3]);
  });

  it('gives equal values equal scores, placing a tie group by its middle', () => {
    // sorted 1, 2, 5, 5, 5: the 5s occupy positions 3–5 of 5; their middle, 0.7, is in quintile 4
    expect(quintileScores([5, 5, 5, 1, 2])).toEqual([4, 4, 4, 1, 2]);
    // the two 0s span quintiles 1–2 of 5: middle 0.2 → 1
    expect(quintileScores([0, 0, 20, 50, 200])).toEqual([1, 1, 3, 4, 5]);
    // identical customers are all middling, not all best or all worst
    expect(quintileScores([7, 7, 7])).toEqual([3, 3, 3]);
    expect(quintileScores([42])).toEqual([3]);
    expect(quintileScores([])).toEqual([]);
  });

  it('is deterministic: the same multiset scores the same whatever the order', () => {
    const random = new Random(11);
    const values = Array.from({ length: 500 }, () => random.integer(0, 40));
    const scores = quintileScores(values);
    const byValue = new Map<number, number>();
    values.forEach((v, i) => {
      expect(byValue.get(v) ?? scores[i]).toBe(scores[i]);
      byValue.set(v, scores[i]);
    });
    const shuffled = [...values].sort(() => random.uniform() - 0.5);
    quintileScores(shuffled).forEach((s, i) => expect(s).toBe(byValue.get(shuffled[i])));
    // and never decreasing in the value
    const distinct = [...byValue.keys()].sort((p, q) => p - q);
    for (let i = 1; i < distinct.length; i++) {
      expect(byValue.get(distinct[i])).toBeGreaterThanOrEqual(byValue.get(distinct[i - 1]) ?? 0);
    }
  });

  it('handles negative and fractional values and refuses NaN', () => {
    expect(quintileScores([-5.5, 0, 2.25, -1, 100])).toEqual([1, 3, 4, 2, 5]);
    expect(() => quintileScores([1, NaN])).toThrow(RangeError);
  });
});

describe('RF segment map', () => {
  it('covers each of the 25 cells exactly once', () => {
    const cells: string[] = [];
    for (let r = 1; r <= 5; r++) {
      for (let f = 1; f <= 5; f++) {
        const matching = RF_SEGMENT_RULES.filter(
          (rule) => r >= rule.r[0] && r <= rule.r[1] && f >= rule.f[0] && f <= rule.f[1],
        );
        expect({ cell: `${r}${f}`, rules: matching.length }).toEqual({
          cell: `${r}${f}`,
          rules: 1,
        });
        cells.push(`${r}${f}:${matching[0].segment}`);
      }
    }
    expect(cells).toHaveLength(25);
  });

  it.each([
    ['55', 'champions'],
    ['54', 'champions'],
    ['45', 'loyal'],
    ['34', 'loyal'],
    ['53', 'potential_loyalists'],
    ['52', 'potential_loyalists'],
    ['43', 'potential_loyalists'],
    ['42', 'potential_loyalists'],
    ['51', 'new_customers'],
    ['41', 'promising'],
    ['33', 'need_attention'],
    ['32', 'about_to_sleep'],
    ['31', 'about_to_sleep'],
    ['24', 'at_risk'],
    ['13', 'at_risk'],
    ['25', 'cant_lose'],
    ['15', 'cant_lose'],
    ['22', 'hibernating'],
    ['11', 'hibernating'],
  ])('cell %s is %s', (cell, segment) => {
    expect(rfSegment(Number(cell[0]), Number(cell[1]))).toBe(segment);
  });

  it('labels segments as specified and rejects scores off the grid', () => {
    expect(RF_SEGMENT_LABELS.cant_lose).toBe("Can't Lose");
    expect(RF_SEGMENT_LABELS.potential_loyalists).toBe('Potential Loyalists');
    expect(Object.keys(RF_SEGMENT_LABELS)).toHaveLength(10);
    expect(() => rfSegment(0, 3)).toThrow(RangeError);
    expect(() => rfSegment(3, 6)).toThrow(RangeError);
    expect(() => rfSegment(2.5, 3)).toThrow(RangeError);
  });
});

describe('computeRfm', () => {
  const asOf = new Date('2024-12-31T12:00:00Z');
  const transactions: RfmTransaction[] = [
    tx('A', '2024-12-30', 100),
    tx('A', '2024-11-01', 50),
    tx('A', '2024-06-01', 50),
    tx('B', '2024-12-30', 80),
    tx('B', '2024-12-31', 30, 'refund'), // 12:00, exactly at asOf: counts
    tx('C', '2024-07-01', 500),
    tx('C', '2024-08-01', 500),
    tx('C', '2024-08-05', 1000, 'refund'),
    tx('D', '2023-06-01', 1000), // before the window: lapsed
    tx('E', '2024-05-01', 10, 'refund'), // refunds only: not a customer with purchases
    tx('F', '2025-01-05', 10), // after asOf: ignored
    tx('G', '2023-12-31', 999), // exactly 365 days before asOf: outside (asOf − 365 d, asOf]
    tx('G', '2024-03-01', 20),
  ];

  it('computes recency, frequency, net monetary, scores and segments (worked by hand)', () => {
    // Recency −days sorted: D −579, G −305, C −152, A −1, B −1 → 1, 2, 3 and the A/B tie at
    // positions 4–5 (middle 0.8) → 4. Frequency 0 D, 1 B G, 2 C, 3 A → 1, 2, 2, 4, 5.
    // Monetary 0 C D, 20 G, 50 B, 200 A → 1, 1, 3, 4, 5.
    expect(computeRfm(transactions, asOf)).toEqual([
      {
        customerId: 'A',
        recencyDays: 1,
        frequency: 3,
        monetary: 200,
        r: 4,
        f: 5,
        m: 5,
        segment: 'loyal',
      },
      {
        customerId: 'B',
        recencyDays: 1,
        frequency: 1,
        monetary: 50,
        r: 4,
        f: 2,
        m: 4,
        segment: 'potential_loyalists',
      },
      {
        customerId: 'C',
        recencyDays: 152,
        frequency: 2,
        monetary: 0,
        r: 3,
        f: 4,
        m: 1,
        segment: 'loyal',
      },
      {
        customerId: 'D',
        recencyDays: 579,
        frequency: 0,
        monetary: 0,
        r: 1,
        f: 1,
        m: 1,
        segment: 'hibernating',
      },
      {
        customerId: 'G',
        recencyDays: 305,
        frequency: 1,
        monetary: 20,
        r: 2,
        f: 2,
        m: 3,
        segment: 'hibernating',
      },
    ]);
  });

  it('respects a custom window and ignores input order', () => {
    const shuffled = [...transactions].reverse();
    const rows = computeRfm(shuffled, asOf, { windowDays: 90 });
    const a = rows.find((row) => row.customerId === 'A');
    expect(a).toMatchObject({ frequency: 2, monetary: 150 }); // June is outside 90 days
    expect(computeRfm(shuffled, asOf)).toEqual(computeRfm(transactions, asOf));
  });

  it('keeps ties exact despite float summation order', () => {
    const rows = computeRfm(
      [
        tx('X', '2024-12-01', 0.1),
        tx('X', '2024-12-02', 0.2),
        tx('X', '2024-12-03', 0.3),
        tx('Y', '2024-12-01', 0.3),
        tx('Y', '2024-12-02', 0.2),
        tx('Y', '2024-12-03', 0.1),
      ],
      asOf,
    );
    expect(rows[0].monetary).toBe(rows[1].monetary);
    expect(rows[0].m).toBe(rows[1].m);
  });

  it('returns nothing for no purchases and rejects bad input', () => {
    expect(computeRfm([], asOf)).toEqual([]);
    expect(() => computeRfm([tx('A', '2024-01-01', -5)], asOf)).toThrow(RangeError);
    expect(() => computeRfm(transactions, asOf, { windowDays: 0 })).toThrow(RangeError);
    expect(() => computeRfm(transactions, new Date('nope'))).toThrow(RangeError);
  });
});
