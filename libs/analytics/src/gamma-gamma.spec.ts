import {
  fitGammaGamma,
  gammaGammaConditionalExpectedValue,
  gammaGammaLogLikelihood,
  type GammaGammaParams,
} from './gamma-gamma';
import { logGamma } from './special-functions';
import { simulateGammaGamma } from './testing/simulate';

const PARAMS: GammaGammaParams = { p: 6, q: 4, gamma: 15 };

/**
 * ln ∫ f(m | x, ν) g(ν) dν by the trapezoid rule in u = ln ν: the mean of x Gamma(p, ν) orders is
 * Gamma(px, xν), and ν ~ Gamma(q, γ). Independent of the closed form under test.
 */
function logLikelihoodByIntegration(
  { p, q, gamma }: GammaGammaParams,
  x: number,
  m: number,
): number {
  const logIntegrand = (u: number): number => {
    const nu = Math.exp(u);
    return (
      p * x * Math.log(x * nu) +
      (p * x - 1) * Math.log(m) -
      x * nu * m -
      logGamma(p * x) +
      q * Math.log(gamma) +
      (q - 1) * u -
      gamma * nu -
      logGamma(q) +
      u
    );
  };
  const peak = Math.log((p * x + q) / (x * m + gamma));
  const top = logIntegrand(peak);
  const step = 1e-3;
  let sum = 0;
  for (let u = peak - 15; u <= peak + 15; u += step) sum += Math.exp(logIntegrand(u) - top);
  return top + Math.log(sum * step);
}

describe('Gamma-Gamma', () => {
  it('log-likelihood matches direct integration over the customer rate ν', () => {
    for (const [x, m] of [
      [1, 10],
      [2, 22.35],
      [7, 73.74],
      [30, 5],
    ]) {
      expect(gammaGammaLogLikelihood(PARAMS, [{ x, monetary: m }])).toBeCloseTo(
        logLikelihoodByIntegration(PARAMS, x, m),
        9,
      );
    }
  });

  it('conditional expected order value: the credibility blend, worked by hand', () => {
    // Population mean pγ/(q − 1) = 6·15/3 = 30; x = 2 gives weight px/(px + q − 1) = 12/15.
    expect(gammaGammaConditionalExpectedValue(PARAMS, 0, 0)).toBeCloseTo(30, 12);
    expect(gammaGammaConditionalExpectedValue(PARAMS, 2, 50)).toBeCloseTo(0.8 * 50 + 0.2 * 30, 12);
    // More orders, more weight on the customer's own mean.
    const few = gammaGammaConditionalExpectedValue(PARAMS, 1, 100) ?? NaN;
    const many = gammaGammaConditionalExpectedValue(PARAMS, 20, 100) ?? NaN;
    expect(few).toBeLessThan(many);
    expect(many).toBeLessThan(100);
  });

  it('has no expected value when the population mean is infinite (q ≤ 1)', () => {
    expect(gammaGammaConditionalExpectedValue({ p: 2, q: 0.9, gamma: 10 }, 0, 0)).toBeNull();
    expect(gammaGammaConditionalExpectedValue({ p: 2, q: 0.9, gamma: 10 }, 1, 10)).not.toBeNull();
  });

  it('recovers the parameters of a simulated population', () => {
    // 20,000 repeat customers with 1–10 repeat orders each. Across seeds 1–5 the largest error
    // was 3.7%; 10% leaves room for roughly 4 standard errors.
    const data = simulateGammaGamma(PARAMS, { customers: 20_000, maxX: 10, seed: 1 });
    const fit = fitGammaGamma(data);
    expect(fit.converged).toBe(true);
    for (const key of ['p', 'q', 'gamma'] as const) {
      expect(Math.abs(fit.params[key] / PARAMS[key] - 1)).toBeLessThan(0.1);
    }
    expect(fit.logLikelihood).toBeCloseTo(gammaGammaLogLikelihood(fit.params, data), 6);
    expect(fit.logLikelihood).toBeGreaterThan(gammaGammaLogLikelihood(PARAMS, data));
  });

  it('weights rows by count exactly like repeated rows', () => {
    const data = simulateGammaGamma(PARAMS, { customers: 200, maxX: 5, seed: 2 });
    const weighted = fitGammaGamma(data.map((d, i) => ({ ...d, count: 1 + (i % 3) })));
    const repeated = fitGammaGamma(data.flatMap((d, i) => new Array(1 + (i % 3)).fill(d)));
    expect(weighted.customers).toBe(repeated.customers);
    for (const key of ['p', 'q', 'gamma'] as const) {
      expect(weighted.params[key]).toBeCloseTo(repeated.params[key], 5);
    }
  });

  it('only accepts repeat customers with a positive mean', () => {
    expect(() => fitGammaGamma([])).toThrow(RangeError);
    expect(() => fitGammaGamma([{ x: 0, monetary: 10 }])).toThrow(RangeError);
    expect(() => fitGammaGamma([{ x: 2, monetary: 0 }])).toThrow(RangeError);
    expect(() => gammaGammaLogLikelihood(PARAMS, [{ x: 1, monetary: -5 }])).toThrow(RangeError);
  });
});
