/**
 * Derivative-free minimisation (Nelder–Mead) for the model fits.
 *
 * Both likelihoods are smooth but their gradients are awkward (digamma terms, a log-sum-exp), and
 * the parameter count is tiny (3–4), so a simplex method costs little. The fits run it on
 * log-parameters: every parameter is positive, the scales differ by orders of magnitude, and a
 * multiplicative step of the same size means the same thing for each of them.
 */

export interface NelderMeadOptions {
  /** Edge length of the starting simplex, per coordinate or for all. Default 0.5. */
  initialStep?: number | readonly number[];
  /** Converged when every vertex is within this distance (max-norm) of the best one. Default 1e-8. */
  xTolerance?: number;
  /** ...and the spread of values is within fTolerance × max(1, |best value|). Default 1e-12. */
  fTolerance?: number;
  /** Iteration budget per run. Default 5,000 × dimension. */
  maxIterations?: number;
  /** Evaluation budget over all runs. Default 20,000 × dimension. */
  maxEvaluations?: number;
  /**
   * How many times to rebuild a fresh simplex around the best point after convergence. A collapsed
   * simplex can stall off the optimum; a restart that finds nothing better confirms it. Default 3.
   */
  restarts?: number;
}

export interface NelderMeadResult {
  x: number[];
  value: number;
  /** True when the last run met both tolerances (rather than running out of budget). */
  converged: boolean;
  iterations: number;
  evaluations: number;
  restarts: number;
}

/**
 * Minimises f from x0. Non-finite values of f are treated as +Infinity, so an objective can refuse
 * a region (overflow, invalid parameters) by returning NaN or Infinity.
 */
export function nelderMead(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const n = x0.length;
  if (n === 0) throw new RangeError('nelderMead needs at least one coordinate');
  const steps = stepsFor(options.initialStep ?? 0.5, n);
  const xTolerance = options.xTolerance ?? 1e-8;
  const fTolerance = options.fTolerance ?? 1e-12;
  const maxIterations = options.maxIterations ?? 5_000 * n;
  const maxEvaluations = options.maxEvaluations ?? 20_000 * n;
  const maxRestarts = options.restarts ?? 3;

  let evaluations = 0;
  const evaluate = (x: readonly number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };

  let best = { x: [...x0], value: evaluate(x0) };
  let iterations = 0;
  let restarts = 0;
  let converged = false;
  for (;;) {
    const run = simplexRun(evaluate, best.x, best.value, steps, {
      xTolerance,
      fTolerance,
      maxIterations,
      evaluationsLeft: () => maxEvaluations - evaluations,
    });
    iterations += run.iterations;
    converged = run.converged;
    const improvement = best.value - run.value;
    const improved = run.value < best.value;
    if (improved) best = { x: run.x, value: run.value };
    const negligible = !improved || improvement <= fTolerance * Math.max(1, Math.abs(best.value));
    if (!converged || restarts >= maxRestarts || (restarts > 0 && negligible)) break;
    restarts++;
  }
  return { x: best.x, value: best.value, converged, iterations, evaluations, restarts };
}

interface RunLimits {
  xTolerance: number;
  fTolerance: number;
  maxIterations: number;
  evaluationsLeft: () => number;
}

function simplexRun(
  evaluate: (x: readonly number[]) => number,
  start: readonly number[],
  startValue: number,
  steps: readonly number[],
  limits: RunLimits,
): { x: number[]; value: number; converged: boolean; iterations: number } {
  const n = start.length;
  // Adaptive coefficients (Gao & Han 2012) behave better than the classic 1/2/0.5/0.5 beyond 2-D.
  const reflection = 1;
  const expansion = 1 + 2 / n;
  const contraction = 0.75 - 1 / (2 * n);
  const shrink = 1 - 1 / n;

  const points: number[][] = [[...start]];
  const values: number[] = [startValue];
  for (let i = 0; i < n; i++) {
    const p = [...start];
    p[i] += steps[i];
    points.push(p);
    values.push(evaluate(p));
  }
  const order = points.map((_, i) => i);
  const centroid = new Array<number>(n);
  const along = (from: readonly number[], to: readonly number[], t: number): number[] =>
    from.map((v, j) => v + t * (to[j] - v));

  let iterations = 0;
  for (; iterations < limits.maxIterations; iterations++) {
    order.sort((i, j) => values[i] - values[j]);
    const bestIdx = order[0];
    const worstIdx = order[n];
    const secondWorstValue = values[order[n - 1]];
    if (hasConverged(points, values, bestIdx, limits)) {
      return { x: points[bestIdx], value: values[bestIdx], converged: true, iterations };
    }
    if (limits.evaluationsLeft() <= 0) break;

    centroid.fill(0);
    for (let k = 0; k < n; k++) {
      const p = points[order[k]];
      for (let j = 0; j < n; j++) centroid[j] += p[j] / n;
    }
    const worst = points[worstIdx];
    const reflected = along(centroid, worst, -reflection);
    const reflectedValue = evaluate(reflected);

    if (reflectedValue < values[bestIdx]) {
      const expanded = along(centroid, worst, -reflection * expansion);
      const expandedValue = evaluate(expanded);
      if (expandedValue < reflectedValue) {
        points[worstIdx] = expanded;
        values[worstIdx] = expandedValue;
      } else {
        points[worstIdx] = reflected;
        values[worstIdx] = reflectedValue;
      }
      continue;
    }
    if (reflectedValue < secondWorstValue) {
      points[worstIdx] = reflected;
      values[worstIdx] = reflectedValue;
      continue;
    }
    const outside = reflectedValue < values[worstIdx];
    const contracted = outside
      ? along(centroid, reflected, contraction)
      : along(centroid, worst, contraction);
    const contractedValue = evaluate(contracted);
    if (contractedValue < (outside ? reflectedValue : values[worstIdx])) {
      points[worstIdx] = contracted;
      values[worstIdx] = contractedValue;
      continue;
    }
    const anchor = points[bestIdx];
    for (let k = 1; k <= n; k++) {
      const idx = order[k];
      points[idx] = along(anchor, points[idx], shrink);
      values[idx] = evaluate(points[idx]);
    }
  }
  let bestIdx = 0;
  for (let i = 1; i <= n; i++) if (values[i] < values[bestIdx]) bestIdx = i;
  return { x: points[bestIdx], value: values[bestIdx], converged: false, iterations };
}

function hasConverged(
  points: readonly number[][],
  values: readonly number[],
  bestIdx: number,
  limits: RunLimits,
): boolean {
  const bestValue = values[bestIdx];
  if (!Number.isFinite(bestValue)) return false;
  const fScale = limits.fTolerance * Math.max(1, Math.abs(bestValue));
  const best = points[bestIdx];
  for (let i = 0; i < points.length; i++) {
    if (!(values[i] - bestValue <= fScale)) return false;
    const p = points[i];
    for (let j = 0; j < p.length; j++) {
      if (Math.abs(p[j] - best[j]) > limits.xTolerance) return false;
    }
  }
  return true;
}

function stepsFor(step: number | readonly number[], n: number): number[] {
  if (typeof step === 'number') return new Array<number>(n).fill(step);
  if (step.length !== n)
    throw new RangeError(`initialStep has ${step.length} entries, expected ${n}`);
  return [...step];
}
