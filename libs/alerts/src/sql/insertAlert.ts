import type { NewAlert } from '../alert';
import type { Queryable } from './queryable';

/**
 * Inserts the alert and one pending delivery per target, unless an alert with that id exists
 * (then nothing: once per occurrence). Returns whether it was new. Run it in a transaction.
 */
export async function insertAlert(
  db: Queryable,
  alert: NewAlert,
  targets: readonly string[],
  raisedAt: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO alerts.alerts (id, kind, customer_id, occurred_at, raised_at, reasons, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO NOTHING`,
    [
      alert.id,
      alert.kind,
      alert.customerId,
      alert.occurredAt,
      raisedAt,
      JSON.stringify(alert.reasons),
      JSON.stringify(alert.data),
    ],
  );
  if (rowCount !== 1) return false;
  if (targets.length > 0) {
    await db.query(
      `INSERT INTO alerts.deliveries (alert_id, target, next_attempt_at)
       SELECT $1, t.target, $2 FROM unnest($3::text[]) AS t(target)`,
      [alert.id, raisedAt, targets],
    );
  }
  return true;
}
