import { CUSTOMER_STREAM_PREFIX } from '@touchline/touchpoints';

/**
 * The customer a stream's events count for, in SQL, exactly as the customer_profile projection
 * counts them (docs/read-models.md, "Identity"): the end of the stream's chain of identity links
 * in the engine's map of the live profile build (analytics.stream_owners, read-models migration
 * 6), else the stream's own customer (`customer-<id>`); null for an anonymous stream no customer
 * claims. The one place that says it, for the RFM and churn inputs (ownedTouchpointsCte) and the
 * survey counts by customer (countSurveyAnswersByCustomer).
 *
 * The profile's id lists cannot stand in for the map: an anonymous id (or an earlier id) claimed
 * by a second customer moves to that one, while the first one's list, folded from its own
 * identity.linked, still names it.
 *
 * `stream` is an SQL expression for the stream id, `as` the alias of the view in the statement:
 * put streamOwnerJoin in the FROM clause, and use countedForCustomer with the same arguments.
 */
export function streamOwnerJoin(stream: string, as: string): string {
  return `LEFT JOIN analytics.stream_owners ${as} ON ${as}.stream_id = ${stream}`;
}

export function countedForCustomer(stream: string, as: string): string {
  return `coalesce(${as}.customer_id,
                  CASE WHEN left(${stream}, ${CUSTOMER_STREAM_PREFIX.length}) = '${CUSTOMER_STREAM_PREFIX}'
                       THEN substr(${stream}, ${CUSTOMER_STREAM_PREFIX.length + 1}) END)`;
}
