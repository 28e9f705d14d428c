import { ConvergenceError, hyp2f1, logBeta, logGamma } from './special-functions';

/** ln((n − 1)!) summed term by term: exact integers in, only rounding of the logs out. */
function logFactorial(n: number): number {
  let sum = 0;
  for (let k = 2; k <= n; k++) sum += Math.log(k);
  return sum;
}

describe('logGamma', () => {
  it.each([
    // Reference values: mpmath.loggamma at 25 digits, written as the nearest doubles.
    [0.1, 2.252712651734206],
    [0.5, 0.5723649429247001],
    [1.5, -0.12078223763524522],
    [2.5, 0.2846828704729192],
    [3.7, 1.4280723266653879],
    [10, 12.801827480081469],
    [100, 359.1342053695754],
    [1000, 5905.220423209181],
    [1e-5, 11.512919692895826],
  ])('lnΓ(%p) = %p to ~1e-14 relative', (x, expected) => {
    expect(Math.abs(logGamma(x) - expected)).toBeLessThanOrEqual(
      2e-14 * Math.max(1, Math.abs(expected)),
    );
  });

  it('is exactly 0 at 1 and 2 to within 1e-15', () => {
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-15);
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-15);
  });

  it('matches ln((n − 1)!) for integers', () => {
    for (const n of [3, 5, 12, 20, 50, 170]) {
      expect(Math.abs(logGamma(n) - logFactorial(n - 1))).toBeLessThan(1e-13 * logFactorial(n - 1));
    }
  });

  it('satisfies the recurrence lnΓ(x + 1) = lnΓ(x) + ln x across the ranges the models use', () => {
    for (let x = 0.003; x < 2000; x *= 1.37) {
      const scale = Math.max(1, Math.abs(logGamma(x + 1)));
      expect(Math.abs(logGamma(x + 1) - logGamma(x) - Math.log(x))).toBeLessThan(1e-14 * scale * 4);
    }
  });

  it('reflects for negative arguments and has poles at non-positive integers', () => {
    expect(logGamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 14);
    expect(logGamma(0)).toBe(Infinity);
    expect(logGamma(-3)).toBe(Infinity);
    expect(logGamma(NaN)).toBeNaN();
  });
});

describe('logBeta', () => {
  it('matches closed forms', () => {
    expect(logBeta(1, 1)).toBeCloseTo(0, 15);
    expect(logBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 14);
    expect(logBeta(0.5, 0.5)).toBeCloseTo(Math.log(Math.PI), 14);
    expect(logBeta(3.2, 1.7)).toBeCloseTo(logBeta(1.7, 3.2), 15);
  });
});

describe('hyp2f1', () => {
  it('matches elementary closed forms on both sides of 0', () => {
    for (const z of [-5, -0.9, -0.5, 0.1, 0.5, 0.9, 0.99]) {
      // 2F1(1, 1; 2; z) = −ln(1 − z)/z
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 12);
      // 2F1(a, b; b; z) = (1 − z)^−a
      expect(hyp2f1(0.7, 2.3, 2.3, z)).toBeCloseTo(Math.pow(1 - z, -0.7), 11);
    }
    // 2F1(½, ½; 3/2; z²) = arcsin(z)/z
    expect(hyp2f1(0.5, 0.5, 1.5, 0.49)).toBeCloseTo(Math.asin(0.7) / 0.7, 14);
  });

  it('terminates as a polynomial when a is a non-positive integer', () => {
    const [b, c, z] = [1.3, 2.1, 0.8];
    expect(hyp2f1(-2, b, c, z)).toBeCloseTo(
      1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)),
      14,
    );
  });

  it('converges slowly but correctly close to z = 1', () => {
    expect(hyp2f1(1, 1, 2, 0.999)).toBeCloseTo(-Math.log(1e-3) / 0.999, 11);
  });

  it('refuses arguments outside its domain and reports non-convergence', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, 0, 0.5)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, -2, 0.5)).toThrow(RangeError);
    // Needs ~330,000 terms for full precision: beyond the default guard.
    expect(() => hyp2f1(1, 1, 2, 0.9999)).toThrow(ConvergenceError);
    expect(hyp2f1(1, 1, 2, 0.9999, { maxTerms: 1_000_000 })).toBeCloseTo(
      -Math.log(1e-4) / 0.9999,
      10,
    );
  });
});
