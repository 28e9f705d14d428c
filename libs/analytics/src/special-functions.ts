/**
 * Special functions the customer-base models need. JavaScript has no lgamma and no 2F1, and the
 * likelihoods are evaluated millions of times during a fit, so these are small, allocation-free
 * and accurate to a few ulps in the ranges the models use.
 */

// Math's functions are bound once per module: in a vm context, as under jest, every lookup of
// the global Math is an interceptor call, which made fits 10× slower under test than in Node.
const { abs, log, max, pow, sin, PI } = Math;

const LANCZOS_G = 607 / 128;
/* Godfrey's coefficients for g = 607/128, n = 15 (as doubles): relative error below 1e-15. */
const LANCZOS_COEFFICIENTS = [
  0.9999999999999971, 57.15623566586292, -59.59796035547549, 14.136097974741746,
  -0.4919138160976202, 3.399464998481189e-5, 4.652362892704858e-5, -9.837447530487956e-5,
  0.0001580887032249125, -0.00021026444172410488, 0.00021743961811521265, -0.0001643181065367639,
  8.441822398385275e-5, -2.6190838401581408e-5, 3.6899182659531625e-6,
] as const;
const HALF_LOG_TWO_PI = 0.5 * log(2 * PI);

/**
 * ln Γ(x) for real x that is not a non-positive integer (those are poles: +Infinity).
 * For negative x it returns ln|Γ(x)|.
 */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in its accurate half-plane.
    return log(PI / abs(sin(PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) sum += LANCZOS_COEFFICIENTS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * log(t) - t + log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0. */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

export interface Hyp2f1Options {
  /** Stop when a term is below this fraction of the running sum. Default 1e-15. */
  tolerance?: number;
  /** Give up (throw) after this many terms. Default 100,000. */
  maxTerms?: number;
}

/** Thrown when a series does not reach its tolerance within the term budget. */
export class ConvergenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConvergenceError';
  }
}

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for real z < 1, by its power series.
 *
 * For z < 0 the Pfaff transformation 2F1(a, b; c; z) = (1 − z)^−a 2F1(a, c − b; c; z/(z − 1)) maps
 * the argument into [0, 1), where the series converges without alternating cancellation. Near
 * z = 1 the series converges slowly (terms shrink like z^n n^(a+b−c−1)); the term budget is a
 * guard, and exceeding it throws ConvergenceError rather than returning a silently wrong value.
 */
export function hyp2f1(
  a: number,
  b: number,
  c: number,
  z: number,
  options: Hyp2f1Options = {},
): number {
  if (!(z < 1)) throw new RangeError(`hyp2f1 needs z < 1 (got ${z})`);
  if (c <= 0 && Number.isInteger(c)) {
    throw new RangeError(`hyp2f1 is undefined for c = ${c} (a non-positive integer)`);
  }
  if (z < 0) {
    return pow(1 - z, -a) * hyp2f1Series(a, c - b, c, z / (z - 1), options);
  }
  return hyp2f1Series(a, b, c, z, options);
}

function hyp2f1Series(a: number, b: number, c: number, z: number, options: Hyp2f1Options): number {
  const tolerance = options.tolerance ?? 1e-15;
  const maxTerms = options.maxTerms ?? 100_000;
  let term = 1;
  let sum = 1;
  for (let n = 0; n < maxTerms; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    if (term === 0) return sum; // a or b is a non-positive integer: a polynomial
    // The tail is bounded by a geometric series once the terms shrink; its ratio tends to z, so
    // the larger of the two is a safe estimate for the terms still to come.
    const rho = max(abs(ratio), abs(z));
    if (rho < 1 && (abs(term) * rho) / (1 - rho) <= tolerance * abs(sum)) return sum;
  }
  throw new ConvergenceError(
    `hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge within ${maxTerms} terms`,
  );
}
