import type { Pool } from 'pg';

export const COMPLAINT_GROUP_BYS = ['category', 'severity', 'channel'] as const;
export type ComplaintGroupBy = (typeof COMPLAINT_GROUP_BYS)[number];

/** Counts and percentiles of one set of complaints (all of them, or one group). */
export interface ComplaintLevelsRow {
  /** null: the overall row. */
  group: string | null;
  opened: number;
  responded: number;
  resolved: number;
  everResolved: number;
  reopened: number;
  surveyed: number;
  firstResponseP50: number | null;
  firstResponseP90: number | null;
  resolutionP50: number | null;
  resolutionP90: number | null;
}

// Column names from a closed list: never from the request.
const GROUP_COLUMN: Record<ComplaintGroupBy, string> = {
  category: 'category',
  severity: 'severity',
  channel: 'channel',
};

/**
 * Service levels of the complaints opened in [from, to) from analytics.complaint_cases: the
 * overall row and, with a groupBy, one row per value (GROUPING SETS, one scan; without a groupBy
 * one aggregate, GROUP BY ()). Percentiles are PostgreSQL's percentile_cont (linear interpolation)
 * over seconds; nulls (no response yet, not resolved) are left out of them.
 */
export async function readComplaintServiceLevels(
  pool: Pool,
  from: Date,
  to: Date,
  groupBy: ComplaintGroupBy | null,
): Promise<ComplaintLevelsRow[]> {
  const grouping =
    groupBy === null
      ? { grouped: '1', group: 'NULL::text', from: '', sets: '()', order: '' }
      : {
          grouped: 'GROUPING(g.grp)',
          group: 'g.grp',
          from: `, LATERAL (SELECT coalesce(${GROUP_COLUMN[groupBy]}, 'unknown') AS grp) g`,
          sets: 'GROUPING SETS ((), (g.grp))',
          order: 'ORDER BY GROUPING(g.grp) DESC, g.grp',
        };
  const { rows } = await pool.query<{
    grouped: number;
    group: string | null;
    opened: string;
    responded: string;
    resolved: string;
    ever_resolved: string;
    reopened: string;
    surveyed: string;
    first_response_p50: number | null;
    first_response_p90: number | null;
    resolution_p50: number | null;
    resolution_p90: number | null;
  }>(
    `SELECT ${grouping.grouped}                                  AS grouped,
            ${grouping.group}                                    AS group,
            count(*)                                             AS opened,
            count(*) FILTER (WHERE first_response_at IS NOT NULL) AS responded,
            count(*) FILTER (WHERE state = 'resolved')           AS resolved,
            count(*) FILTER (WHERE first_resolved_at IS NOT NULL) AS ever_resolved,
            count(*) FILTER (WHERE reopened_count > 0)           AS reopened,
            count(*) FILTER (WHERE survey_within_48h)            AS surveyed,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_seconds) AS first_response_p50,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY first_response_seconds) AS first_response_p90,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY resolution_seconds)     AS resolution_p50,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY resolution_seconds)     AS resolution_p90
       FROM analytics.complaint_cases c${grouping.from}
      WHERE c.opened_at >= $1 AND c.opened_at < $2
      GROUP BY ${grouping.sets}
      ${grouping.order}`,
    [from, to],
  );
  return rows.map((r) => ({
    group: Number(r.grouped) === 1 ? null : r.group,
    opened: Number(r.opened),
    responded: Number(r.responded),
    resolved: Number(r.resolved),
    everResolved: Number(r.ever_resolved),
    reopened: Number(r.reopened),
    surveyed: Number(r.surveyed),
    firstResponseP50: r.first_response_p50,
    firstResponseP90: r.first_response_p90,
    resolutionP50: r.resolution_p50,
    resolutionP90: r.resolution_p90,
  }));
}
