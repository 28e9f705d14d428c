import type { Migration } from '@touchline/database';

/**
 * Identity in `analytics.customer_profiles`: two columns appended (CREATE OR REPLACE VIEW keeps
 * the existing ones, in order): `canonical_id`, the customer whose profile counts this id's
 * events (itself for a canonical customer), and `is_canonical`, false for the pointer row of a
 * customer merged into another one or an earlier id of another one (it counts nothing). Rows of
 * projection version 1 (before identity) have no canonicalId: they are their own. Shipped once
 * released: never edit, add a new migration.
 */
export const exposeCanonicalCustomerIds: Migration = {
  version: 4,
  name: 'expose_canonical_customer_ids',
  sql: `
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
  p.updated_position                                     AS position,
  coalesce(p.data->>'canonicalId', p.key)                AS canonical_id,
  (coalesce(p.data->>'canonicalId', p.key) = p.key)      AS is_canonical
FROM projections.customer_profile p
LEFT JOIN analytics.tier_thresholds t ON true
LEFT JOIN read_models.rfm_scores rfm ON rfm.customer_id = p.key
LEFT JOIN read_models.churn_scores churn ON churn.customer_id = p.key;
`,
};
