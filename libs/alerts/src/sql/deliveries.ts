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

/** Which claim an outcome belongs to: the delivery and the attempt its lease was taken for. */
export type DeliveryClaim = Pick<ClaimedDelivery, 'alertId' | 'target' | 'attempt'>;

/**
 * Both outcomes are written only while the claim still holds (pending, and no later attempt
 * claimed it after this lease ran out): a late answer never overwrites another process's outcome.
 * They return false when the claim was lost and nothing was written.
 */
export async function recordDelivered(
  db: Queryable,
  claim: DeliveryClaim,
  at: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE alerts.deliveries
        SET state = 'delivered', delivered_at = $4, leased_until = NULL, last_error = NULL
      WHERE alert_id = $1 AND target = $2 AND state = 'pending' AND attempts = $3`,
    [claim.alertId, claim.target, claim.attempt, at],
  );
  return rowCount === 1;
}

/** A failed attempt: retry at `nextAttemptAt`, or null to give up (state failed). */
export async function recordFailure(
  db: Queryable,
  claim: DeliveryClaim,
  error: string,
  nextAttemptAt: Date | null,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE alerts.deliveries
        SET state = CASE WHEN $5::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
            next_attempt_at = coalesce($5, next_attempt_at),
            leased_until = NULL,
            last_error = $4
      WHERE alert_id = $1 AND target = $2 AND state = 'pending' AND attempts = $3`,
    [claim.alertId, claim.target, claim.attempt, error.slice(0, 1000), nextAttemptAt],
  );
  return rowCount === 1;
}
