import type { JsonObject } from '@touchline/event-store';
import type { Alert, AlertKind, DeliveryState } from '../alert';
import type { Queryable } from './queryable';

export interface AlertFilter {
  kind: AlertKind | null;
  customerId: string | null;
  /** Raised at or after. */
  since: Date | null;
  /** Only alerts raised before this one (seq), newest first. */
  beforeSeq: string | null;
  limit: number;
}

/** Newest first, with their deliveries. */
export async function listAlerts(db: Queryable, filter: AlertFilter): Promise<Alert[]> {
  const { rows } = await db.query<{
    id: string;
    seq: string;
    kind: AlertKind;
    customer_id: string;
    occurred_at: Date;
    raised_at: Date;
    reasons: string[];
    data: JsonObject;
    deliveries: {
      target: string;
      state: DeliveryState;
      attempts: number;
      last_error: string | null;
      next_attempt_at: string | null;
      delivered_at: string | null;
    }[];
  }>(
    `SELECT a.id, a.seq::text AS seq, a.kind, a.customer_id, a.occurred_at, a.raised_at, a.reasons, a.data,
            coalesce((SELECT jsonb_agg(jsonb_build_object(
                        'target', d.target, 'state', d.state, 'attempts', d.attempts,
                        'last_error', d.last_error,
                        'next_attempt_at', CASE WHEN d.state = 'pending' THEN d.next_attempt_at END,
                        'delivered_at', d.delivered_at) ORDER BY d.target)
                        FROM alerts.deliveries d WHERE d.alert_id = a.id), '[]'::jsonb) AS deliveries
       FROM alerts.alerts a
      WHERE ($1::text IS NULL OR a.kind = $1)
        AND ($2::text IS NULL OR a.customer_id = $2)
        AND ($3::timestamptz IS NULL OR a.raised_at >= $3)
        AND ($4::bigint IS NULL OR a.seq < $4)
      ORDER BY a.seq DESC
      LIMIT $5`,
    [filter.kind, filter.customerId, filter.since, filter.beforeSeq, filter.limit],
  );
  return rows.map((r) => ({
    id: r.id,
    seq: r.seq,
    kind: r.kind,
    customerId: r.customer_id,
    occurredAt: r.occurred_at,
    raisedAt: r.raised_at,
    reasons: r.reasons,
    data: r.data,
    deliveries: r.deliveries.map((d) => ({
      target: d.target,
      state: d.state,
      attempts: d.attempts,
      lastError: d.last_error,
      nextAttemptAt: d.next_attempt_at === null ? null : new Date(d.next_attempt_at),
      deliveredAt: d.delivered_at === null ? null : new Date(d.delivered_at),
    })),
  }));
}
