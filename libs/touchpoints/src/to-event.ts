import type { EventToAppend, JsonObject, JsonValue } from '@touchline/event-store';
import { TOUCHPOINT_CATALOGUE, type JourneyEvent } from './catalogue';
import { isEventType, type Channel } from './event-types';
import { parseTimestamp } from './rules/timestamp';
import { touchpointUpcasters, UpcastError, type UpcasterRegistry } from './upcasting';

export const CUSTOMER_STREAM_PREFIX = 'customer-';
export const ANONYMOUS_STREAM_PREFIX = 'anonymous-';

/**
 * The stream an event belongs to: `customer-<customerId>` when the customer is known, else
 * `anonymous-<anonymousId>`. The customer stream is the consistency boundary; an anonymous
 * visitor's history joins it through identity.linked, which readers follow.
 */
export function streamIdFor(ids: { customerId?: string; anonymousId?: string }): string {
  if (ids.customerId !== undefined) return CUSTOMER_STREAM_PREFIX + ids.customerId;
  if (ids.anonymousId !== undefined) return ANONYMOUS_STREAM_PREFIX + ids.anonymousId;
  throw new TypeError('an event needs a customerId or an anonymousId');
}

/** The customer or anonymous id a stream id names, or undefined for other streams. */
export function parseStreamId(
  streamId: string,
): { customerId: string } | { anonymousId: string } | undefined {
  if (streamId.startsWith(CUSTOMER_STREAM_PREFIX))
    return { customerId: streamId.slice(CUSTOMER_STREAM_PREFIX.length) };
  if (streamId.startsWith(ANONYMOUS_STREAM_PREFIX))
    return { anonymousId: streamId.slice(ANONYMOUS_STREAM_PREFIX.length) };
  return undefined;
}

/**
 * A validated event as the store takes it. The stored shape:
 *  - data: exactly the type's versioned `data` (so version and upcasters describe data alone, and
 *    personal-field paths are the same in the touchpoint and the stored event);
 *  - metadata: the envelope: channel, customerId, anonymousId, sentiment, source, correlationId,
 *    causationId (absent ones omitted);
 *  - occurredAt: the producer's instant (offset normalised away).
 * Nothing server-side (receive time, API key, node) goes in: idempotency compares this content,
 * and a retry must compare equal. The returned event shares `data` with the touchpoint.
 */
export function toEventToAppend(event: JourneyEvent): { streamId: string; event: EventToAppend } {
  const parsed = parseTimestamp(event.occurredAt);
  if (!parsed.ok) throw new TypeError(`occurredAt ${parsed.problem}: validate the event first`);
  const metadata: JsonObject = { channel: event.channel };
  if (event.customerId !== undefined) metadata.customerId = event.customerId;
  if (event.anonymousId !== undefined) metadata.anonymousId = event.anonymousId;
  if (event.sentiment !== undefined) metadata.sentiment = event.sentiment;
  metadata.source = event.metadata.source;
  if (event.metadata.correlationId !== undefined)
    metadata.correlationId = event.metadata.correlationId;
  if (event.metadata.causationId !== undefined) metadata.causationId = event.metadata.causationId;
  return {
    streamId: streamIdFor(event),
    event: {
      eventId: event.eventId,
      type: event.type,
      version: TOUCHPOINT_CATALOGUE[event.type].version,
      data: event.data as unknown as JsonObject,
      metadata,
      occurredAt: new Date(parsed.epochMs),
    },
  };
}

/** What fromRecordedEvent needs of a stored event (RecordedEvent has all of it). */
export interface StoredEvent {
  streamId: string;
  eventId: string;
  type: string;
  version: number;
  data: JsonObject;
  metadata: JsonObject;
  occurredAt: Date | null;
  recordedAt?: Date;
}

/**
 * The inverse of toEventToAppend, for readers (projections, replay): the event in its current
 * version, in the shape producers send. occurredAt comes back in UTC. Personal fields that were
 * erased are simply absent (every personal field is optional). Events appended by other means
 * than toEventToAppend read with fallbacks: channel "other", source "unknown", occurredAt the
 * recording time. Throws UpcastError for a type or version this code does not know.
 */
export function fromRecordedEvent(
  stored: StoredEvent,
  upcasters: UpcasterRegistry = touchpointUpcasters,
): JourneyEvent {
  if (!isEventType(stored.type))
    throw new UpcastError(`Unknown event type ${stored.type}`, stored.type, stored.version);
  const { data } = upcasters.upcast(stored);
  const m = stored.metadata;
  const ids = parseStreamId(stored.streamId);
  const event: Record<string, unknown> = {
    eventId: stored.eventId,
    type: stored.type,
    occurredAt: (stored.occurredAt ?? stored.recordedAt ?? new Date(0)).toISOString(),
  };
  const customerId = str(m.customerId) ?? (ids && 'customerId' in ids ? ids.customerId : undefined);
  const anonymousId =
    str(m.anonymousId) ?? (ids && 'anonymousId' in ids ? ids.anonymousId : undefined);
  if (customerId !== undefined) event.customerId = customerId;
  if (anonymousId !== undefined) event.anonymousId = anonymousId;
  event.channel = (str(m.channel) ?? 'other') as Channel;
  if (typeof m.sentiment === 'number') event.sentiment = m.sentiment;
  event.data = data;
  const metadata: Record<string, string> = { source: str(m.source) ?? 'unknown' };
  if (str(m.correlationId) !== undefined) metadata.correlationId = str(m.correlationId)!;
  if (str(m.causationId) !== undefined) metadata.causationId = str(m.causationId)!;
  event.metadata = metadata;
  return event as unknown as JourneyEvent;
}

function str(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
