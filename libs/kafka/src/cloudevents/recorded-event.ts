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
  /** String, RFC 3339: when the store recorded the event (`time` is the occurred time when known). */
  recordedAt: 'tlrecordedat',
  /** String, RFC 3339: the producer's occurred time; absent when the producer gave none. */
  occurredAt: 'tloccurredat',
  /** String: the event's metadata (correlation, envelope), as JSON. */
  metadata: 'tlmetadata',
  /** String: the store's human-readable global sequence number. */
  globalPosition: 'tlglobalposition',
  /** String: the stream hash chain's value for the event; absent where the store keeps none. */
  hash: 'tlhash',
  /** String: the data key of the encrypted personal fields; absent when the event has none. */
  personalKey: 'tlpersonalkey',
  /** String, base64: the encrypted personal fields (ciphertext only: the topic never sees them in clear). */
  personal: 'tlpersonal',
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
      [TOUCHLINE_EXTENSIONS.recordedAt]: event.recordedAt.toISOString(),
      ...(event.occurredAt && {
        [TOUCHLINE_EXTENSIONS.occurredAt]: event.occurredAt.toISOString(),
      }),
      [TOUCHLINE_EXTENSIONS.metadata]: jsonAttribute(event.metadata),
      [TOUCHLINE_EXTENSIONS.globalPosition]: event.globalPosition,
      ...(event.hash !== null && { [TOUCHLINE_EXTENSIONS.hash]: event.hash }),
      ...(event.personal && {
        [TOUCHLINE_EXTENSIONS.personalKey]: event.personal.keyId,
        [TOUCHLINE_EXTENSIONS.personal]: event.personal.ciphertext.toString('base64'),
      }),
    },
  };
}

/**
 * The inverse of recordedEventToCloudEvent, for consumers of the journey topic (the projections'
 * Kafka source): every field of the stored event, or the reason it cannot be rebuilt. Messages
 * published before tlrecordedat existed carry neither the recorded time nor the metadata: they
 * come back with `time` as both times, empty metadata, and the global position from tlposition.
 */
export function cloudEventToRecordedEvent(
  event: CloudEvent,
): { ok: true; event: RecordedEvent } | { ok: false; reason: string } {
  const ext = event.extensions;
  const stream = ext[TOUCHLINE_EXTENSIONS.stream];
  const revision = ext[TOUCHLINE_EXTENSIONS.revision];
  const position = ext[TOUCHLINE_EXTENSIONS.position];
  const version = ext[TOUCHLINE_EXTENSIONS.version];
  if (typeof stream !== 'string' || stream === '') return missing(TOUCHLINE_EXTENSIONS.stream);
  if (typeof revision !== 'number' || revision < 0) return missing(TOUCHLINE_EXTENSIONS.revision);
  if (typeof position !== 'string' || position === '')
    return missing(TOUCHLINE_EXTENSIONS.position);
  if (typeof version !== 'number') return missing(TOUCHLINE_EXTENSIONS.version);
  if (!isJsonObject(event.data)) return { ok: false, reason: 'data is not a JSON object' };

  const recordedAt = timeOf(ext[TOUCHLINE_EXTENSIONS.recordedAt] ?? event.time);
  if (!recordedAt) return missing(TOUCHLINE_EXTENSIONS.recordedAt);
  const legacy = ext[TOUCHLINE_EXTENSIONS.recordedAt] === undefined;
  const occurredRaw = legacy ? event.time : ext[TOUCHLINE_EXTENSIONS.occurredAt];
  const occurredAt = occurredRaw === undefined ? null : timeOf(occurredRaw);
  if (occurredRaw !== undefined && !occurredAt) return missing(TOUCHLINE_EXTENSIONS.occurredAt);

  let metadata: JsonObject = {};
  const rawMetadata = ext[TOUCHLINE_EXTENSIONS.metadata];
  if (rawMetadata !== undefined) {
    try {
      const parsed: unknown = typeof rawMetadata === 'string' ? JSON.parse(rawMetadata) : null;
      if (!isJsonObject(parsed)) return missing(TOUCHLINE_EXTENSIONS.metadata);
      metadata = parsed;
    } catch {
      return missing(TOUCHLINE_EXTENSIONS.metadata);
    }
  }
  const personalKey = ext[TOUCHLINE_EXTENSIONS.personalKey];
  const personal = ext[TOUCHLINE_EXTENSIONS.personal];
  if ((personalKey === undefined) !== (personal === undefined))
    return missing(TOUCHLINE_EXTENSIONS.personal);
  if (
    personalKey !== undefined &&
    (typeof personalKey !== 'string' || typeof personal !== 'string')
  )
    return missing(TOUCHLINE_EXTENSIONS.personal);
  const globalPosition = ext[TOUCHLINE_EXTENSIONS.globalPosition];
  const hash = ext[TOUCHLINE_EXTENSIONS.hash];
  return {
    ok: true,
    event: {
      streamId: stream,
      revision,
      eventId: event.id,
      type: event.type,
      version,
      data: event.data,
      metadata,
      occurredAt,
      recordedAt,
      position,
      globalPosition:
        typeof globalPosition === 'string' ? globalPosition : (position.split('-').pop() ?? ''),
      hash: typeof hash === 'string' ? hash : null,
      ...(typeof personalKey === 'string' &&
        typeof personal === 'string' && {
          personal: { keyId: personalKey, ciphertext: Buffer.from(personal, 'base64') },
        }),
    },
  };
}

function missing(attribute: string): { ok: false; reason: string } {
  return { ok: false, reason: `extension ${attribute} is missing or malformed` };
}

function timeOf(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function isJsonObject(value: unknown): value is JsonObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}

/** JSON as a CloudEvents String: C1 control characters (which JSON leaves raw) escaped too. */
function jsonAttribute(value: JsonObject): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
