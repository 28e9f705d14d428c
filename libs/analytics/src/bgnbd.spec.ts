import {
  bgnbdConditionalExpectedPurchases,
  bgnbdExpectedPurchases,
  bgnbdLogLikelihood,
  bgnbdProbabilityAlive,
  fitBgNbd,
  summarize,
  type BgNbdParams,
  type RepeatHistory,
} from './index';
import { hyp2f1, logBeta, logGamma } from './special-functions';
import { integrateUnitInterval } from './testing/quadrature';
import { Random } from './testing/random';
import { simulateBgNbdHistories, simulatePurchases } from './testing/simulate';

/** CDNOW's published estimates with alpha in days. */
const CDNOW_DAYS: BgNbdParams = { r: 0.243, alpha: 30.898, a: 0.793, b: 2.426 };

/**
 * The model's quantities by direct integration over the dropout probability p, independent of
 * the closed forms under test (no hypergeometric function, no rearrangement). Given λ and p a
 * customer's history has likelihood
 *   alive: (1 − p)^x λ^x e^(−λT)      dead: [x > 0] p (1 − p)^(x−1) λ^x e^(−λ t_x),
 * and an active customer expects (1 − e^(−λpt))/p purchases in the next t. The λ integrals against
 * Gamma(r, α) are elementary: ∫ λ^x e^(−λs) g(λ) dλ = Γ(r+x)/Γ(r) · α^r / (α + s)^(r+x).
 */
function byIntegration(params: BgNbdParams, h: RepeatHistory, t: number) {
  const { r, alpha, a, b } = params;
  const { x, t_x, T } = h;
  const lambdaPart = (s: number): number =>
    Math.exp(logGamma(r + x) - logGamma(r) + r * Math.log(alpha) - (r + x) * Math.log(alpha + s));
  const betaDensity = (p: number, q: number): number =>
    Math.exp((a - 1) * Math.log(p) + (b - 1) * Math.log(q) - logBeta(a, b));
  const alive = integrateUnitInterval((p, q) => betaDensity(p, q) * q ** x * lambdaPart(T));
  const dead =
    x > 0
      ? integrateUnitInterval((p, q) => betaDensity(p, q) * p * q ** (x - 1) * lambdaPart(t_x))
      : 0;
  // λPart(T) − λPart(T + pt), without the cancellation that would zero it for tiny p (where a
  // Beta density with a < 1 still has mass).
  const future = integrateUnitInterval(
    (p, q) =>
      (betaDensity(p, q) *
        q ** x *
        lambdaPart(T) *
        -Math.expm1(-(r + x) * Math.log1p((p * t) / (alpha + T)))) /
      p,
  );
  return {
    logLikelihood: Math.log(alive + dead),
    pAlive: alive / (alive + dead),
    expected: future / (alive + dead),
  };
}

/** FHL 2005 eq. (10) exactly as printed, with the series 2F1. */
function textbookExpected(params: BgNbdParams, t: number, h: RepeatHistory): number {
  const { r, alpha, a, b } = params;
  const { x, t_x, T } = h;
  const hyp = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
  const first = (a + b + x - 1) / (a - 1);
  const second = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp;
  const denominator =
    1 + (x > 0 ? (a / (b + x - 1)) * ((alpha + T) / (alpha + t_x)) ** (r + x) : 0);
  return (first * second) / denominator;
}

const HISTORIES: RepeatHistory[] = [
  { x: 0, t_x: 0, T: 0 },
  { x: 0, t_x: 0, T: 272 },
  { x: 1, t_x: 12, T: 272 },
  { x: 2, t_x: 213, T: 272 },
  { x: 7, t_x: 206, T: 272 },
  { x: 7, t_x: 30, T: 272 },
  { x: 29, t_x: 264, T: 266 },
];
const PARAM_SETS: BgNbdParams[] = [
  CDNOW_DAYS,
  { r: 1.5, alpha: 40, a: 2.5, b: 6 },
  { r: 0.4, alpha: 12, a: 0.3, b: 0.4 },
];

