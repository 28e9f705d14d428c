import {
  bgnbdConditionalExpectedPurchases,
  bgnbdProbabilityAlive,
  churnRisk,
  ConvergenceError,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  gammaGammaConditionalExpectedValue,
  type BgNbdParams,
  type ChurnBand,
  type ChurnReason,
  type GammaGammaParams,
} from '@touchline/analytics';
import type { ExperienceSignals } from './sql/readChurnSignals';
import type { PurchaseHistory } from './sql/readPurchaseHistories';

/** The horizon of `expectedPurchases90d`, in days. */
export const EXPECTED_PURCHASES_DAYS = 90;
/** The CLV horizon in months (of 30 days), discounted at 1% a month (analytics' defaults). */
export const CLV_MONTHS = 12;

export interface FittedChurnModel {
  customers: number;
  bgnbd: { params: BgNbdParams; logLikelihood: number; converged: boolean };
  /** Null when no customer has a repeat purchase with a positive mean value. */
  gammaGamma: {
    params: GammaGammaParams;
    logLikelihood: number;
    customers: number;
    converged: boolean;
  } | null;
}

export interface ChurnScoreRow {
  customerId: string;
  score: number;
  band: ChurnBand;
  reasons: ChurnReason[];
  pAlive: number;
  /** Null when the model cannot evaluate it for this history (degenerate parameters). */
  expectedPurchases90d: number | null;
  /** Gamma-Gamma expected order value; null without a spend model (or q ≤ 1). */
  expectedOrderValue: number | null;
  clv12m: number | null;
  /** score / 100 × clv12m (0 without a CLV): what the list is sorted by. */
  valueAtRisk: number;
  repeatPurchases: number;
  /** Days since the last purchase day (T − t_x). */
  recencyDays: number;
  /** Days since the first purchase day (T). */
  ageDays: number;
}

export interface BandRise {
  customerId: string;
  /** The band in the previous snapshot; null for a customer it did not score. */
  from: ChurnBand | null;
  to: 'high' | 'critical';
  score: number;
  reasons: ChurnReason[];
}

export class NothingToFitError extends Error {
  constructor(asOf: Date) {
    super(`No purchase occurred at or before ${asOf.toISOString()}: there is nothing to fit`);
    this.name = 'NothingToFitError';
  }
}

/**
 * Likelihood evaluations a fit may spend. Real populations converge in about a thousand (CDNOW:
 * 1,033 for BG/NBD, 847 for Gamma-Gamma); a degenerate one (no spend heterogeneity, say, where
 * q runs off to infinity) would otherwise spend the optimizer's default budget of tens of
 * thousands, each over every repeat customer. A fit that hits the budget keeps its best point
 * and says converged: false.
 */
export const FIT_EVALUATION_BUDGET = { bgnbd: 10_000, gammaGamma: 4_000 } as const;

/** BG/NBD on every history (days), Gamma-Gamma on repeat customers' mean repeat value. */
export function fitChurnModel(histories: readonly PurchaseHistory[], asOf: Date): FittedChurnModel {
  if (histories.length === 0) throw new NothingToFitError(asOf);
  const bgnbd = fitBgNbd(histories, {
    optimizer: { maxEvaluations: FIT_EVALUATION_BUDGET.bgnbd },
  });
  const spenders = histories.filter((h) => h.x > 0 && h.monetary > 0);
  const gg =
    spenders.length > 0
      ? fitGammaGamma(spenders, { optimizer: { maxEvaluations: FIT_EVALUATION_BUDGET.gammaGamma } })
      : null;
  return {
    customers: bgnbd.customers,
    bgnbd: { params: bgnbd.params, logLikelihood: bgnbd.logLikelihood, converged: bgnbd.converged },
    gammaGamma: gg && {
      params: gg.params,
      logLikelihood: gg.logLikelihood,
      customers: gg.customers,
      converged: gg.converged,
    },
  };
}

export interface ChurnFitInput {
  histories: readonly PurchaseHistory[];
  signals: ReadonlyMap<string, ExperienceSignals>;
  asOf: Date;
}

export interface ChurnFit {
  fitted: FittedChurnModel;
  rows: ChurnScoreRow[];
}

