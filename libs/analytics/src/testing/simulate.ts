/**
 * Populations drawn from known BG/NBD and Gamma-Gamma parameters, for recovery tests and the
 * fit benchmark. Follows the generative story of the papers (and lifetimes' generate_data).
 */
import type { BgNbdParams, RepeatHistory } from '../bgnbd';
import type { GammaGammaParams, SpendHistory } from '../gamma-gamma';
import type { Purchase } from '../summarize';
import { Random } from './random';

/** Repeat purchase times (since the first purchase) of one customer observed for T. */
function repeatTimes(random: Random, params: BgNbdParams, T: number): number[] {
  const lambda = random.gamma(params.r, params.alpha);
  const p = random.beta(params.a, params.b);
  const times: number[] = [];
  let t = random.exponential(lambda);
  while (t <= T) {
    times.push(t);
    // Dropout can only follow a repeat purchase, never the first one.
    if (random.uniform() < p) break;
    t += random.exponential(lambda);
  }
  return times;
}

export interface HistorySimulation {
  customers: number;
  /** Ages T are uniform on [minT, maxT]. */
  minT: number;
  maxT: number;
  seed: number;
}

/** Continuous-time (x, t_x, T) histories. */
export function simulateBgNbdHistories(
  params: BgNbdParams,
  sim: HistorySimulation,
): RepeatHistory[] {
  const random = new Random(sim.seed);
  const histories: RepeatHistory[] = [];
  for (let i = 0; i < sim.customers; i++) {
    const T = sim.minT + (sim.maxT - sim.minT) * random.uniform();
    const times = repeatTimes(random, params, T);
    histories.push({ x: times.length, t_x: times.length > 0 ? times[times.length - 1] : 0, T });
  }
  return histories;
}

export interface PurchaseSimulation {
  customers: number;
  asOf: Date;
  /** First purchases fall uniformly in the last maxAgeDays before asOf. */
  maxAgeDays: number;
  seed: number;
  /** Order values from this Gamma-Gamma population; 1 each when absent. */
  spend?: GammaGammaParams;
}

/** Dated purchases (time unit of params: days), ready for summarize. */
export function simulatePurchases(params: BgNbdParams, sim: PurchaseSimulation): Purchase[] {
  const random = new Random(sim.seed);
  const dayMs = 86_400_000;
  const purchases: Purchase[] = [];
  for (let i = 0; i < sim.customers; i++) {
    const customerId = `c${i}`;
    const T = sim.maxAgeDays * random.uniform();
    const birth = sim.asOf.getTime() - T * dayMs;
    const nu = sim.spend ? random.gamma(sim.spend.q, sim.spend.gamma) : 0;
    const amount = (): number => (sim.spend ? random.gamma(sim.spend.p, nu) : 1);
    purchases.push({ customerId, at: new Date(birth), amount: amount() });
    for (const t of repeatTimes(random, params, T)) {
      purchases.push({ customerId, at: new Date(birth + t * dayMs), amount: amount() });
    }
  }
  return purchases;
}

export interface SpendSimulation {
  customers: number;
  /** Repeat purchases per customer are uniform on [1, maxX]. */
  maxX: number;
  seed: number;
}

/** (x, mean order value) of repeat customers. */
export function simulateGammaGamma(params: GammaGammaParams, sim: SpendSimulation): SpendHistory[] {
  const random = new Random(sim.seed);
  const data: SpendHistory[] = [];
  for (let i = 0; i < sim.customers; i++) {
    const x = random.integer(1, sim.maxX);
    const nu = random.gamma(params.q, params.gamma);
    let total = 0;
    for (let j = 0; j < x; j++) total += random.gamma(params.p, nu);
    data.push({ x, monetary: total / x });
  }
  return data;
}
