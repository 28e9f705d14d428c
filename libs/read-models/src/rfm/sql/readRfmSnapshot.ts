import type { Pool, PoolClient } from 'pg';
import type { RfmSnapshotHeader } from './replaceRfmSnapshot';

/** The current snapshot's header; null before the first computation. */
export async function readRfmSnapshot(db: Pool | PoolClient): Promise<RfmSnapshotHeader | null> {
  const { rows } = await db.query<{
    as_of: Date;
    computed_at: Date;
    window_days: number;
    customers: number;
    duration_ms: number;
  }>(
    'SELECT as_of, computed_at, window_days, customers, duration_ms FROM read_models.rfm_snapshot',
  );
  const row = rows[0];
  return row
    ? {
        asOf: row.as_of,
        computedAt: row.computed_at,
        windowDays: row.window_days,
        customers: row.customers,
        durationMs: row.duration_ms,
      }
    : null;
}
