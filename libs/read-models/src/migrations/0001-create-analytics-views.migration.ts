import type { Migration } from '@touchline/database';

/**
 * The schema `analytics`: stable, typed SQL views for BI tools over the engine's read views
 * `projections.<name>`. Shipped: never edit, add a new migration (CREATE OR REPLACE VIEW).
 *
 * They select from the engine's views, never from a build's table, so they follow the live
 * generation through every rebuild: the engine's switch re-points `projections.<name>` with
 * CREATE OR REPLACE VIEW and an unchanged column list, which PostgreSQL allows under dependent
 * views. The functions are the SQL twins of rules/tier.ts and rules/lifecycle.ts (a spec holds
 * them equal). The tier thresholds are the configuration's, written by the API at start.
 */
export const createAnalyticsViews: Migration = {
  version: 1,
  name: 'create_analytics_views',
  sql: `
CREATE SCHEMA IF NOT EXISTS analytics;

CREATE TABLE analytics.tier_thresholds (
  id          boolean PRIMARY KEY DEFAULT true CHECK (id),
  vip_spend   numeric NOT NULL,
  key_spend   numeric NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO analytics.tier_thresholds (vip_spend, key_spend) VALUES (5000, 1000);

CREATE FUNCTION analytics.customer_tier(net_spend numeric, orders integer, vip_spend numeric, key_spend numeric)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN orders = 0 THEN 'prospect'
    WHEN net_spend >= vip_spend THEN 'vip'
    WHEN net_spend >= key_spend THEN 'key'
    ELSE 'regular'
  END
$$;

CREATE FUNCTION analytics.lifecycle_stage(orders integer, last_purchase_at timestamptz, last_seen_at timestamptz, as_of timestamptz)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN orders = 0 OR last_purchase_at IS NULL THEN
      CASE WHEN last_seen_at IS NOT NULL AND as_of - last_seen_at > interval '365 days'
           THEN 'churned' ELSE 'acquisition' END
    WHEN as_of - last_purchase_at > interval '365 days' THEN 'churned'
    WHEN as_of - last_purchase_at > interval '180 days' THEN 'decline'
    WHEN orders >= 5 THEN 'maturity'
    WHEN orders >= 2 THEN 'growth'
    ELSE 'acquisition'
  END
$$;

CREATE VIEW analytics.customer_profiles AS
SELECT
  p.key                                                  AS customer_id,
  (p.data->>'firstSeenAt')::timestamptz                  AS first_seen_at,
  (p.data->>'lastSeenAt')::timestamptz                   AS last_seen_at,
  (p.data->>'touchpoints')::integer                      AS touchpoints,
  (p.data->>'orders')::integer                           AS orders,
  (p.data->>'grossSpend')::numeric                       AS gross_spend,
  (p.data->>'refunds')::integer                          AS refunds,
  (p.data->>'refundedAmount')::numeric                   AS refunded_amount,
  (p.data->>'netSpend')::numeric                         AS net_spend,
  (p.data->>'averageOrderValue')::numeric                AS average_order_value,
  (p.data->>'firstPurchaseAt')::timestamptz              AS first_purchase_at,
  (p.data->>'lastPurchaseAt')::timestamptz               AS last_purchase_at,
  (p.data#>>'{loyalty,earned}')::bigint                  AS loyalty_earned,
  (p.data#>>'{loyalty,redeemed}')::bigint                AS loyalty_redeemed,
  (p.data#>>'{loyalty,balance}')::bigint                 AS loyalty_balance,
  (p.data#>>'{lastSurveys,nps,score}')::smallint         AS last_nps,
  (p.data#>>'{lastSurveys,nps,at}')::timestamptz         AS last_nps_at,
  (p.data#>>'{lastSurveys,csat,score}')::smallint        AS last_csat,
  (p.data#>>'{lastSurveys,csat,at}')::timestamptz        AS last_csat_at,
  (p.data#>>'{lastSurveys,ces,score}')::smallint         AS last_ces,
  (p.data#>>'{lastSurveys,ces,at}')::timestamptz         AS last_ces_at,
  (p.data#>>'{complaints,opened}')::integer              AS complaints_opened,
  jsonb_array_length(p.data#>'{complaints,open}')        AS open_complaints,
  (p.data#>>'{sentiment,n}')::integer                    AS sentiment_points,
  (p.data#>>'{sentiment,mean}')::double precision        AS sentiment_mean,
  analytics.customer_tier((p.data->>'netSpend')::numeric, (p.data->>'orders')::integer,
                          t.vip_spend, t.key_spend)      AS tier,
  analytics.lifecycle_stage((p.data->>'orders')::integer,
                            (p.data->>'lastPurchaseAt')::timestamptz,
                            (p.data->>'lastSeenAt')::timestamptz, now()) AS lifecycle_stage,
  p.data->'countsByType'                                 AS counts_by_type,
  p.data->'countsByChannel'                              AS counts_by_channel,
  p.data->'consents'                                     AS consents,
  p.data->'currencies'                                   AS currencies,
  (p.data->>'erasedAt')::timestamptz                     AS erased_at,
  p.data->>'mergedInto'                                  AS merged_into,
  NULL::text                                             AS rfm_segment,
  NULL::double precision                                 AS churn_risk,
  p.updated_position                                     AS position
FROM projections.customer_profile p
LEFT JOIN analytics.tier_thresholds t ON true;

CREATE VIEW analytics.customer_identities AS
SELECT p.key AS customer_id, 'anonymous' AS kind, a.value AS linked_id
  FROM projections.customer_profile p, jsonb_array_elements_text(p.data->'linkedAnonymousIds') a
UNION ALL
SELECT p.key, 'previous', a.value
  FROM projections.customer_profile p, jsonb_array_elements_text(p.data->'previousIds') a
UNION ALL
SELECT p.key, 'merged', a.value
  FROM projections.customer_profile p, jsonb_array_elements_text(p.data->'mergedIds') a;

CREATE VIEW analytics.timeline_events AS
SELECT
  t.data->>'customerId'                                  AS customer_id,
  t.data->>'anonymousId'                                 AS anonymous_id,
  t.data->>'streamId'                                    AS stream_id,
  (t.data->>'revision')::bigint                          AS revision,
  (t.data->>'eventId')::uuid                             AS event_id,
  t.data->>'type'                                        AS type,
  (t.data->>'occurredAt')::timestamptz                   AS occurred_at,
  (t.data->>'recordedAt')::timestamptz                   AS recorded_at,
  t.data->>'channel'                                     AS channel,
  t.data->>'source'                                      AS source,
  (t.data->>'sentiment')::double precision               AS sentiment,
  t.data->>'sentimentSource'                             AS sentiment_source,
  t.data#>>'{survey,kind}'                               AS survey_kind,
  (t.data#>>'{survey,score}')::smallint                  AS survey_score,
  (t.data#>>'{survey,touchpointRef}')::uuid              AS survey_touchpoint_ref,
  (t.data->'data') - ARRAY(SELECT jsonb_array_elements_text(t.data->'personalFields')) AS data,
  t.updated_position                                     AS position
FROM projections.customer_timeline t;

CREATE VIEW analytics.survey_answers_daily AS
SELECT
  s.data->>'kind'                                        AS kind,
  (s.data->>'day')::date                                 AS day,
  s.data->>'channel'                                     AS channel,
  (s.data->>'n')::integer                                AS answers,
  (s.data->>'sum')::numeric / NULLIF((s.data->>'n')::numeric, 0) AS mean_score,
  CASE WHEN s.data->>'kind' = 'nps' THEN
    (SELECT coalesce(sum(c.value::integer), 0) FROM jsonb_each_text(s.data->'counts') c WHERE c.key::integer >= 9)
  END::integer                                           AS promoters,
  CASE WHEN s.data->>'kind' = 'nps' THEN
    (SELECT coalesce(sum(c.value::integer), 0) FROM jsonb_each_text(s.data->'counts') c WHERE c.key::integer IN (7, 8))
  END::integer                                           AS passives,
  CASE WHEN s.data->>'kind' = 'nps' THEN
    (SELECT coalesce(sum(c.value::integer), 0) FROM jsonb_each_text(s.data->'counts') c WHERE c.key::integer <= 6)
  END::integer                                           AS detractors,
  CASE WHEN s.data->>'kind' = 'csat' THEN
    (SELECT coalesce(sum(c.value::integer), 0) FROM jsonb_each_text(s.data->'counts') c WHERE c.key::integer >= 4)
  END::integer                                           AS satisfied,
  s.data->'counts'                                       AS score_counts
FROM projections.survey_daily s;

CREATE VIEW analytics.survey_scores_daily AS
SELECT
  s.data->>'kind'                                        AS kind,
  (s.data->>'day')::date                                 AS day,
  s.data->>'channel'                                     AS channel,
  c.key::smallint                                        AS score,
  c.value::integer                                       AS answers
FROM projections.survey_daily s, jsonb_each_text(s.data->'counts') c;
`,
};
