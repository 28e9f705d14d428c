/**
 * The CTE `owned (customer_id, type, at, row)`: timeline rows that occurred at or before the
 * instant in parameter `$<asOfParam>`, each with the customer it counts for. Identity is applied
 * as the profile states it (the ids analytics.customer_identities lists): the events of an earlier id or of a
 * duplicate merged into a survivor count for the survivor, and those of an anonymous id for the
 * customer who linked it. An anonymous id nobody linked belongs to no customer and is left out.
 * The canonical customer's profile lists every id of its group, chains included; an owner that
 * is itself someone's earlier or merged id is skipped, so a chain ends at the canonical one.
 *
 * `types`, when given, is the parameter number of a text[] of event types to keep; `where`, an
 * extra condition on the timeline row `t` (fewer rows to carry when the CTE is materialized).
 *
 * The timeline has expression indexes on `data #>> '{type}'` and `data #>> '{occurredAt}'`
 * (customer_timeline v3): conditions meant to use them must be written with exactly those
 * expressions (`t.data->>'type'` is a different expression to the planner), as TIMELINE_TYPE and
 * timelineOccurredAfter do. occurredAt is stored as the catalogue writes it (ISO 8601, UTC, ms),
 * so text order is time order.
 */
export const TIMELINE_TYPE = `t.data #>> '{type}'`;

/** `t` occurred after the instant (a timestamptz SQL expression): an index range condition. */
export function timelineOccurredAfter(instant: string): string {
  return `t.data #>> '{occurredAt}' > to_char((${instant}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

export function ownedTouchpointsCte(
  asOfParam: number,
  typesParam?: number,
  where?: string,
): string {
  const types =
    typesParam === undefined ? '' : `AND ${TIMELINE_TYPE} = ANY($${typesParam}::text[])`;
  const extra = where === undefined ? '' : `AND (${where})`;
  return `
identities AS MATERIALIZED (
  -- analytics.customer_identities in one pass: each profile's jsonb is read (detoasted) once.
  SELECT p.key AS customer_id, ids.kind, ids.linked_id
    FROM projections.customer_profile p
   CROSS JOIN LATERAL jsonb_to_record(p.data)
         AS r("linkedAnonymousIds" jsonb, "previousIds" jsonb, "mergedIds" jsonb)
   CROSS JOIN LATERAL (
         SELECT 'anonymous' AS kind, a AS linked_id FROM jsonb_array_elements_text(r."linkedAnonymousIds") a
         UNION ALL SELECT 'previous', a FROM jsonb_array_elements_text(r."previousIds") a
         UNION ALL SELECT 'merged', a FROM jsonb_array_elements_text(r."mergedIds") a) ids
),
canonical AS (
  -- Owners that are themselves no one's earlier or merged id: the canonical customers.
  SELECT i.kind, i.linked_id, i.customer_id
    FROM identities i
   WHERE NOT EXISTS (SELECT 1 FROM identities j
                      WHERE j.kind <> 'anonymous' AND j.linked_id = i.customer_id)
),
owners AS (
  SELECT linked_id, min(customer_id) AS customer_id
    FROM canonical WHERE kind <> 'anonymous' GROUP BY linked_id
),
anonymous_owners AS (
  SELECT linked_id, min(customer_id) AS customer_id
    FROM canonical WHERE kind = 'anonymous' GROUP BY linked_id
),
owned AS (
  SELECT
    CASE WHEN t.data->>'customerId' IS NOT NULL
         THEN coalesce(o.customer_id, t.data->>'customerId')
         ELSE a.customer_id END               AS customer_id,
    t.data->>'type'                           AS type,
    (t.data->>'occurredAt')::timestamptz      AS at,
    t.data                                    AS row
  FROM projections.customer_timeline t
  LEFT JOIN owners o ON o.linked_id = t.data->>'customerId'
  LEFT JOIN anonymous_owners a ON t.data->>'customerId' IS NULL AND a.linked_id = t.data->>'anonymousId'
  WHERE (t.data->>'occurredAt')::timestamptz <= $${asOfParam}::timestamptz ${types} ${extra}
)`;
}
