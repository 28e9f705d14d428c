import type { ChurnBand, ChurnReason } from '@touchline/analytics';
import type { BandRise } from './churn-scores';
import type { ChurnModelHeader } from './sql/replaceChurnSnapshot';

export interface ChurnModelView {
  asOf: string;
  fittedAt: string;
  /** The unit of alpha, t_x and T: days. */
  timeUnit: 'day';
  /** Customers the BG/NBD model was fitted on: every one with a purchase at or before asOf. */
  customers: number;
  bgnbd: {
    r: number;
    alpha: number;
    a: number;
    b: number;
    logLikelihood: number;
    converged: boolean;
  };
  gammaGamma: {
    p: number;
    q: number;
    gamma: number;
    logLikelihood: number;
    /** Repeat customers it was fitted on. */
    customers: number;
    converged: boolean;
  } | null;
  durationMs: number;
}

export interface ChurnRefitView extends ChurnModelView {
  bandRises: BandRise[];
}

export function toChurnModelView(model: ChurnModelHeader): ChurnModelView {
  const gg = model.gammaGamma;
  return {
    asOf: model.asOf.toISOString(),
    fittedAt: model.fittedAt.toISOString(),
    timeUnit: 'day',
    customers: model.customers,
    bgnbd: {
      ...model.bgnbd.params,
      logLikelihood: model.bgnbd.logLikelihood,
      converged: model.bgnbd.converged,
    },
    gammaGamma: gg && {
      ...gg.params,
      logLikelihood: gg.logLikelihood,
      customers: gg.customers,
      converged: gg.converged,
    },
    durationMs: model.durationMs,
  };
}

/** A customer's churn risk as the profile and the churn list show it. */
export interface CustomerChurnRiskView {
  score: number;
  band: ChurnBand;
  pAlive: number;
  expectedPurchases90d: number | null;
  expectedOrderValue: number | null;
  clv12m: number | null;
  valueAtRisk: number;
  reasons: ChurnReason[];
  asOf: string;
}
