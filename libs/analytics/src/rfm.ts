/**
 * RFM: recency, frequency and monetary value per customer as of a date, their 1–5 quintile scores
 * and the RF segment map.
 */

export interface RfmTransaction {
  customerId: string;
  at: Date;
  /** Money moved, ≥ 0; a refund's amount is subtracted from monetary. */
  amount: number;
  kind: 'purchase' | 'refund';
}

export interface RfmOptions {
  /** Frequency and monetary count transactions in (asOf − windowDays, asOf]. Default 365. */
  windowDays?: number;
}

export interface RfmCustomer {
  customerId: string;
  /** Whole days from the last purchase (at any time up to asOf) to asOf. */
  recencyDays: number;
  /** Purchases within the window. */
  frequency: number;
  /** Purchases minus refunds within the window (may be negative). */
  monetary: number;
  r: RfmScore;
  f: RfmScore;
  m: RfmScore;
  segment: RfSegment;
}

export type RfmScore = 1 | 2 | 3 | 4 | 5;

const MS_PER_DAY = 86_400_000;

/**
 * Scores every customer with at least one purchase at or before asOf. Who is scored does not
 * depend on the window: a customer whose last purchase is older than the window is still a
 * customer, with frequency 0, the lowest recency score and (most likely) "Hibernating"; leaving
 * them out would make the lapsed disappear from the distribution instead of showing up in it.
 * Refunds count in monetary by their own date, never in frequency. Transactions after asOf are
 * ignored. Monetary is rounded to 1e-6 so that the order of float additions cannot split a tie.
 * Result sorted by customer id.
 */
export function computeRfm(
  transactions: readonly RfmTransaction[],
  asOf: Date,
  options: RfmOptions = {},
): RfmCustomer[] {
  const windowDays = options.windowDays ?? 365;
  if (!(windowDays > 0)) throw new RangeError(`windowDays must be > 0 (got ${windowDays})`);
  const asOfMs = asOf.getTime();
  if (Number.isNaN(asOfMs)) throw new RangeError('asOf is not a valid date');
  const windowStart = asOfMs - windowDays * MS_PER_DAY;

  const acc = new Map<string, { last: number; frequency: number; monetary: number }>();
  const sorted = [...transactions].sort((p, q) => p.at.getTime() - q.at.getTime());
  for (const t of sorted) {
    const ms = t.at.getTime();
    if (Number.isNaN(ms))
      throw new RangeError(`transaction of ${t.customerId} has an invalid date`);
    if (!(t.amount >= 0) || !Number.isFinite(t.amount)) {
      throw new RangeError(
        `transaction of ${t.customerId} has amount ${t.amount}; amounts are ≥ 0`,
      );
    }
    if (ms > asOfMs) continue;
    let c = acc.get(t.customerId);
    if (!c) {
      c = { last: -Infinity, frequency: 0, monetary: 0 };
      acc.set(t.customerId, c);
    }
    const inWindow = ms > windowStart;
    if (t.kind === 'purchase') {
      c.last = Math.max(c.last, ms);
      if (inWindow) {
        c.frequency++;
        c.monetary += t.amount;
      }
    } else if (inWindow) {
      c.monetary -= t.amount;
    }
  }

  const rows = [...acc]
    .filter(([, c]) => c.last > -Infinity)
    .map(([customerId, c]) => ({
      customerId,
      recencyDays: Math.floor((asOfMs - c.last) / MS_PER_DAY),
      frequency: c.frequency,
      monetary: Math.round(c.monetary * 1e6) / 1e6 + 0, // + 0 turns −0 into 0
    }))
    .sort((p, q) => (p.customerId < q.customerId ? -1 : p.customerId > q.customerId ? 1 : 0));

  const r = quintileScores(rows.map((row) => -row.recencyDays));
  const f = quintileScores(rows.map((row) => row.frequency));
  const m = quintileScores(rows.map((row) => row.monetary));
  return rows.map((row, i) => ({
    ...row,
    r: r[i],
    f: f[i],
    m: m[i],
    segment: rfSegment(r[i], f[i]),
  }));
}

/**
 * 1–5 scores, higher for higher values, by mid-rank percentile:
 *
 *   position(v) = (#values below v + ½ · #values equal to v) / n,   score = ⌈5 · position⌉.
 *
 * Equal values have the same position, so they always get the same score, and the result depends
 * only on the multiset of values, never on input order (no tie broken by "first seen", as
 * pandas' rank(method='first') + qcut does). Using the middle of a tie group places it where its
 * members sit on average, so a tie spanning a boundary lands on the side holding most of it, and a
 * population of identical values scores 3 (neutral) rather than 1 or 5. With distinct values the
 * scores are exact quintiles (n = 10 gives two of each). The score is a ceiling of a ratio of
 * integers, which floating point gets exactly right, so no boundary wobbles. Recency is scored on
 * −days, so more recent means a higher R.
 */
