/**
 * The Gamma-Gamma spend model (Fader, Hardie & Lee, "RFM and CLV: Using Iso-Value Curves for
 * Customer Base Analysis", JMR 2005; Colombo & Jiang 1999): a customer's order values are
 * Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, independent of the purchase process. It is
 * fitted on the repeat customers only (x > 0), each with the mean m of their x repeat orders.
 * Formulas match lifetimes' GammaGammaFitter (whose γ is called v).
 */
import { nelderMead, type NelderMeadOptions } from './optimize';
import { logGamma } from './special-functions';

// Math's functions are bound once per module: in a vm context, as under jest, every lookup of
// the global Math is an interceptor call, which made fits 10× slower under test than in Node.
const { abs, exp, log } = Math;

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface SpendHistory {
  /** Repeat purchases, > 0. */
  x: number;
  /** Mean value of those repeat purchases, > 0. */
  monetary: number;
  /** Identical customers this row stands for (default 1). */
  count?: number;
}

/** Log-likelihood of the observed means: the density of m given x, summed with counts. */
export function gammaGammaLogLikelihood(
  params: GammaGammaParams,
  data: readonly SpendHistory[],
): number {
  const { p, q, gamma } = params;
  let sum = 0;
  for (const d of data) {
    checkSpend(d);
    const px = p * d.x;
    sum +=
      (d.count ?? 1) *
      (logGamma(px + q) -
        logGamma(px) -
        logGamma(q) +
        q * log(gamma) +
        (px - 1) * log(d.monetary) +
        px * log(d.x) -
        (px + q) * log(d.x * d.monetary + gamma));
  }
  return sum;
}

export interface GammaGammaFitOptions {
  /** Starting point; defaults to p = 1, q = 2 and γ = the mean order value. */
  start?: Partial<GammaGammaParams>;
  optimizer?: NelderMeadOptions;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  customers: number;
  converged: boolean;
  evaluations: number;
}

/**
 * Maximum-likelihood fit on customers with x > 0 and monetary > 0 (filter before calling: a
 * customer without repeat purchases carries no information on spend, and the model has no
 * density at a zero or negative mean).
 */
export function fitGammaGamma(
  data: readonly SpendHistory[],
  options: GammaGammaFitOptions = {},
): GammaGammaFit {
  if (data.length === 0) throw new RangeError('cannot fit Gamma-Gamma to no customers');
  const xIndex = new Map<number, number>();
  const xOf = new Int32Array(data.length);
  const weight = new Float64Array(data.length);
  const logM = new Float64Array(data.length);
  const mean = new Float64Array(data.length);
  let customers = 0;
  let spend = 0;
  data.forEach((d, i) => {
    checkSpend(d);
    let k = xIndex.get(d.x);
    if (k === undefined) {
      k = xIndex.size;
      xIndex.set(d.x, k);
    }
    xOf[i] = k;
    weight[i] = d.count ?? 1;
    logM[i] = log(d.monetary);
    mean[i] = d.monetary;
    customers += weight[i];
    spend += weight[i] * d.monetary;
  });
  const xs = Float64Array.from(xIndex.keys());
  const weightByX = new Float64Array(xs.length);
  for (let i = 0; i < xOf.length; i++) weightByX[xOf[i]] += weight[i];
  const pxByX = new Float64Array(xs.length);

  const logLikelihood = (p: number, q: number, gamma: number): number => {
    const lgQ = logGamma(q);
    const qLogGamma = q * log(gamma);
    let sum = 0;
    for (let k = 0; k < xs.length; k++) {
      const px = p * xs[k];
      pxByX[k] = px;
      sum += weightByX[k] * (logGamma(px + q) - logGamma(px) - lgQ + qLogGamma + px * log(xs[k]));
    }
    for (let i = 0; i < xOf.length; i++) {
      const k = xOf[i];
      const px = pxByX[k];
      sum += weight[i] * ((px - 1) * logM[i] - (px + q) * log(xs[k] * mean[i] + gamma));
    }
    return sum;
  };

  const start = options.start ?? {};
  const x0 = [start.p ?? 1, start.q ?? 2, start.gamma ?? spend / customers].map(log);
  const result = nelderMead(
    (theta) => {
      for (const v of theta) if (abs(v) > 30) return Infinity;
      return -logLikelihood(exp(theta[0]), exp(theta[1]), exp(theta[2]));
    },
    x0,
    { xTolerance: 1e-9, fTolerance: 1e-14, ...options.optimizer },
  );
  const [p, q, gamma] = result.x.map(exp);
  return {
    params: { p, q, gamma },
    logLikelihood: -result.value,
    customers,
    converged: result.converged,
    evaluations: result.evaluations,
  };
}

/**
 * E[order value | x, m]: a credibility-weighted blend of the population mean pγ/(q−1) and the
 * customer's own mean, the weight px/(px+q−1) growing with their number of repeat orders. For
 * x = 0 it is the population mean. Null when the expectation does not exist (px + q ≤ 1: the
 * heavy tail of ν has no finite mean).
 */
export function gammaGammaConditionalExpectedValue(
  params: GammaGammaParams,
  x: number,
  monetary: number,
): number | null {
  const { p, q, gamma } = params;
  const denominator = p * x + q - 1;
  if (!(denominator > 0)) return null;
  return (p * (gamma + x * monetary)) / denominator;
}

function checkSpend(d: SpendHistory): void {
  if (!Number.isInteger(d.x) || d.x <= 0) {
    throw new RangeError(`Gamma-Gamma needs x > 0 repeat purchases (got ${d.x})`);
  }
  if (!(d.monetary > 0) || !Number.isFinite(d.monetary)) {
    throw new RangeError(`Gamma-Gamma needs a positive mean order value (got ${d.monetary})`);
  }
  const count = d.count ?? 1;
  if (!(count > 0) || !Number.isFinite(count))
    throw new RangeError(`count must be > 0 (got ${count})`);
}
