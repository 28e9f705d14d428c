import type { PoolClient } from 'pg';
import { inTransaction, insertColumns } from '../../snapshots/job-lock';
import type { RfmRow } from '../rfm-scores';

export interface RfmSnapshotHeader {
  asOf: Date;
  computedAt: Date;
  windowDays: number;
  customers: number;
  durationMs: number;
}

const COLUMNS = [
  { name: 'customer_id', type: 'text' },
  { name: 'recency_days', type: 'integer' },
  { name: 'frequency', type: 'integer' },
  { name: 'monetary', type: 'numeric' },
  { name: 'r', type: 'smallint' },
  { name: 'f', type: 'smallint' },
  { name: 'm', type: 'smallint' },
  { name: 'segment', type: 'text' },
  { name: 'last_purchase_at', type: 'timestamptz' },
] as const;

/** Replaces the snapshot, header and rows, in one transaction: readers see the old or the new. */
export async function replaceRfmSnapshot(
  client: PoolClient,
  header: RfmSnapshotHeader,
  rows: readonly RfmRow[],
): Promise<void> {
  await inTransaction(client, async () => {
    await client.query('DELETE FROM read_models.rfm_scores');
    await insertColumns(client, 'read_models.rfm_scores', COLUMNS, rows.length, (c, i) => {
      const row = rows[i]!;
      switch (COLUMNS[c]!.name) {
        case 'customer_id':
          return row.customerId;
        case 'recency_days':
          return row.recencyDays;
        case 'frequency':
          return row.frequency;
        case 'monetary':
          return String(row.monetary);
        case 'r':
          return row.r;
        case 'f':
          return row.f;
        case 'm':
          return row.m;
        case 'segment':
          return row.segment;
        default:
          return row.lastPurchaseAt.toISOString();
      }
    });
    await client.query(
      `INSERT INTO read_models.rfm_snapshot (id, as_of, computed_at, window_days, customers, duration_ms)
       VALUES (true, $1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET as_of = EXCLUDED.as_of, computed_at = EXCLUDED.computed_at,
         window_days = EXCLUDED.window_days, customers = EXCLUDED.customers,
         duration_ms = EXCLUDED.duration_ms`,
      [
        header.asOf.toISOString(),
        header.computedAt.toISOString(),
        header.windowDays,
        header.customers,
        header.durationMs,
      ],
    );
  });
  // Fresh statistics for the new rows, so that the first queries after a replace plan well.
  await client.query('ANALYZE read_models.rfm_scores, read_models.rfm_snapshot');
}
