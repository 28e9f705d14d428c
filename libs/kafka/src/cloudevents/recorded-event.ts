import type { JsonObject, RecordedEvent } from '@touchline/event-store';
import { SPEC_VERSION, type CloudEvent } from './cloud-event';

/**
 * Touchline's extension attributes on journey events. Names follow the spec's rule (lower-case
 * a-z and 0-9, at most 20 characters); the `tl` prefix keeps them apart from other extensions.
 */
export const TOUCHLINE_EXTENSIONS = {
  /** String: the event store stream, `customer-<id>`. */
  stream: 'tlstream',
  /** Integer: the event's 0-based revision in its stream; projections skip what they have seen. */
  revision: 'tlrevision',
  /** String: the opaque store checkpoint of the event in the global log. */
  position: 'tlposition',
  /** Integer: the schema version of data, for upcasting on the consumer side. */
  version: 'tlversion',
} as const;

const CUSTOMER_STREAM_PREFIX = 'customer-';

/**
 * The CloudEvent the relay publishes for a recorded event: id = the producer's event id (so
 * source + id dedupes redeliveries), subject and partitionkey = the customer id, so a customer's
 * events stay in order on one partition.
 */
export function recordedEventToCloudEvent(
  event: RecordedEvent,
  options: { source: string },
): CloudEvent<JsonObject> {
  const customerId = event.streamId.startsWith(CUSTOMER_STREAM_PREFIX)
    ? event.streamId.slice(CUSTOMER_STREAM_PREFIX.length)
    : event.streamId;
  return {
    specversion: SPEC_VERSION,
    id: event.eventId,
    source: options.source,
    type: event.type,
    time: (event.occurredAt ?? event.recordedAt).toISOString(),
    subject: customerId,
    datacontenttype: 'application/json',
    data: event.data,
    extensions: {
      partitionkey: customerId,
      [TOUCHLINE_EXTENSIONS.stream]: event.streamId,
      [TOUCHLINE_EXTENSIONS.revision]: event.revision,
      [TOUCHLINE_EXTENSIONS.position]: event.position,
      [TOUCHLINE_EXTENSIONS.version]: event.version,
    },
  };
}
