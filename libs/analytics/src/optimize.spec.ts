import { nelderMead } from './optimize';

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock valley from the classic start', () => {
    const rosenbrock = ([x, y]: readonly number[]): number => 100 * (y - x * x) ** 2 + (1 - x) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.value).toBeLessThan(1e-12);
  });

  it('handles badly scaled quadratics in four dimensions', () => {
    const centre = [3, -2, 0.5, 10];
    const scale = [1, 100, 0.01, 10];
    const f = (x: readonly number[]): number =>
      x.reduce((sum, v, i) => sum + scale[i] * (v - centre[i]) ** 2, 0);
    const result = nelderMead(f, [0, 0, 0, 0], { initialStep: 1 });
    result.x.forEach((v, i) => expect(v).toBeCloseTo(centre[i], 4));
  });

  it('treats NaN and Infinity as "worse than anything" and stays in the feasible region', () => {
    const f = ([x]: readonly number[]): number => (x <= 0 ? NaN : x - Math.log(x)); // minimum at 1
    const result = nelderMead(f, [5], { initialStep: 4 });
    expect(result.x[0]).toBeCloseTo(1, 6);
  });

  it('restarts after convergence and stops when a restart finds nothing better', () => {
    const result = nelderMead(([x, y]) => (x - 1) ** 2 + (y + 1) ** 2, [0, 0]);
    expect(result.restarts).toBeGreaterThanOrEqual(1);
    expect(result.restarts).toBeLessThanOrEqual(3);
  });

  it('reports non-convergence when the budget runs out', () => {
    const rosenbrock = ([x, y]: readonly number[]): number => 100 * (y - x * x) ** 2 + (1 - x) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1], { maxIterations: 10 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBeLessThanOrEqual(10);
  });

  it('validates its inputs', () => {
    expect(() => nelderMead(() => 0, [])).toThrow(RangeError);
    expect(() => nelderMead(() => 0, [1, 2], { initialStep: [1] })).toThrow(RangeError);
  });
});