/** Fits and scores; the refit runs it off the event loop (fitChurnOffThread). */
export type ChurnFitter = (input: ChurnFitInput) => Promise<ChurnFit>;

/** The models fitted on the histories, and every customer scored with them. */
export function fitAndScoreChurn({ histories, signals, asOf }: ChurnFitInput): ChurnFit {
  const fitted = fitChurnModel(histories, asOf);
  return { fitted, rows: scoreChurn(histories, signals, fitted) };
}

/** Every customer with a purchase: the model's outputs and analytics' churnRisk. */
export function scoreChurn(
  histories: readonly PurchaseHistory[],
  signals: ReadonlyMap<string, ExperienceSignals>,
  model: FittedChurnModel,
): ChurnScoreRow[] {
  const params = model.bgnbd.params;
  const spend = model.gammaGamma?.params ?? null;
  // Day-level histories repeat (every one-time buyer of a day has the same x, t_x, T): the
  // series behind the expectations are evaluated once per distinct history.
  const purchases = new Map<string, { pAlive: number; expected90d: number | null }>();
  const values = new Map<string, number | null>();
  return histories.map((h) => {
    const key = `${h.x}:${h.t_x}:${h.T}`;
    let model90 = purchases.get(key);
    if (!model90) {
      model90 = {
        pAlive: bgnbdProbabilityAlive(params, h),
        expected90d: unlessDiverging(() =>
          bgnbdConditionalExpectedPurchases(params, EXPECTED_PURCHASES_DAYS, h),
        ),
      };
      purchases.set(key, model90);
    }
    const pAlive = model90.pAlive;
    const expectedOrderValue = spend && gammaGammaConditionalExpectedValue(spend, h.x, h.monetary);
    const valueKey = `${key}:${h.monetary}`;
    let clv12m = values.get(valueKey);
    if (clv12m === undefined) {
      clv12m =
        spend && expectedOrderValue !== null
          ? unlessDiverging(() => customerLifetimeValue(params, spend, h, { months: CLV_MONTHS }))
          : null;
      values.set(valueKey, clv12m);
    }
    const experience = signals.get(h.customerId);
    const risk = churnRisk({
      pAlive,
      detractorAnswersLast90Days: experience?.detractorAnswersLast90Days ?? 0,
      unresolvedComplaints: experience?.unresolvedComplaints ?? 0,
      csat: experience?.csat ?? null,
      sentiment: experience?.sentiment ?? null,
    });
    return {
      customerId: h.customerId,
      score: risk.score,
      band: risk.band,
      reasons: risk.reasons,
      pAlive,
      expectedPurchases90d: model90.expected90d,
      expectedOrderValue,
      clv12m,
      valueAtRisk: clv12m === null ? 0 : (risk.score / 100) * clv12m,
      repeatPurchases: h.x,
      recencyDays: h.T - h.t_x,
      ageDays: h.T,
    };
  });
}

/**
 * A fit on a tiny or odd population can end at degenerate parameters (a or b near the e^30 bound)
 * for which the expectation's series does not converge; that customer's expectation is then
 * unknown (null) rather than failing every customer's score.
 */
function unlessDiverging(evaluate: () => number | null): number | null {
  try {
    return evaluate();
  } catch (error) {
    if (error instanceof ConvergenceError) return null;
    throw error;
  }
}

const RANK: Record<ChurnBand, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * Customers whose band rose to high or critical since the previous snapshot (a customer it did
 * not score counts as rising from nothing). Without a previous snapshot nothing "rose".
 */
export function bandRises(
  previous: ReadonlyMap<string, ChurnBand> | null,
  rows: readonly ChurnScoreRow[],
): BandRise[] {
  if (previous === null) return [];
  const rises: BandRise[] = [];
  for (const row of rows) {
    if (row.band !== 'high' && row.band !== 'critical') continue;
    const from = previous.get(row.customerId) ?? null;
    if (from !== null && RANK[from] >= RANK[row.band]) continue;
    rises.push({
      customerId: row.customerId,
      from,
      to: row.band,
      score: row.score,
      reasons: row.reasons,
    });
  }
  return rises;
}
