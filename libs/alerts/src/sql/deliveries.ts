import type { JsonObject } from '@touchline/event-store';
import type { AlertKind } from '../alert';
import type { Queryable } from './queryable';

export interface ClaimedDelivery {
  alertId: string;
  target: string;
  /** This attempt's number, from 1. */
  attempt: number;
  kind: AlertKind;
  customerId: string;
  occurredAt: Date;
  raisedAt: Date;
  reasons: string[];
  data: JsonObject;
}

/**
 * Claims up to `limit` due deliveries for `leaseMs` (counting the attempt): other processes skip
 * them until the lease ends, so a process that dies mid-delivery only delays it.
 */
export async function claimDueDeliveries(
  db: Queryable,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<ClaimedDelivery[]> {
  const { rows } = await db.query<{
    alert_id: string;
    target: string;
    attempts: number;
    kind: AlertKind;
    customer_id: string;
    occurred_at: Date;
    raised_at: Date;
    reasons: string[];
    data: JsonObject;
  }>(
    `WITH due AS (
       SELECT alert_id, target FROM alerts.deliveries
        WHERE state = 'pending' AND next_attempt_at <= $1
          AND (leased_until IS NULL OR leased_until <= $1)
        ORDER BY next_attempt_at
        LIMIT $3
        FOR UPDATE SKIP LOCKED
     )
     UPDATE alerts.deliveries d
        SET leased_until = $1::timestamptz + $2 * interval '1 millisecond', attempts = d.attempts + 1
       FROM due, alerts.alerts a
      WHERE d.alert_id = due.alert_id AND d.target = due.target AND a.id = d.alert_id
      RETURNING d.alert_id, d.target, d.attempts, a.kind, a.customer_id, a.occurred_at,
                a.raised_at, a.reasons, a.data`,
    [now, leaseMs, limit],
  );
  return rows.map((r) => ({
    alertId: r.alert_id,
    target: r.target,
    attempt: r.attempts,
    kind: r.kind,
    customerId: r.customer_id,
    occurredAt: r.occurred_at,
    raisedAt: r.raised_at,
    reasons: r.reasons,
    data: r.data,
  }));
}

export async function recordDelivered(db: Queryable, alertId: string, target: string, at: Date) {
  await db.query(
    `UPDATE alerts.deliveries
        SET state = 'delivered', delivered_at = $3, leased_until = NULL, last_error = NULL
      WHERE alert_id = $1 AND target = $2`,
    [alertId, target, at],
  );
}

/** A failed attempt: retry at `nextAttemptAt`, or null to give up (state failed). */
export async function recordFailure(
  db: Queryable,
  alertId: string,
  target: string,
  error: string,
  nextAttemptAt: Date | null,
) {
  await db.query(
    `UPDATE alerts.deliveries
        SET state = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
            next_attempt_at = coalesce($4, next_attempt_at),
            leased_until = NULL,
            last_error = $3
      WHERE alert_id = $1 AND target = $2`,
    [alertId, target, error.slice(0, 1000), nextAttemptAt],
  );
}
