import type { Queryable } from './queryable';

export interface WatchedComplaintOpened {
  complaintId: string;
  customerId: string;
  severity: string;
  category: string;
  channel: string;
  openedAt: Date;
}

/** A complaint to watch for its first response; a repeated opening keeps the earliest time. */
export async function watchComplaint(db: Queryable, c: WatchedComplaintOpened): Promise<void> {
  await db.query(
    `INSERT INTO alerts.complaint_watch (complaint_id, customer_id, severity, category, channel, opened_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (complaint_id) DO UPDATE SET opened_at = least(complaint_watch.opened_at, excluded.opened_at)`,
    [c.complaintId, c.customerId, c.severity, c.category, c.channel, c.openedAt],
  );
}

/** A later event corrected the severity. */
export async function correctSeverity(db: Queryable, complaintId: string, severity: string) {
  await db.query('UPDATE alerts.complaint_watch SET severity = $2 WHERE complaint_id = $1', [
    complaintId,
    severity,
  ]);
}

export async function recordFirstResponse(db: Queryable, complaintId: string, at: Date) {
  await db.query(
    `UPDATE alerts.complaint_watch
        SET first_response_at = least(coalesce(first_response_at, $2), $2)
      WHERE complaint_id = $1`,
    [complaintId, at],
  );
}

/** Resolved (also without a response): nothing is owed any more. Reopening owes nothing new. */
export async function recordResolved(db: Queryable, complaintId: string) {
  await db.query('UPDATE alerts.complaint_watch SET resolved = true WHERE complaint_id = $1', [
    complaintId,
  ]);
}

export interface WaitingComplaint {
  complaintId: string;
  customerId: string;
  severity: string | null;
  category: string | null;
  channel: string | null;
  openedAt: Date;
}

/**
 * Complaints without a response, not resolved, not alerted, opened at or before `openedBy`, in
 * opening order after the keyset `after` (a page of them).
 */
export async function listWaitingComplaints(
  db: Queryable,
  openedBy: Date,
  after: { openedAt: Date; complaintId: string } | null,
  limit: number,
): Promise<WaitingComplaint[]> {
  const { rows } = await db.query<{
    complaint_id: string;
    customer_id: string;
    severity: string | null;
    category: string | null;
    channel: string | null;
    opened_at: Date;
  }>(
    `SELECT complaint_id, customer_id, severity, category, channel, opened_at
       FROM alerts.complaint_watch
      WHERE first_response_at IS NULL AND NOT resolved AND NOT alerted AND opened_at <= $1
        AND ($2::timestamptz IS NULL OR (opened_at, complaint_id) > ($2, $3))
      ORDER BY opened_at, complaint_id
      LIMIT $4`,
    [openedBy, after?.openedAt ?? null, after?.complaintId ?? '', limit],
  );
  return rows.map((r) => ({
    complaintId: r.complaint_id,
    customerId: r.customer_id,
    severity: r.severity,
    category: r.category,
    channel: r.channel,
    openedAt: r.opened_at,
  }));
}

/**
 * Marks the complaint alerted if it is still waiting (row-locked: of two processes, one gets
 * true). Run it in the transaction that inserts the alert.
 */
export async function claimMissedResponse(db: Queryable, complaintId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE alerts.complaint_watch SET alerted = true
      WHERE complaint_id = $1 AND first_response_at IS NULL AND NOT resolved AND NOT alerted`,
    [complaintId],
  );
  return rowCount === 1;
}
