import type { Migration } from '@touchline/database';

/**
 * Identity in analytics.complaint_cases: complaint_case (v2) carries the stream the complaint
 * counts for now and complaint_followup (v2) is keyed by it, so the follow-up survey is looked up
 * on the canonical stream (an answer on a linked anonymous stream, an earlier id or a merged
 * duplicate follows the survivor's resolution). Two columns appended (CREATE OR REPLACE VIEW keeps
 * the others, in order): `canonical_stream_id` and `canonical_customer_id` (null for a visitor no
 * customer has claimed). Rows of v1 builds have no canonical stream: their own stream stands in.
 * Shipped once released: never edit, add a new migration.
 */
export const joinComplaintFollowupsByIdentity: Migration = {
  version: 5,
  name: 'join_complaint_followups_by_identity',
  sql: `
CREATE OR REPLACE VIEW analytics.complaint_cases AS
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
  c.updated_position                                     AS position,
  coalesce(c.data->>'canonicalStreamId', c.data->>'streamId') AS canonical_stream_id,
  c.data->>'canonicalCustomerId'                         AS canonical_customer_id
FROM projections.complaint_case c
LEFT JOIN LATERAL (
  SELECT (r->>'surveyAt')::timestamptz AS survey_at
  FROM projections.complaint_followup fu,
       LATERAL (SELECT fu.data->'resolutions'->c.key AS r) x
  WHERE fu.key = coalesce(c.data->>'canonicalStreamId', c.data->>'streamId')
    AND r->>'resolvedAt' = c.data->>'resolvedAt'
) f ON true;
`,
};
