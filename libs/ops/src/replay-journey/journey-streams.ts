import { CUSTOMER_STREAM_PREFIX } from '@touchline/touchpoints';

export const OPS_JOURNEY_STREAMS = Symbol('OPS_JOURNEY_STREAMS');

/**
 * The streams that make up a customer's journey. Today that is the customer's own stream.
 * Customer merge and identity links extend the journey to the merged and linked ids' streams:
 * they bind OPS_JOURNEY_STREAMS to a resolver that follows the links recorded in the store (as of
 * the replay's instant), and replay, verification of each stream and the audit follow unchanged.
 */
export type JourneyStreams = (customerId: string, asOf: Date | undefined) => Promise<string[]>;

export const customerStreamId = (customerId: string): string => CUSTOMER_STREAM_PREFIX + customerId;

export const ownStreamOnly: JourneyStreams = async (customerId) => [customerStreamId(customerId)];