export function quintileScores(values: readonly number[]): RfmScore[] {
  const n = values.length;
  if (values.some((v) => Number.isNaN(v))) throw new RangeError('cannot score NaN');
  const sorted = [...values].sort((p, q) => p - q);
  const scoreOf = new Map<number, RfmScore>();
  for (let i = 0; i < n;) {
    let j = i;
    while (j < n && sorted[j] === sorted[i]) j++;
    const below = i;
    const equal = j - i;
    const score = Math.ceil((5 * (2 * below + equal)) / (2 * n));
    scoreOf.set(sorted[i], Math.min(5, Math.max(1, score)) as RfmScore);
    i = j;
  }
  return values.map((v) => scoreOf.get(v) as RfmScore);
}

export type RfSegment =
  | 'champions'
  | 'loyal'
  | 'potential_loyalists'
  | 'new_customers'
  | 'promising'
  | 'need_attention'
  | 'about_to_sleep'
  | 'at_risk'
  | 'cant_lose'
  | 'hibernating';

export interface RfSegmentRule {
  segment: RfSegment;
  label: string;
  /** Inclusive R score range. */
  r: readonly [RfmScore, RfmScore];
  /** Inclusive F score range. */
  f: readonly [RfmScore, RfmScore];
}

/**
 * The RF segment map as specified (R digit first): Champions 5[4-5], Loyal [3-4][4-5], Potential
 * Loyalists [4-5][2-3], New Customers 51, Promising 41, Need Attention 33, About to Sleep 3[1-2],
 * At Risk [1-2][3-4], Can't Lose [1-2]5, Hibernating [1-2][1-2].
 *
 * Checked cell by cell (and by a test): the ten rules cover 2+4+4+1+1+1+2+4+2+4 = 25 cells and no
 * cell twice, so the map is already total and unambiguous. There is no gap to fill and no overlap
 * to break, hence no extra rule and no precedence order.
 *
 *          F=1             F=2             F=3             F=4        F=5
 *   R=5    new_customers   potential_l.    potential_l.    champions  champions
 *   R=4    promising       potential_l.    potential_l.    loyal      loyal
 *   R=3    about_to_sleep  about_to_sleep  need_attention  loyal      loyal
 *   R=2    hibernating     hibernating     at_risk         at_risk    cant_lose
 *   R=1    hibernating     hibernating     at_risk         at_risk    cant_lose
 */
export const RF_SEGMENT_RULES: readonly RfSegmentRule[] = [
  { segment: 'champions', label: 'Champions', r: [5, 5], f: [4, 5] },
  { segment: 'loyal', label: 'Loyal', r: [3, 4], f: [4, 5] },
  { segment: 'potential_loyalists', label: 'Potential Loyalists', r: [4, 5], f: [2, 3] },
  { segment: 'new_customers', label: 'New Customers', r: [5, 5], f: [1, 1] },
  { segment: 'promising', label: 'Promising', r: [4, 4], f: [1, 1] },
  { segment: 'need_attention', label: 'Need Attention', r: [3, 3], f: [3, 3] },
  { segment: 'about_to_sleep', label: 'About to Sleep', r: [3, 3], f: [1, 2] },
  { segment: 'at_risk', label: 'At Risk', r: [1, 2], f: [3, 4] },
  { segment: 'cant_lose', label: "Can't Lose", r: [1, 2], f: [5, 5] },
  { segment: 'hibernating', label: 'Hibernating', r: [1, 2], f: [1, 2] },
];

export const RF_SEGMENT_LABELS: Readonly<Record<RfSegment, string>> = Object.fromEntries(
  RF_SEGMENT_RULES.map((rule) => [rule.segment, rule.label]),
) as Record<RfSegment, string>;

const SEGMENT_GRID: readonly RfSegment[] = buildGrid();

function buildGrid(): RfSegment[] {
  const grid: RfSegment[] = [];
  for (let r = 1; r <= 5; r++) {
    for (let f = 1; f <= 5; f++) {
      const matches = RF_SEGMENT_RULES.filter(
        (rule) => r >= rule.r[0] && r <= rule.r[1] && f >= rule.f[0] && f <= rule.f[1],
      );
      // Fails at load time if anyone edits the rules into a map with a gap or an overlap.
      if (matches.length !== 1) {
        throw new Error(`RF segment map: cell ${r}${f} matches ${matches.length} rules`);
      }
      grid.push(matches[0].segment);
    }
  }
  return grid;
}

/** The segment of an (R, F) score pair. */
export function rfSegment(r: number, f: number): RfSegment {
  if (!isScore(r) || !isScore(f))
    throw new RangeError(`R and F must be integers 1–5 (got ${r}, ${f})`);
  return SEGMENT_GRID[(r - 1) * 5 + (f - 1)];
}

function isScore(v: number): v is RfmScore {
  return Number.isInteger(v) && v >= 1 && v <= 5;
}
