import type { Pool, PoolClient } from 'pg';
import type { ChurnModelHeader } from './replaceChurnSnapshot';

/** The fitted model of the current snapshot; null before the first fit. */
export async function readChurnModel(db: Pool | PoolClient): Promise<ChurnModelHeader | null> {
  const { rows } = await db.query<{
    as_of: Date;
    fitted_at: Date;
    customers: number;
    bgnbd_r: number;
    bgnbd_alpha: number;
    bgnbd_a: number;
    bgnbd_b: number;
    bgnbd_log_likelihood: number;
    bgnbd_converged: boolean;
    gg_p: number | null;
    gg_q: number | null;
    gg_gamma: number | null;
    gg_log_likelihood: number | null;
    gg_customers: number;
    gg_converged: boolean | null;
    duration_ms: number;
  }>('SELECT * FROM read_models.churn_model');
  const m = rows[0];
  if (!m) return null;
  return {
    asOf: m.as_of,
    fittedAt: m.fitted_at,
    durationMs: m.duration_ms,
    customers: m.customers,
    bgnbd: {
      params: { r: m.bgnbd_r, alpha: m.bgnbd_alpha, a: m.bgnbd_a, b: m.bgnbd_b },
      logLikelihood: m.bgnbd_log_likelihood,
      converged: m.bgnbd_converged,
    },
    gammaGamma:
      m.gg_p === null || m.gg_q === null || m.gg_gamma === null
        ? null
        : {
            params: { p: m.gg_p, q: m.gg_q, gamma: m.gg_gamma },
            logLikelihood: m.gg_log_likelihood ?? Number.NaN,
            customers: m.gg_customers,
            converged: m.gg_converged ?? false,
          },
  };
}
