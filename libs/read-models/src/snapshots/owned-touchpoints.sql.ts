import { countedForCustomer, streamOwnerJoin } from '../sql/counted-for.sql';

/**
 * The CTE `owned (customer_id, type, at, row)`: timeline rows that occurred at or before the
 * instant in parameter `$<asOfParam>`, each with the customer it counts for, as the profile counts
 * it (countedForCustomer: the engine's identity map of the live profile build): the events of an
 * earlier id or of a duplicate merged into a survivor count for the survivor, chains included,
 * and those of an anonymous id for the customer who claimed it last. An anonymous id nobody
 * claimed belongs to no customer (customer_id null).
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
owned AS (
  SELECT
    ${countedForCustomer(`t.data->>'streamId'`, 'o')} AS customer_id,
    t.data->>'type'                           AS type,
    (t.data->>'occurredAt')::timestamptz      AS at,
    t.data                                    AS row
  FROM projections.customer_timeline t
  ${streamOwnerJoin(`t.data->>'streamId'`, 'o')}
  WHERE (t.data->>'occurredAt')::timestamptz <= $${asOfParam}::timestamptz ${types} ${extra}
)`;
}