describe('BG/NBD', () => {
  describe('closed forms against direct numerical integration', () => {
    it.each(PARAM_SETS)('log-likelihood, P(alive) and expected purchases for %o', (params) => {
      for (const h of HISTORIES) {
        for (const t of [1, 30, 90, 365]) {
          const numeric = byIntegration(params, h, t);
          expect(bgnbdConditionalExpectedPurchases(params, t, h)).toBeCloseTo(numeric.expected, 9);
        }
        const numeric = byIntegration(params, h, 1);
        expect(bgnbdLogLikelihood(params, [h])).toBeCloseTo(numeric.logLikelihood, 9);
        expect(bgnbdProbabilityAlive(params, h)).toBeCloseTo(numeric.pAlive, 10);
      }
    });
  });

  describe('log-likelihood', () => {
    it('sums customers, weighting by count', () => {
      const single = HISTORIES.map((h) => bgnbdLogLikelihood(CDNOW_DAYS, [h]));
      const weighted = bgnbdLogLikelihood(
        CDNOW_DAYS,
        HISTORIES.map((h, i) => ({ ...h, count: i + 1 })),
      );
      expect(weighted).toBeCloseTo(
        single.reduce((s, v, i) => s + (i + 1) * v, 0),
        9,
      );
    });

    it('is the probability of no repeat purchase when x = 0: E[(α/(α+T))^r]', () => {
      const { r, alpha } = CDNOW_DAYS;
      expect(bgnbdLogLikelihood(CDNOW_DAYS, [{ x: 0, t_x: 0, T: 100 }])).toBeCloseTo(
        r * Math.log(alpha / (alpha + 100)),
        12,
      );
    });

    it('rejects impossible histories', () => {
      expect(() => bgnbdLogLikelihood(CDNOW_DAYS, [{ x: 1.5, t_x: 1, T: 2 }])).toThrow(RangeError);
      expect(() => bgnbdLogLikelihood(CDNOW_DAYS, [{ x: 1, t_x: 3, T: 2 }])).toThrow(RangeError);
      expect(() => bgnbdLogLikelihood(CDNOW_DAYS, [{ x: 0, t_x: 1, T: 2 }])).toThrow(RangeError);
      expect(() => bgnbdLogLikelihood(CDNOW_DAYS, [{ x: 1, t_x: 1, T: 2, count: 0 }])).toThrow(
        RangeError,
      );
      expect(() => bgnbdLogLikelihood({ ...CDNOW_DAYS, a: 0 }, HISTORIES)).toThrow(RangeError);
    });
  });

  describe('P(alive)', () => {
    it('is 1 without repeat purchases: dropout only ever follows a repeat purchase', () => {
      expect(bgnbdProbabilityAlive(CDNOW_DAYS, { x: 0, t_x: 0, T: 500 })).toBe(1);
    });

    it('falls as silence since the last purchase grows, and is high right after a purchase', () => {
      const values = [210, 230, 260, 300, 400].map((T) =>
        bgnbdProbabilityAlive(CDNOW_DAYS, { x: 5, t_x: 200, T }),
      );
      for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1]);
      expect(bgnbdProbabilityAlive(CDNOW_DAYS, { x: 5, t_x: 200, T: 200 })).toBeGreaterThan(0.75);
    });
  });

  describe('conditional expected purchases', () => {
    it('matches the textbook formula with the series 2F1 wherever that is well-conditioned', () => {
      for (const params of PARAM_SETS) {
        for (const h of HISTORIES) {
          for (const t of [1, 7, 90, 365, 3650]) {
            const stable = bgnbdConditionalExpectedPurchases(params, t, h);
            expect(Math.abs(stable - textbookExpected(params, t, h))).toBeLessThan(
              1e-9 * Math.max(1, stable),
            );
          }
        }
      }
    });

    it('is continuous through a = 1, where the textbook form is 0/0', () => {
      const h = { x: 3, t_x: 100, T: 200 };
      const at = (a: number): number =>
        bgnbdConditionalExpectedPurchases({ ...CDNOW_DAYS, a }, 90, h);
      expect(Number.isFinite(at(1))).toBe(true);
      expect(at(1)).toBeCloseTo((at(1 - 1e-6) + at(1 + 1e-6)) / 2, 9);
      expect(at(1)).toBeCloseTo(byIntegration({ ...CDNOW_DAYS, a: 1 }, h, 90).expected, 9);
    });

    it('stays exact for very frequent buyers, where the textbook 2F1 overflows', () => {
      const params = { r: 2, alpha: 10, a: 0.8, b: 3 };
      const h = { x: 1500, t_x: 360, T: 365 };
      expect(Number.isFinite(textbookExpected(params, 365, h))).toBe(false);
      const value = bgnbdConditionalExpectedPurchases(params, 365, h);
      expect(value).toBeCloseTo(byIntegration(params, h, 365).expected, 6);
      // Five silent days are long for someone who bought about four times a day.
      expect(
        bgnbdConditionalExpectedPurchases(params, 30, { x: 400, t_x: 360, T: 365 }),
      ).toBeCloseTo(byIntegration(params, { x: 400, t_x: 360, T: 365 }, 30).expected, 8);
    });

    it('is 0 for t = 0, increasing in t, and rejects negative t', () => {
      const h = { x: 2, t_x: 150, T: 272 };
      expect(bgnbdConditionalExpectedPurchases(CDNOW_DAYS, 0, h)).toBe(0);
      let previous = 0;
      for (const t of [1, 10, 100, 1000]) {
        const v = bgnbdConditionalExpectedPurchases(CDNOW_DAYS, t, h);
        expect(v).toBeGreaterThan(previous);
        previous = v;
      }
      expect(() => bgnbdConditionalExpectedPurchases(CDNOW_DAYS, -1, h)).toThrow(RangeError);
    });
  });

  describe('unconditional expected purchases E[X(t)]', () => {
    it('equals the conditional expectation of a customer with no history', () => {
      expect(bgnbdExpectedPurchases(CDNOW_DAYS, 365)).toBe(
        bgnbdConditionalExpectedPurchases(CDNOW_DAYS, 365, { x: 0, t_x: 0, T: 0 }),
      );
    });

    it('tends to E[1/p] = (a + b − 1)/(a − 1) repeat purchases over a lifetime (a > 1)', () => {
      const params = { r: 2, alpha: 1, a: 3, b: 4 };
      expect(bgnbdExpectedPurchases(params, 1e4)).toBeCloseTo((3 + 4 - 1) / (3 - 1), 4);
    });

    it('agrees with the mean of a simulated cohort', () => {
      const params = { r: 0.5, alpha: 20, a: 0.8, b: 2.5 };
      const t = 180;
      const cohort = simulateBgNbdHistories(params, {
        customers: 40_000,
        minT: t,
        maxT: t,
        seed: 7,
      });
      const mean = cohort.reduce((s, h) => s + h.x, 0) / cohort.length;
      const sd = Math.sqrt(cohort.reduce((s, h) => s + (h.x - mean) ** 2, 0) / (cohort.length - 1));
      expect(Math.abs(mean - bgnbdExpectedPurchases(params, t))).toBeLessThan(
        (4 * sd) / Math.sqrt(cohort.length),
      );
    });
  });

  describe('fit', () => {
    it('recovers the parameters of a simulated population (continuous time)', () => {
      // 20,000 customers observed 100–400 days. Across seeds 1–5 the largest error was 4.4% (b,
      // the least identified parameter); 10% leaves room for roughly 4 standard errors.
      const truth = { r: 0.5, alpha: 10, a: 0.8, b: 2.5 };
      const histories = simulateBgNbdHistories(truth, {
        customers: 20_000,
        minT: 100,
        maxT: 400,
        seed: 1,
      });
      const fit = fitBgNbd(histories);
      expect(fit.converged).toBe(true);
      for (const key of ['r', 'alpha', 'a', 'b'] as const) {
        expect(Math.abs(fit.params[key] / truth[key] - 1)).toBeLessThan(0.1);
      }
      expect(fit.logLikelihood).toBeCloseTo(bgnbdLogLikelihood(fit.params, histories), 6);
      expect(fit.logLikelihood).toBeGreaterThan(bgnbdLogLikelihood(truth, histories));
    });

    it('recovers them end to end from dated purchases summarised in days', () => {
      // Day-level summaries merge purchases on the same day, which biases alpha upwards when many
      // customers buy several times a week; a population buying every two months or so, as here,
      // keeps that effect at a few percent.
      const truth = { r: 2, alpha: 120, a: 1.5, b: 4 };
      const asOf = new Date('2025-01-01T00:00:00Z');
      const purchases = simulatePurchases(truth, {
        customers: 20_000,
        asOf,
        maxAgeDays: 1095,
        seed: 4,
      });
      const fit = fitBgNbd(summarize(purchases, asOf, 'day'));
      for (const key of ['r', 'alpha', 'a', 'b'] as const) {
        expect(Math.abs(fit.params[key] / truth[key] - 1)).toBeLessThan(0.1);
      }
    });

    it('gives the same answer for aggregated and repeated histories', () => {
      const random = new Random(3);
      const distinct = simulateBgNbdHistories(CDNOW_DAYS, {
        customers: 300,
        minT: 50,
        maxT: 300,
        seed: 9,
      }).map((h) => ({
        x: h.x,
        t_x: Math.round(h.t_x),
        T: Math.max(Math.round(h.T), Math.round(h.t_x)),
      }));
      const counts = distinct.map(() => random.integer(1, 4));
      const repeated = distinct.flatMap((h, i) => new Array<RepeatHistory>(counts[i]).fill(h));
      const weighted = fitBgNbd(distinct.map((h, i) => ({ ...h, count: counts[i] })));
      const plain = fitBgNbd(repeated);
      expect(weighted.customers).toBe(repeated.length);
      for (const key of ['r', 'alpha', 'a', 'b'] as const) {
        expect(weighted.params[key]).toBeCloseTo(plain.params[key], 5);
      }
      expect(weighted.logLikelihood).toBeCloseTo(plain.logLikelihood, 6);
      expect(plain.distinctHistories).toBeLessThanOrEqual(distinct.length);
    });

    it('refuses an empty population', () => {
      expect(() => fitBgNbd([])).toThrow(RangeError);
    });
  });
});
