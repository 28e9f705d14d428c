import { ANONYMOUS_STREAM_PREFIX, CUSTOMER_STREAM_PREFIX } from '@touchline/touchpoints';
import type { CustomerProfileRow } from '../../projections/customer-profile.projection';

/**
 * The streams of one customer's journey: their own, the anonymous visitors they linked, their
 * earlier ids and the duplicates merged into them. Linking moves no event (docs/events.md), so
 * the journey is read from all of them.
 */
export function journeyStreams(profile: CustomerProfileRow): string[] {
  return [
    CUSTOMER_STREAM_PREFIX + profile.customerId,
    ...profile.linkedAnonymousIds.map((id) => ANONYMOUS_STREAM_PREFIX + id),
    ...[...profile.previousIds, ...profile.mergedIds].map((id) => CUSTOMER_STREAM_PREFIX + id),
  ].filter((s, i, all) => all.indexOf(s) === i);
}
