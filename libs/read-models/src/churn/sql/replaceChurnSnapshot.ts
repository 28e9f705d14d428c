import type { ChurnBand } from '@touchline/analytics';
import type { PoolClient } from 'pg';
import { inTransaction, insertColumns } from '../../snapshots/job-lock';
import type { ChurnScoreRow, FittedChurnModel } from '../churn-scores';

export interface ChurnModelHeader extends FittedChurnModel {
  asOf: Date;
  fittedAt: Date;
  durationMs: number;
}

const COLUMNS = [
  { name: 'customer_id', type: 'text' },
  { name: 'score', type: 'smallint' },
  { name: 'band', type: 'text' },
  { name: 'reasons', type: 'jsonb' },
  { name: 'p_alive', type: 'double precision' },
  { name: 'expected_purchases_90d', type: 'double precision' },
  { name: 'expected_order_value', type: 'double precision' },
  { name: 'clv_12m', type: 'double precision' },
  { name: 'value_at_risk', type: 'double precision' },
  { name: 'repeat_purchases', type: 'integer' },
  { name: 'recency_days', type: 'integer' },
  { name: 'age_days', type: 'integer' },
] as const;

const VALUE: Record<(typeof COLUMNS)[number]['name'], (row: ChurnScoreRow) => unknown> = {
  customer_id: (r) => r.customerId,
  score: (r) => r.score,
  band: (r) => r.band,
  reasons: (r) => JSON.stringify(r.reasons),
  p_alive: (r) => r.pAlive,
  expected_purchases_90d: (r) => r.expectedPurchases90d,
  expected_order_value: (r) => r.expectedOrderValue,
  clv_12m: (r) => r.clv12m,
  value_at_risk: (r) => r.valueAtRisk,
  repeat_purchases: (r) => r.repeatPurchases,
  recency_days: (r) => r.recencyDays,
  age_days: (r) => r.ageDays,
};

/**
 * The bands of the snapshot about to be replaced (read on the job's connection, under its lock,
 * by a refit that has just read its header).
 */
export async function readChurnBands(client: PoolClient): Promise<Map<string, ChurnBand>> {
  const { rows } = await client.query<{ customer_id: string; band: ChurnBand }>(
    'SELECT customer_id, band FROM read_models.churn_scores',
  );
  return new Map(rows.map((r) => [r.customer_id, r.band]));
}

/**
 * Replaces the model and the scores in one transaction: readers see the old or the new. `within`
 * writes more in the same transaction (the band-rise alerts): all of it commits, or none.
 */
export async function replaceChurnSnapshot(
  client: PoolClient,
  model: ChurnModelHeader,
  rows: readonly ChurnScoreRow[],
  within?: () => Promise<void>,
): Promise<void> {
  await inTransaction(client, async () => {
    await client.query('DELETE FROM read_models.churn_scores');
    await insertColumns(client, 'read_models.churn_scores', COLUMNS, rows.length, (c, i) =>
      VALUE[COLUMNS[c]!.name](rows[i]!),
    );
    const { r, alpha, a, b } = model.bgnbd.params;
    const gg = model.gammaGamma;
    await client.query(
      `INSERT INTO read_models.churn_model (id, as_of, fitted_at, customers, bgnbd_r, bgnbd_alpha,
         bgnbd_a, bgnbd_b, bgnbd_log_likelihood, bgnbd_converged, gg_p, gg_q, gg_gamma,
         gg_log_likelihood, gg_customers, gg_converged, duration_ms)
       VALUES (true, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (id) DO UPDATE SET as_of = EXCLUDED.as_of, fitted_at = EXCLUDED.fitted_at,
         customers = EXCLUDED.customers, bgnbd_r = EXCLUDED.bgnbd_r,
         bgnbd_alpha = EXCLUDED.bgnbd_alpha, bgnbd_a = EXCLUDED.bgnbd_a, bgnbd_b = EXCLUDED.bgnbd_b,
         bgnbd_log_likelihood = EXCLUDED.bgnbd_log_likelihood,
         bgnbd_converged = EXCLUDED.bgnbd_converged, gg_p = EXCLUDED.gg_p, gg_q = EXCLUDED.gg_q,
         gg_gamma = EXCLUDED.gg_gamma, gg_log_likelihood = EXCLUDED.gg_log_likelihood,
         gg_customers = EXCLUDED.gg_customers, gg_converged = EXCLUDED.gg_converged,
         duration_ms = EXCLUDED.duration_ms`,
      [
        model.asOf.toISOString(),
        model.fittedAt.toISOString(),
        model.customers,
        r,
        alpha,
        a,
        b,
        model.bgnbd.logLikelihood,
        model.bgnbd.converged,
        gg?.params.p ?? null,
        gg?.params.q ?? null,
        gg?.params.gamma ?? null,
        gg?.logLikelihood ?? null,
        gg?.customers ?? 0,
        gg?.converged ?? null,
        model.durationMs,
      ],
    );
    await within?.();
  });
  // Fresh statistics for the new rows, so that the first queries after a replace plan well.
  await client.query('ANALYZE read_models.churn_scores, read_models.churn_model');
}
