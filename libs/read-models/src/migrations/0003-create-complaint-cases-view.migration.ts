import type { Migration } from '@touchline/database';

/**
 * analytics.complaint_cases: one row per complaint (projection complaint_case) with its service
 * times in seconds and whether a survey followed its latest resolution within 48 hours (projection
 * complaint_followup, joined by stream and complaint id on the same resolution instant). Shipped:
 * never edit, add a new migration.
 */
export const createComplaintCasesView: Migration = {
  version: 3,
  name: 'create_complaint_cases_view',
  sql: `
CREATE VIEW analytics.complaint_cases AS
SELECT
  c.key                                                  AS complaint_id,
  c.data->>'customerId'                                  AS customer_id,
  c.data->>'anonymousId'                                 AS anonymous_id,
  c.data->>'streamId'                                    AS stream_id,
  c.data->>'category'                                    AS category,
  c.data->>'severity'                                    AS severity,
  c.data->>'channel'                                     AS channel,
  c.data->>'state'                                       AS state,
  (c.data->>'openedAt')::timestamptz                     AS opened_at,
  (c.data->>'firstResponseAt')::timestamptz              AS first_response_at,
  (c.data->>'responses')::integer                        AS responses,
  (c.data->>'firstResolvedAt')::timestamptz              AS first_resolved_at,
  (c.data->>'resolvedAt')::timestamptz                   AS resolved_at,
  c.data->>'resolution'                                  AS resolution,
  (c.data->>'reopenedCount')::integer                    AS reopened_count,
  (c.data->>'lastReopenedAt')::timestamptz               AS last_reopened_at,
  extract(epoch FROM (c.data->>'firstResponseAt')::timestamptz
                   - (c.data->>'openedAt')::timestamptz)::double precision
                                                         AS first_response_seconds,
  CASE WHEN c.data->>'state' = 'resolved' THEN
    extract(epoch FROM (c.data->>'resolvedAt')::timestamptz
                     - (c.data->>'openedAt')::timestamptz)::double precision
  END                                                    AS resolution_seconds,
  CASE WHEN c.data->>'state' = 'resolved' THEN f.survey_at END AS survey_after_resolution_at,
  (c.data->>'state' = 'resolved' AND f.survey_at IS NOT NULL) AS survey_within_48h,
  c.updated_position                                     AS position
FROM projections.complaint_case c
LEFT JOIN LATERAL (
  SELECT (r->>'surveyAt')::timestamptz AS survey_at
  FROM projections.complaint_followup fu,
       LATERAL (SELECT fu.data->'resolutions'->c.key AS r) x
  WHERE fu.key = c.data->>'streamId'
    AND r->>'resolvedAt' = c.data->>'resolvedAt'
) f ON true;
`,
};
