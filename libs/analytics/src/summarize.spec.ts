import { summarize, type Purchase } from './summarize';

const at = (iso: string): Date => new Date(iso);
const buy = (customerId: string, iso: string, amount = 10): Purchase => ({
  customerId,
  at: at(iso),
  amount,
});

describe('summarize (lifetimes rules, in days)', () => {
  const asOf = at('2024-03-31T18:00:00Z');

  it('counts repeat purchase days after the first, t_x to the last, T to the day of asOf', () => {
    const [s] = summarize(
      [
        buy('a', '2024-01-01T09:00:00Z', 30),
        buy('a', '2024-01-11T09:00:00Z', 20),
        buy('a', '2024-02-10T09:00:00Z', 40),
      ],
      asOf,
      'day',
    );
    expect(s).toEqual({ customerId: 'a', x: 2, t_x: 40, T: 90, monetary: 30 });
  });

  it('merges same-day purchases into one occasion with the summed amount', () => {
    const [s] = summarize(
      [
        buy('a', '2024-01-01T09:00:00Z', 5),
        buy('a', '2024-01-01T23:59:59Z', 5), // same first day: not a repeat purchase
        buy('a', '2024-01-05T08:00:00Z', 12),
        buy('a', '2024-01-05T20:00:00Z', 8), // same day: one repeat purchase worth 20
        buy('a', '2024-01-06T00:00:00Z', 50), // next UTC day: another repeat purchase
      ],
      asOf,
    );
    expect(s).toEqual({ customerId: 'a', x: 2, t_x: 5, T: 90, monetary: 35 });
  });

  it('ignores purchases after asOf, even later on the same day, and customers born after it', () => {
    const result = summarize(
      [
        buy('a', '2024-03-01T00:00:00Z'),
        buy('a', '2024-03-31T18:00:00Z', 99), // exactly at asOf: included
        buy('a', '2024-03-31T18:00:01Z', 1000), // a second later: ignored
        buy('b', '2024-04-01T00:00:00Z'),
      ],
      asOf,
    );
    expect(result).toEqual([{ customerId: 'a', x: 1, t_x: 30, T: 30, monetary: 99 }]);
  });

  it('gives x = 0, t_x = 0 and monetary 0 to one-time buyers, including a purchase on the asOf day', () => {
    expect(summarize([buy('a', '2024-03-31T01:00:00Z', 70)], asOf)).toEqual([
      { customerId: 'a', x: 0, t_x: 0, T: 0, monetary: 0 },
    ]);
  });

  it('does not depend on input order and sorts by customer id', () => {
    const purchases = [
      buy('b', '2024-02-01T10:00:00Z', 3),
      buy('a', '2024-01-01T10:00:00Z', 1),
      buy('b', '2024-01-01T10:00:00Z', 2),
      buy('a', '2024-03-01T10:00:00Z', 4),
    ];
    const forward = summarize(purchases, asOf);
    expect(forward.map((s) => s.customerId)).toEqual(['a', 'b']);
    expect(summarize([...purchases].reverse(), asOf)).toEqual(forward);
  });

  it('rejects invalid input', () => {
    expect(() => summarize([buy('a', 'not a date')], asOf)).toThrow(RangeError);
    expect(() => summarize([buy('a', '2024-01-01T00:00:00Z', NaN)], asOf)).toThrow(RangeError);
    expect(() => summarize([], at('nope'))).toThrow(RangeError);
    expect(summarize([], asOf)).toEqual([]);
  });
});
