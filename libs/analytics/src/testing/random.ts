/**
 * A small seeded PRNG and the distributions the simulations need. Test support only: Math.random
 * cannot be seeded, and a simulation test that fails once in a while is worse than none.
 */

// Math's functions are bound once per module: in a vm context, as under jest, every lookup of
// the global Math is an interceptor call, which made fits 10× slower under test than in Node.
const { cos, exp, floor, imul, log, pow, sin, sqrt, PI } = Math;

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), seeded through splitmix32. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform on (0, 1): never exactly 0 or 1, so logs of it and of 1 − it are finite. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Integer uniform on [min, max]. */
  integer(min: number, max: number): number {
    return min + floor(this.uniform() * (max - min + 1));
  }

  exponential(rate: number): number {
    return -log(this.uniform()) / rate;
  }

  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    const radius = sqrt(-2 * log(this.uniform()));
    const angle = 2 * PI * this.uniform();
    this.spareNormal = radius * sin(angle);
    return radius * cos(angle);
  }

  /** Gamma(shape, rate) by Marsaglia & Tsang (2000), boosted for shape < 1. */
  gamma(shape: number, rate: number): number {
    if (shape < 1) return this.gamma(shape + 1, rate) * pow(this.uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x ** 4 || log(u) < 0.5 * x * x + d * (1 - v + log(v))) {
        return (d * v) / rate;
      }
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a, 1);
    return x / (x + this.gamma(b, 1));
  }

  poisson(mean: number): number {
    // Knuth's product method is fine for the small means used here.
    const limit = exp(-mean);
    let k = 0;
    let product = this.uniform();
    while (product > limit) {
      k++;
      product *= this.uniform();
    }
    return k;
  }
}
