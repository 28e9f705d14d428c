import type { ProjectionEngine } from '@touchline/projections';
import { ANONYMOUS_STREAM_PREFIX, CUSTOMER_STREAM_PREFIX } from '@touchline/touchpoints';
import {
  CUSTOMER_PROFILE,
  type CustomerProfileRow,
} from '../../projections/customer-profile.projection';

/**
 * The streams of one customer's journey: their own, the anonymous visitors they linked, their
 * earlier ids and the duplicates merged into them (the profile lists those of the whole group,
 * chains included). Linking moves no event (docs/events.md), so the journey is read from all of
 * them.
 */
export function journeyStreams(profile: CustomerProfileRow): string[] {
  return [
    CUSTOMER_STREAM_PREFIX + profile.customerId,
    ...profile.linkedAnonymousIds.map((id) => ANONYMOUS_STREAM_PREFIX + id),
    ...[...profile.previousIds, ...profile.mergedIds].map((id) => CUSTOMER_STREAM_PREFIX + id),
  ].filter((s, i, all) => all.indexOf(s) === i);
}

/**
 * The journey a customer id belongs to: that of the customer whose profile counts it (the id
 * itself, or the survivor of a merge, or the customer whose earlier id it is). Null when the id
 * has no profile.
 */
export async function journeyOf(
  engine: ProjectionEngine,
  customerId: string,
): Promise<string[] | null> {
  const profile = await engine.getRow<CustomerProfileRow>(CUSTOMER_PROFILE, customerId);
  if (profile === null) return null;
  const canonicalId = profile.canonicalId ?? profile.customerId;
  if (canonicalId === customerId) return journeyStreams(profile);
  const canonical = await engine.getRow<CustomerProfileRow>(CUSTOMER_PROFILE, canonicalId);
  return journeyStreams(canonical ?? profile);
}
