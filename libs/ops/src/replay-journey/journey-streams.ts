import type { EventStore } from '@touchline/event-store';
import { CUSTOMER_STREAM_PREFIX } from '@touchline/touchpoints';
import { resolveIdentityGroup } from '../merge-customers/identity-links';

export const OPS_JOURNEY_STREAMS = Symbol('OPS_JOURNEY_STREAMS');

/**
 * The streams that make up a customer's journey. OpsModule binds OPS_JOURNEY_STREAMS to
 * linkedStreams (below), which follows the identity links recorded in the store as of the
 * replay's instant; ownStreamOnly is the default of replayJourney when nothing is bound.
 */
export type JourneyStreams = (customerId: string, asOf: Date | undefined) => Promise<string[]>;

export const customerStreamId = (customerId: string): string => CUSTOMER_STREAM_PREFIX + customerId;

export const ownStreamOnly: JourneyStreams = async (customerId) => [customerStreamId(customerId)];

/**
 * The journey as the identity links recorded in the store make it, as of the replay's instant:
 * the customer's stream, the anonymous ids linked and earlier ids of anyone in its group, the
 * duplicates merged into it and the survivor it was merged into (chains included). Replaying
 * either side of a merge therefore shows the same streams, and the merge event in both.
 */
export const linkedStreams =
  (store: EventStore): JourneyStreams =>
  async (customerId, asOf) =>
    (await resolveIdentityGroup(store, customerId, asOf)).streams;
