import type { Migration } from '@touchline/database';

/**
 * The RFM and churn snapshots (schema `read_models`: what this library's jobs write) and their
 * views in `analytics` for BI tools. Shipped: never edit, add a new migration.
 *
 * A snapshot is one header row (as of, computed at) and one row per customer. A job replaces both
 * in one transaction (DELETE + INSERT, not TRUNCATE, so that readers keep the previous snapshot
 * until the commit instead of waiting on a lock). `analytics.customer_profiles` is replaced with
 * the same columns, now filling `rfm_segment` and `churn_risk` from the snapshots.
 */
export const createRfmAndChurnSnapshots: Migration = {
  version: 2,
  name: 'create_rfm_and_churn_snapshots',
  sql: `
CREATE SCHEMA IF NOT EXISTS read_models;

CREATE TABLE read_models.rfm_snapshot (
  id           boolean PRIMARY KEY DEFAULT true CHECK (id),
  as_of        timestamptz NOT NULL,
  computed_at  timestamptz NOT NULL,
  window_days  integer NOT NULL,
  customers    integer NOT NULL,
  duration_ms  integer NOT NULL
);

CREATE TABLE read_models.rfm_scores (
  customer_id       text PRIMARY KEY,
  recency_days      integer NOT NULL,
  frequency         integer NOT NULL,
  monetary          numeric NOT NULL,
  r                 smallint NOT NULL,
  f                 smallint NOT NULL,
  m                 smallint NOT NULL,
  segment           text NOT NULL,
  last_purchase_at  timestamptz NOT NULL
);
CREATE INDEX rfm_scores_segment_monetary ON read_models.rfm_scores (segment, monetary DESC, customer_id);
CREATE INDEX rfm_scores_monetary ON read_models.rfm_scores (monetary DESC, customer_id);

CREATE TABLE read_models.churn_model (
  id                      boolean PRIMARY KEY DEFAULT true CHECK (id),
  as_of                   timestamptz NOT NULL,
  fitted_at               timestamptz NOT NULL,
  customers               integer NOT NULL,
  bgnbd_r                 double precision NOT NULL,
  bgnbd_alpha             double precision NOT NULL,
  bgnbd_a                 double precision NOT NULL,
  bgnbd_b                 double precision NOT NULL,
  bgnbd_log_likelihood    double precision NOT NULL,
  bgnbd_converged         boolean NOT NULL,
  gg_p                    double precision,
  gg_q                    double precision,
  gg_gamma                double precision,
  gg_log_likelihood       double precision,
  gg_customers            integer NOT NULL,
  gg_converged            boolean,
  duration_ms             integer NOT NULL
);

CREATE TABLE read_models.churn_scores (
  customer_id              text PRIMARY KEY,
  score                    smallint NOT NULL,
  band                     text NOT NULL,
  reasons                  jsonb NOT NULL,
  p_alive                  double precision NOT NULL,
  expected_purchases_90d   double precision,
  expected_order_value     double precision,
  clv_12m                  double precision,
  value_at_risk            double precision NOT NULL,
  repeat_purchases         integer NOT NULL,
  recency_days             integer NOT NULL,
  age_days                 integer NOT NULL
);
CREATE INDEX churn_scores_value_at_risk ON read_models.churn_scores (value_at_risk DESC, customer_id);
CREATE INDEX churn_scores_band_value_at_risk ON read_models.churn_scores (band, value_at_risk DESC, customer_id);
-- The customer list's sorts (GET /v1/customers?sort=[-]churnRisk|clv|valueAtRisk): key order in
-- both directions, scanned forwards or backwards.
CREATE INDEX churn_scores_score_key ON read_models.churn_scores (score, customer_id);
CREATE INDEX churn_scores_clv_key ON read_models.churn_scores (clv_12m, customer_id);
CREATE INDEX churn_scores_value_at_risk_key ON read_models.churn_scores (value_at_risk, customer_id);

CREATE VIEW analytics.rfm_scores AS
SELECT
  s.customer_id, s.recency_days, s.frequency, s.monetary, s.r, s.f, s.m,
  (s.r::text || s.f::text || s.m::text) AS rfm_cell,
  s.segment, s.last_purchase_at,
  h.as_of, h.computed_at, h.window_days
FROM read_models.rfm_scores s
CROSS JOIN read_models.rfm_snapshot h;

CREATE VIEW analytics.churn_risk AS
SELECT
  s.customer_id, s.score, s.band, s.p_alive, s.expected_purchases_90d, s.expected_order_value,
  s.clv_12m, s.value_at_risk,
  ARRAY(SELECT r->>'text' FROM jsonb_array_elements(s.reasons) r) AS reasons,
  s.reasons AS reason_details,
  s.repeat_purchases, s.recency_days, s.age_days,
  h.as_of, h.fitted_at
FROM read_models.churn_scores s
CROSS JOIN read_models.churn_model h;

CREATE VIEW analytics.churn_model AS
SELECT
  as_of, fitted_at, 'day'::text AS time_unit, customers,
  bgnbd_r AS r, bgnbd_alpha AS alpha, bgnbd_a AS a, bgnbd_b AS b,
  bgnbd_log_likelihood AS log_likelihood, bgnbd_converged AS converged,
  gg_p AS p, gg_q AS q, gg_gamma AS gamma, gg_log_likelihood AS gamma_gamma_log_likelihood,
  gg_customers AS gamma_gamma_customers, gg_converged AS gamma_gamma_converged
FROM read_models.churn_model;

CREATE OR REPLACE VIEW analytics.customer_profiles AS
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
  rfm.segment                                            AS rfm_segment,
  churn.score::double precision                          AS churn_risk,
  p.updated_position                                     AS position
FROM projections.customer_profile p
LEFT JOIN analytics.tier_thresholds t ON true
LEFT JOIN read_models.rfm_scores rfm ON rfm.customer_id = p.key
LEFT JOIN read_models.churn_scores churn ON churn.customer_id = p.key;
`,
};
